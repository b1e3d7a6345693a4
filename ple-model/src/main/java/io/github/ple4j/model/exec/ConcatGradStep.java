package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * {@code concat_bp} along a leading axis of a contiguous gradient: each input's gradient is a view of its
 * block (no copy). Other cases use the op.
 */
final class ConcatGradStep extends Step {
    private final int axisArg;
    private INDArray lastEps;
    private INDArray[] views;

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
    }

    @Override
    String kind() {
        return op.opName() + VIEW;
    }
}
