package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Row access to a C-order [rows, dim] FLOAT or DOUBLE array in native memory, for the sparse kernels: a row is read
 * into or written from a Java array through direct NIO buffers (no JNI call per row). Tables larger than a NIO
 * buffer can address are split into windows of whole rows.
 */
final class NativeRows {
    /** Bytes per window (NIO buffers are indexed by int). */
    private static final long WINDOW_BYTES = 1L << 30;
    private final int dim;
    private final long rows;
    /** Rows per window, a power of two (so a row's window and offset are a shift and a mask, not a division). */
    private final long rowsPerWindow;
    private final int shift;
    private final long mask;
    private final FloatBuffer[] floats;
    private final DoubleBuffer[] doubles;
    /** Keeps the array (and so its native memory, which ND4J frees when the array is collected) reachable. */
    private final INDArray owner;

    private NativeRows(INDArray a, long windowBytes) {
        if (a.rank() != 2 || !ArrayViews.linear(a)) {
            throw new IllegalArgumentException("row access needs a contiguous C-order [rows, dim] array but got shape "
                    + java.util.Arrays.toString(a.shape()) + " order " + a.ordering());
        }
        if (a.data().length() != a.length()) {
            throw new IllegalArgumentException("row access needs an array that spans its buffer (" + a.length()
                    + " elements in a buffer of " + a.data().length() + ")");
        }
        DataType type = a.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("row access supports FLOAT and DOUBLE arrays but got " + type);
        }
        this.owner = a;
        this.rows = a.size(0);
        this.dim = (int) a.size(1);
        int width = type.width();
        this.rowsPerWindow = Long.highestOneBit(Math.max(1, windowBytes / width / Math.max(dim, 1)));
        this.shift = Long.numberOfTrailingZeros(rowsPerWindow);
        this.mask = rowsPerWindow - 1;
        int windows = (int) Math.max(1, (rows + rowsPerWindow - 1) / rowsPerWindow);
        // A view's buffer starts at the view: its address pointer is the first element.
        Pointer base = a.data().addressPointer();
        if (type == DataType.FLOAT) {
            floats = new FloatBuffer[windows];
            doubles = null;
            for (int w = 0; w < windows; w++) {
                long from = w * rowsPerWindow * dim;
                long to = Math.min(rows, (w + 1) * rowsPerWindow) * dim;
                FloatPointer p = new FloatPointer(base);
                p.position(from).limit(Math.max(to, from + 1));
                floats[w] = p.asBuffer();
            }
        } else {
            doubles = new DoubleBuffer[windows];
            floats = null;
            for (int w = 0; w < windows; w++) {
                long from = w * rowsPerWindow * dim;
                long to = Math.min(rows, (w + 1) * rowsPerWindow) * dim;
                DoublePointer p = new DoublePointer(base);
                p.position(from).limit(Math.max(to, from + 1));
                doubles[w] = p.asBuffer();
            }
        }
    }

    /** Row access to {@code a}, which must outlive this object. */
    static NativeRows of(INDArray a) {
        return new NativeRows(a, WINDOW_BYTES);
    }

    /** As {@link #of(INDArray)} with windows of at most {@code windowBytes} (tests use small windows). */
    static NativeRows of(INDArray a, long windowBytes) {
        return new NativeRows(a, windowBytes);
    }

    int dim() {
        return dim;
    }

    long rows() {
        return rows;
    }

    /** Copies row {@code row} into {@code dst[off .. off + dim)}. */
    void read(long row, double[] dst, int off) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        if (floats != null) {
            float[] f = scratch();
            floats[w].get(at, f, 0, dim);
            for (int j = 0; j < dim; j++) {
                dst[off + j] = f[j];
            }
        } else {
            doubles[w].get(at, dst, off, dim);
        }
    }

    /** Writes {@code src[off .. off + dim)} into row {@code row} (rounded to float for a FLOAT array). */
    void write(long row, double[] src, int off) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        if (floats != null) {
            float[] f = scratch();
            for (int j = 0; j < dim; j++) {
                f[j] = (float) src[off + j];
            }
            floats[w].put(at, f, 0, dim);
        } else {
            doubles[w].put(at, src, off, dim);
        }
    }

    /**
     * Reads the first element of a row, so that its cache line is on its way from memory: the sparse optimisers
     * touch the rows of a few ids ahead before updating, letting the CPU overlap the cache misses of random rows.
     */
    double touch(long row) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        return floats != null ? floats[w].get(at) : doubles[w].get(at);
    }

    /** Adds row {@code row} of a FLOAT array to {@code acc}. */
    void accumulate(long row, float[] acc) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        float[] f = scratch();
        floats[w].get(at, f, 0, dim);
        for (int j = 0; j < dim; j++) {
            acc[j] += f[j];
        }
    }

    /** Adds row {@code row} of a DOUBLE array to {@code acc}. */
    void accumulate(long row, double[] acc) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        for (int j = 0; j < dim; j++) {
            acc[j] += doubles[w].get(at + j);
        }
    }

    /** Writes {@code src[0 .. dim)} into row {@code row} of a FLOAT array. */
    void put(long row, float[] src) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        floats[w].put(at, src, 0, dim);
    }

    /**
     * Read-ahead for a loop over ids: when {@code i} is a multiple of {@link #AHEAD}, {@link #touch}es the rows of
     * {@code ids[offset + k * stride]} for k in [{@link #aheadFrom}(i), {@link #aheadTo}(i, count)), skipping ids
     * outside the table, so that the cache misses of the next block of rows overlap with the work on this one.
     *
     * @return the values read, for the caller to keep (so that the reads are not optimised away)
     */
    double readAhead(long[] ids, int offset, int stride, int i, int count) {
        if (i % AHEAD != 0) {
            return 0;
        }
        double touched = 0;
        for (int k = aheadFrom(i), end = aheadTo(i, count); k < end; k++) {
            long id = ids[offset + k * stride];
            if (id >= 0 && id < rows) {
                touched += touch(id);
            }
        }
        return touched;
    }

    /**
     * Rows whose memory reads a sparse kernel starts together, a block ahead of the row it works on. Java has no
     * prefetch instruction: a touch is a load, which holds its place in the CPU's reorder buffer until the data
     * arrives, so the touches of a block are issued in one short loop. Measured on an AMD EPYC (Zen 3, one thread),
     * mean-pooling bags of up to 50 random rows of a [10^6, 16] FLOAT table that misses the caches: about 50 ns per
     * row with blocks of 32 against 70-115 with blocks of 8 (PyTorch's EmbeddingBag, which prefetches, about 34).
     */
    static final int AHEAD = 32;

    /**
     * Read-ahead for a loop over the rows of row gradients: at block starts ({@code i} a multiple of {@link #AHEAD})
     * touches rows {@code g.row(k)} of every array, k as for {@link #readAhead(long[], int, int, int, int)}.
     *
     * @return the values read, for the caller to keep
     */
    static double readAhead(RowGradients g, int i, NativeRows[] arrays) {
        if (i % AHEAD != 0) {
            return 0;
        }
        double touched = 0;
        for (int k = aheadFrom(i), end = aheadTo(i, g.count()); k < end; k++) {
            long r = g.row(k);
            for (NativeRows a : arrays) {
                touched += a.touch(r);
            }
        }
        return touched;
    }

    /** First index whose row is touched at block start {@code i}: the next block (both blocks at the start). */
    static int aheadFrom(int i) {
        return i == 0 ? 0 : i + AHEAD;
    }

    /** End (exclusive) of the indices touched at block start {@code i} of a loop over {@code count}. */
    static int aheadTo(int i, int count) {
        return Math.min(i + 2 * AHEAD, count);
    }

    private float[] scratch;

    private float[] scratch() {
        if (scratch == null) {
            scratch = new float[dim];
        }
        return scratch;
    }

    /** Copies row {@code row} of this array into row {@code toRow} of {@code to} (same width and type). */
    void copyRow(long row, NativeRows to, long toRow) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        int tw = (int) (toRow >>> to.shift);
        int tat = (int) ((toRow & to.mask) * dim);
        if (floats != null) {
            to.floats[tw].put(tat, floats[w], at, dim);
        } else {
            to.doubles[tw].put(tat, doubles[w], at, dim);
        }
    }

    /**
     * Copies row {@code row} of this array into row {@code toRow} of the wider {@code to}, from its column
     * {@code toColumn} on (same type).
     */
    void copyRowInto(long row, NativeRows to, long toRow, int toColumn) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        int tw = (int) (toRow >>> to.shift);
        int tat = (int) ((toRow & to.mask) * to.dim) + toColumn;
        if (floats != null) {
            to.floats[tw].put(tat, floats[w], at, dim);
        } else {
            to.doubles[tw].put(tat, doubles[w], at, dim);
        }
    }

    /** Sets row {@code row} to zeros. */
    void zeroRow(long row) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim);
        for (int j = 0; j < dim; j++) {
            if (floats != null) {
                floats[w].put(at + j, 0f);
            } else {
                doubles[w].put(at + j, 0d);
            }
        }
    }

    /** Whether this array has the type and width of {@code other}. */
    boolean sameLayout(NativeRows other) {
        return dim == other.dim && (floats != null) == (other.floats != null);
    }

    /** One element. */
    double get(long row, int col) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim) + col;
        return floats != null ? floats[w].get(at) : doubles[w].get(at);
    }

    /** Sets one element. */
    void set(long row, int col, double value) {
        int w = (int) (row >>> shift);
        int at = (int) ((row & mask) * dim) + col;
        if (floats != null) {
            floats[w].put(at, (float) value);
        } else {
            doubles[w].put(at, value);
        }
    }
}
