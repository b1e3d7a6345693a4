package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/** Outputs allocated per input shapes and reused while those shapes repeat. */
abstract class BufferedStep extends Step {
    final DataType[] outTypes;
    long[][] lastInShapes;
    DataType[] lastInTypes;
    INDArray[] buffers;
    INDArray[] pinned;
    BufferPool pool;

    BufferedStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out);
        this.outTypes = outTypes;
    }

    /** True when the inputs have the shapes and types of the previous call (buffers can be reused). */
    boolean sameInputs(INDArray[] values) {
        if (buffers == null) {
            return false;
        }
        for (int i = 0; i < in.length; i++) {
            INDArray a = values[in[i]];
            if (a.dataType() != lastInTypes[i] || !Arrays.equals(a.shape(), lastInShapes[i])) {
                return false;
            }
            if (a.dataType().isIntType() && a.length() <= 16) {
                // Shape-like integer inputs (reshape targets, axes): their values decide output shapes.
                return false;
            }
        }
        if (pool != null && pool.poisons()) {
            poisonOutputs(values);
        }
        return true;
    }

    /** Under poisoning, fills the pooled output buffers about to be written again with NaN (never an input). */
    private void poisonOutputs(INDArray[] values) {
        for (INDArray b : buffers) {
            if (b == null) {
                continue;
            }
            boolean input = false;
            for (int j : in) {
                input |= values[j] == b;
            }
            if (!input) {
                pool.poison(b);
            }
        }
    }

    void remember(INDArray[] values) {
        lastInShapes = new long[in.length][];
        lastInTypes = new DataType[in.length];
        for (int i = 0; i < in.length; i++) {
            lastInShapes[i] = values[in[i]].shape();
            lastInTypes[i] = values[in[i]].dataType();
        }
    }

    /** Output buffers for the shapes libnd4j computed, reusing the current ones that still fit. */
    void allocate(List<LongShapeDescriptor> shapes) {
        if (shapes == null || shapes.size() != out.length) {
            throw new IllegalStateException("op '" + op.getOwnName() + "' (" + op.opName() + ") gave "
                    + (shapes == null ? 0 : shapes.size()) + " output shapes for " + out.length + " outputs");
        }
        INDArray[] next = new INDArray[out.length];
        for (int i = 0; i < out.length; i++) {
            LongShapeDescriptor d = shapes.get(i);
            if (d.dataType() != outTypes[i]) {
                d = d.asDataType(outTypes[i]);
            }
            INDArray old = buffers == null ? null : buffers[i];
            if (old != null && old.dataType() == d.dataType() && Arrays.equals(old.shape(), d.getShape())
                    && old.ordering() == d.getOrder() && !d.isEmpty()) {
                next[i] = old;
                buffers[i] = null;
            } else if (d.isEmpty() || d.getOrder() != 'c') {
                next[i] = Nd4j.create(d, false);
            } else {
                next[i] = newBuffer(i, d.dataType(), d.getShape());
            }
        }
        freeBuffers();
        buffers = next;
    }

    void freeBuffers() {
        if (buffers != null) {
            for (int i = 0; i < buffers.length; i++) {
                INDArray b = buffers[i];
                if (b != null && !isPinned(i, b) && (pool == null || !pool.owns(b)) && b.closeable()) {
                    b.close();
                }
            }
        }
        buffers = null;
    }

    /** Makes output i use {@code target} (a caller's array) whenever the shapes agree. */
    void pin(int i, INDArray target) {
        if (pinned == null) {
            pinned = new INDArray[out.length];
        }
        pinned[i] = target;
        freeBuffers();
    }

    private boolean isPinned(int i, INDArray b) {
        return pinned != null && i < pinned.length && pinned[i] == b;
    }

    /** The one [rows, cols] output buffer, allocated again when the shape or type differs from the last call's. */
    INDArray matrixBuffer(DataType type, long rows, long cols) {
        if (buffers == null || buffers.length != 1 || buffers[0].size(0) != rows || buffers[0].size(1) != cols
                || buffers[0].dataType() != type) {
            freeBuffers();
            buffers = new INDArray[]{newBuffer(0, type, new long[]{rows, cols})};
        }
        return buffers[0];
    }

    /** A buffer for output i: its pinned array when that has the shape and type, else a new array. */
    INDArray newBuffer(int i, DataType type, long[] shape) {
        INDArray p = pinned == null ? null : pinned[i];
        if (p != null && p.dataType() == type && Arrays.equals(p.shape(), shape)) {
            return p;
        }
        if (pool != null && outEnd != null) {
            return pool.take(type, shape, index, outEnd[i]);
        }
        return Nd4j.createUninitialized(type, shape);
    }

    @Override
    long largestBuffer() {
        long m = super.largestBuffer();
        if (buffers != null) {
            for (INDArray b : buffers) {
                if (b != null) {
                    m = Math.max(m, b.length());
                }
            }
        }
        return m;
    }

    @Override
    void reset() {
        super.reset();
        freeBuffers();
        lastInShapes = null;
        lastInTypes = null;
    }

    @Override
    void close() {
        super.close();
        freeBuffers();
    }
}
