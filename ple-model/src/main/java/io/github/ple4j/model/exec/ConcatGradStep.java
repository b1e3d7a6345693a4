package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * {@code concat_bp} along a leading axis of a contiguous gradient: each input's gradient is a view of its
 * block (no copy). Along the columns of a rank-2 gradient (the model input's concatenation) each input's gradient is
 * copied out of its column block into a buffer of this step ({@link ColumnBlocks}; libnd4j's op took about 20 µs per
 * block). Other cases use the op.
 */
final class ConcatGradStep extends Step {
    private final int axisArg;
    private INDArray lastEps;
    private INDArray[] views;
    /** Column case: the gradients' own buffers, reused while the shapes repeat, and their [outer, inner] views. */
    private INDArray[] columns;
    private INDArray[] columnViews;
    private final ColumnBlocks columnCopy = new ColumnBlocks();
    /** Column case: the gradient last seen and its [outer, inner] view. */
    private INDArray lastWholeSource;
    private INDArray whole;

    ConcatGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, int axis) {
        super(op, in, out);
        this.axisArg = axis;
        useFallback(outTypes);
    }

    @Override
    int[][] aliases() {
        int[][] a = new int[out.length][];
        for (int i = 0; i < out.length; i++) {
            a[i] = new int[]{out[i], in[in.length - 1]};
        }
        return a;
    }

    @Override
    void run(INDArray[] values) {
        INDArray eps = values[in[in.length - 1]];
        int axisNow = axisArg < 0 ? axisArg + eps.rank() : axisArg;
        if (axisNow >= 1 && !ArrayViews.blockwise(new INDArray[]{eps}, axisNow, eps.dataType())
                && columnsRun(values, eps, axisNow)) {
            return;
        }
        if (eps != lastEps || views == null || !sameShapes(values)) {
            views = null;
            lastEps = null;
            INDArray[] xs = new INDArray[out.length];
            for (int i = 0; i < out.length; i++) {
                xs[i] = values[in[i]];
            }
            int rank = eps.rank();
            int axis = axisArg < 0 ? axisArg + rank : axisArg;
            if (axis < 0 || axis >= rank || !ArrayViews.blockwise(new INDArray[]{eps}, axis, eps.dataType())) {
                fallback.run(values);
                return;
            }
            long total = 0;
            for (INDArray x : xs) {
                total += x.length();
            }
            if (total != eps.length()) {
                fallback.run(values);
                return;
            }
            views = ArrayViews.blocks(eps, xs);
            lastEps = eps;
        }
        for (int i = 0; i < out.length; i++) {
            values[out[i]] = views[i];
        }
    }

    /**
     * Along an inner axis: the gradient viewed as [outer, inner] (outer: the dimensions before the axis), each
     * input's gradient copied out of its column block; false (nothing done) when the arrays do not allow it.
     */
    private boolean columnsRun(INDArray[] values, INDArray eps, int axis) {
        if (columns == null || columns.length != out.length || !sameColumnShapes(values)) {
            freeColumns();
            INDArray[] xs = new INDArray[out.length];
            for (int i = 0; i < out.length; i++) {
                xs[i] = values[in[i]];
            }
            if (ArrayViews.asColumns(xs, axis, eps.dataType()) == null || !ArrayViews.linear(eps)) {
                return false;
            }
            INDArray[] c = new INDArray[out.length];
            for (int i = 0; i < out.length; i++) {
                c[i] = Nd4j.createUninitialized(eps.dataType(), xs[i].shape());
            }
            columns = c;
            columnViews = ArrayViews.asColumns(c, axis, eps.dataType());
        }
        if (eps != lastWholeSource) {
            whole = eps.reshape('c', new long[]{columnViews[0].size(0), eps.length() / columnViews[0].size(0)});
            lastWholeSource = eps;
        }
        if (!ColumnBlocks.supported(columnViews, whole)) {
            return false;
        }
        columnCopy.split(whole, columnViews);
        for (int i = 0; i < out.length; i++) {
            values[out[i]] = columns[i];
        }
        return true;
    }

    private boolean sameColumnShapes(INDArray[] values) {
        for (int i = 0; i < out.length; i++) {
            if (!Arrays.equals(values[in[i]].shape(), columns[i].shape())) {
                return false;
            }
        }
        return true;
    }

    private void freeColumns() {
        if (columns != null) {
            for (INDArray a : columns) {
                a.close();
            }
            columns = null;
            columnViews = null;
            lastWholeSource = null;
            whole = null;
        }
    }

    @Override
    long largestBuffer() {
        long m = super.largestBuffer();
        if (columns != null) {
            for (INDArray a : columns) {
                m = Math.max(m, a.length());
            }
        }
        return m;
    }

    @Override
    void close() {
        super.close();
        freeColumns();
    }

    private boolean sameShapes(INDArray[] values) {
        for (int i = 0; i < out.length; i++) {
            if (!Arrays.equals(values[in[i]].shape(), views[i].shape())) {
                return false;
            }
        }
        return true;
    }

    @Override
    void reset() {
        super.reset();
        views = null;
        lastEps = null;
        freeColumns();
    }

    @Override
    String kind() {
        return op.opName() + VIEW;
    }
}
