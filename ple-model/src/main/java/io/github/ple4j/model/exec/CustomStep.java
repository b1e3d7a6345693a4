package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/** A custom (libnd4j declarable) op. */
final class CustomStep extends BufferedStep {
    private final DynamicCustomOp custom;
    private final CachedOpContext ctx;

    CustomStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out, outTypes);
        this.custom = (DynamicCustomOp) op;
        this.ctx = new CachedOpContext(custom.iArgs(), custom.tArgs(), custom.bArgs(), custom.dArgs());
    }

    @Override
    void run(INDArray[] values) {
        try {
            for (int i = 0; i < in.length; i++) {
                ctx.in(i, values[in[i]]);
            }
            if (!sameInputs(values)) {
                allocate(custom.calculateOutputShape(ctx.ctx));
                remember(values);
            }
            for (int i = 0; i < out.length; i++) {
                ctx.out(i, buffers[i]);
            }
            ctx.exec(custom);
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        for (int i = 0; i < out.length; i++) {
            values[out[i]] = buffers[i];
        }
    }
}
