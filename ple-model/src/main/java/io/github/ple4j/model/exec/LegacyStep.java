package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;

/** A legacy (transform, scalar, pairwise, reduce) op. */
final class LegacyStep extends BufferedStep {
    private final BaseOp legacy;
    private final boolean scalarArg;
    private final CachedOpContext ctx = new CachedOpContext(null, null, null, null);

    LegacyStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out, outTypes);
        this.legacy = (BaseOp) op;
        boolean axisArg = op instanceof ReduceOp && ((ReduceOp) op).getOpType() != Op.Type.REDUCE3 && in.length == 2;
        this.scalarArg = op instanceof ScalarOp && in.length == 2;
        if (axisArg) {
            throw new UnsupportedOperationException("ExecutionPlan does not run reductions with an axis input ('"
                    + op.getOwnName() + "')");
        }
        if (out.length != 1) {
            throw new UnsupportedOperationException("legacy op '" + op.getOwnName() + "' has " + out.length + " outputs");
        }
    }

    @Override
    void run(INDArray[] values) {
        try {
            if (scalarArg) {
                ((ScalarOp) legacy).setScalar(values[in[1]]);
            }
            ctx.in(0, values[in[0]]);
            if (in.length == 2 && !scalarArg) {
                ctx.in(1, values[in[1]]);
            }
            if (!sameInputs(values)) {
                allocate(legacy.calculateOutputShape(ctx.ctx));
                remember(values);
            }
            ctx.out(0, buffers[0]);
            ctx.exec((Op) legacy);
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[0]] = buffers[0];
    }
}
