package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Buffers shared by ops whose outputs are not alive at the same time. Ops take buffers in step order while a
 * plan's buffers are being set up; a buffer is free for step k when every output it held was last read
 * before k. The assignment is fixed until the input shapes change, so later runs reuse it as is.
 */
final class BufferPool {
    /**
     * Test switch ({@code -Dple4j.plan.poison=true}): fill every buffer with NaN when it is handed out and every
     * time its step runs again with it, to expose ops that read an output buffer before writing it (they would
     * see the stale values of the op that used the buffer before).
     */
    static final boolean POISON = Boolean.getBoolean("ple4j.plan.poison");
    private final boolean poison;
    private final List<Entry> entries = new ArrayList<>();
    private final java.util.IdentityHashMap<INDArray, Boolean> handedOut = new java.util.IdentityHashMap<>();

    private static final class Entry {
        final INDArray flat;
        int busyUntil;

        Entry(INDArray flat, int busyUntil) {
            this.flat = flat;
            this.busyUntil = busyUntil;
        }
    }

    /** A pool that poisons as {@code -Dple4j.plan.poison} says. */
    BufferPool() {
        this(POISON);
    }

    /** A pool that poisons its buffers, or not. */
    BufferPool(boolean poison) {
        this.poison = poison;
    }

    /** Whether buffers are filled with NaN before every write. */
    boolean poisons() {
        return poison;
    }

    /** Fills a floating-point buffer of this pool with NaN (a step is about to write it again). */
    void poison(INDArray buffer) {
        if (poison && buffer.dataType().isFPType() && owns(buffer)) {
            buffer.assign(Double.NaN);
        }
    }

    /** A buffer of the shape for an output written at step {@code from} and last read at step {@code until}. */
    INDArray take(DataType type, long[] shape, int from, int until) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Entry best = null;
        for (Entry e : entries) {
            long cap = e.flat.length();
            if (e.busyUntil < from && e.flat.dataType() == type && cap >= n && cap <= 2 * n + 64
                    && (best == null || cap < best.flat.length())) {
                best = e;
            }
        }
        if (best == null) {
            best = new Entry(Nd4j.createUninitialized(type, Math.max(n, 1)), until);
            entries.add(best);
        } else {
            best.busyUntil = until;
        }
        if (poison && type.isFPType()) {
            best.flat.assign(Double.NaN);
        }
        INDArray view = n == best.flat.length() ? best.flat.reshape('c', shape)
                : best.flat.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
        handedOut.put(view, Boolean.TRUE);
        return view;
    }

    boolean owns(INDArray a) {
        return handedOut.containsKey(a);
    }

    long largest() {
        long m = 0;
        for (Entry e : entries) {
            m = Math.max(m, e.flat.length());
        }
        return m;
    }

    long bytes() {
        long b = 0;
        for (Entry e : entries) {
            b += e.flat.length() * e.flat.dataType().width();
        }
        return b;
    }

    void clear() {
        for (Entry e : entries) {
            if (e.flat.closeable()) {
                e.flat.close();
            }
        }
        entries.clear();
        handedOut.clear();
    }
}
