package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * {@code concat} along a leading axis of contiguous arrays: each input is one block of the output, copied
 * with an assign (libnd4j's concat of [n, B, h] tensors ran at a fifth of copy speed). Other cases use the
 * op.
 */
final class ConcatStep extends BufferedStep {
    private final int axisArg;
    private final DynamicCustomOp assign = DynamicCustomOp.builder("assign").build();
    private CachedOpContext[] copies = new CachedOpContext[0];
    private INDArray[] blocks;
    private boolean fast;

    ConcatStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, int axis) {
        super(op, in, out, outTypes);
        this.axisArg = axis;
        useFallback(outTypes);
    }

    @Override
    void run(INDArray[] values) {
        INDArray[] xs = new INDArray[in.length];
        for (int i = 0; i < in.length; i++) {
            xs[i] = values[in[i]];
        }
        if (!sameInputs(values)) {
            freeBuffers();
            int rank = xs[0].rank();
            int axis = axisArg < 0 ? axisArg + rank : axisArg;
            fast = axis >= 0 && axis < rank && ArrayViews.blockwise(xs, axis, outTypes[0]);
            if (fast) {
                long[] shape = xs[0].shape().clone();
                shape[axis] = 0;
                for (INDArray x : xs) {
                    shape[axis] += x.size(axis);
                }
                buffers = new INDArray[]{newBuffer(0, outTypes[0], shape)};
                blocks = ArrayViews.blocks(buffers[0], xs);
                if (copies.length != xs.length) {
                    copies = new CachedOpContext[xs.length];
                    for (int i = 0; i < xs.length; i++) {
                        copies[i] = new CachedOpContext(null, null, null, null);
                    }
                }
            } else {
                buffers = new INDArray[0];
            }
            remember(values);
        }
        if (!fast) {
            fallback.run(values);
            return;
        }
        try {
            for (int i = 0; i < xs.length; i++) {
                copies[i].in(0, blocks[i]).in(1, xs[i]).out(0, blocks[i]).exec(assign);
            }
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[0]] = buffers[0];
    }

    @Override
    String kind() {
        return op.opName() + REWRITTEN;
    }
}
