package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

import java.util.Arrays;

/**
 * Reshape, squeeze and expand_dims of a linear C-order array: the output is a view of the input (libnd4j's ops
 * copy). The view is made once per input array and reused while the plan feeds the same array.
 */
final class ViewStep extends Step {
    private final DynamicCustomOp custom;
    private final CachedOpContext ctx;
    private final DataType outType;
    private INDArray[] lastInputs;
    private long[][] lastIntValues;
    private INDArray view;

    @Override
    int[][] aliases() {
        return new int[][]{{out[0], in[0]}};
    }

    @Override
    void reset() {
        super.reset();
        view = null;
    }

    ViewStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out);
        this.custom = (DynamicCustomOp) op;
        this.ctx = new CachedOpContext(custom.iArgs(), custom.tArgs(), custom.bArgs(), custom.dArgs());
        useFallback(outTypes);
        this.outType = outTypes[0];
    }

    @Override
    void run(INDArray[] values) {
        if (view != null && sameAsLast(values)) {
            values[out[0]] = view;
            return;
        }
        view = null;
        INDArray x = values[in[0]];
        if (x.dataType() != outType || !ArrayViews.linear(x)) {
            fallback.run(values);
            return;
        }
        try {
            for (int i = 0; i < in.length; i++) {
                ctx.in(i, values[in[i]]);
            }
            long[] shape = custom.calculateOutputShape(ctx.ctx).get(0).getShape();
            INDArray v = x.reshape('c', shape);
            if (v.data().addressPointer().address() != x.data().addressPointer().address() || v.length() != x.length()) {
                fallback.run(values);
                return;
            }
            view = v;
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        lastInputs = new INDArray[in.length];
        lastIntValues = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            lastInputs[i] = values[in[i]];
            lastIntValues[i] = intValues(values[in[i]]);
        }
        values[out[0]] = view;
    }

    private boolean sameAsLast(INDArray[] values) {
        for (int i = 0; i < in.length; i++) {
            if (values[in[i]] != lastInputs[i] || !Arrays.equals(intValues(values[in[i]]), lastIntValues[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The values of a small integer input (a shape or axes), which decide the output shape: read in bulk on every
     * call (ND4J's toLongVector cost about 25 µs per reshape).
     */
    private static long[] intValues(INDArray a) {
        return a.dataType().isIntType() && a.length() <= 16 ? NativeArrays.longs(a) : null;
    }

    @Override
    String kind() {
        return op.opName() + VIEW;
    }
}
