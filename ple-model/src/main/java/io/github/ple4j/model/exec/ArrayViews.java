package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Layout tests and block views of contiguous arrays. */
final class ArrayViews {
    private ArrayViews() {
    }

    /** True for a non-empty array laid out in C order without gaps (views of it need no copy). */
    static boolean contiguous(INDArray x) {
        return x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x) && !x.isEmpty();
    }

    /**
     * True for a non-empty C-order array whose elements lie one after another in memory (default strides, or an
     * element-wise stride of 1: ND4J gives some views with a leading dimension of 1 other strides), so that its
     * buffer can be read and written linearly.
     */
    static boolean linear(INDArray x) {
        return x.ordering() == 'c' && !x.isEmpty() && (Shape.hasDefaultStridesForShape(x) || x.elementWiseStride() == 1);
    }

    /**
     * True for a {@link #linear} array that spans its buffer, so that a direct buffer over the buffer's address
     * pointer reads exactly its elements (a view's buffer starts at the view).
     */
    static boolean spansBuffer(INDArray x) {
        return linear(x) && x.data().length() == x.length();
    }

    /** True for an array that {@link #spansBuffer} and fits Java arrays and NIO buffers (int-indexed). */
    static boolean direct(INDArray x) {
        return spansBuffer(x) && x.length() <= Integer.MAX_VALUE;
    }

    /** The consecutive blocks of {@code whole} (read as a vector) shaped like {@code parts}: views, no copies. */
    static INDArray[] blocks(INDArray whole, INDArray[] parts) {
        INDArray flat = whole.reshape(whole.length());
        INDArray[] v = new INDArray[parts.length];
        long off = 0;
        for (int i = 0; i < parts.length; i++) {
            v[i] = flat.get(NDArrayIndex.interval(off, off + parts[i].length())).reshape('c', parts[i].shape());
            off += parts[i].length();
        }
        return v;
    }

    /** True when concatenating {@code arrays} along {@code axis} places each one in a contiguous block. */
    static boolean blockwise(INDArray[] arrays, int axis, DataType type) {
        for (INDArray a : arrays) {
            if (a.dataType() != type || !ArrayViews.contiguous(a) || a.rank() != arrays[0].rank()) {
                return false;
            }
            for (int d = 0; d < axis; d++) {
                if (a.size(d) != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Arrays to be concatenated along {@code axis} (>= 1) as [outer, inner] matrices, outer the product of the
     * dimensions before the axis (the same for all) and inner that of the axis and those after it (which must
     * agree but for the axis): their concatenation is then that of column blocks. Null when they do not allow it.
     */
    static INDArray[] asColumns(INDArray[] arrays, int axis, DataType type) {
        int rank = arrays[0].rank();
        if (axis < 1 || axis >= rank) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            if (a.dataType() != type || a.rank() != rank || a.isEmpty() || !linear(a)) {
                return null;
            }
            long outer = 1;
            long inner = 1;
            for (int d = 0; d < rank; d++) {
                if (d != axis && a.size(d) != arrays[0].size(d)) {
                    return null;
                }
                if (d < axis) {
                    outer *= a.size(d);
                } else {
                    inner *= a.size(d);
                }
            }
            out[i] = a.reshape('c', new long[]{outer, inner});
        }
        return out;
    }

    /** The column blocks of {@code whole} [B, sum w_i] shaped like {@code parts} [B, w_i]: strided views. */
    static INDArray[] columnBlocks(INDArray whole, INDArray[] parts) {
        INDArray[] v = new INDArray[parts.length];
        long off = 0;
        for (int i = 0; i < parts.length; i++) {
            v[i] = whole.get(NDArrayIndex.all(), NDArrayIndex.interval(off, off + parts[i].size(1)));
            off += parts[i].size(1);
        }
        return v;
    }
}
