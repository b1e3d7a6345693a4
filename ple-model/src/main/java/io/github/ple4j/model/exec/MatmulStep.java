package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;

/** {@code matmul} (forward): libnd4j's op, except that rank-3 products run per batch element ({@link Product}). */
final class MatmulStep extends BufferedStep {
    private final Product product;
    private final CachedOpContext shapeCtx;
    private final Mmul mmulOp;

    MatmulStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, boolean ta, boolean tb) {
        super(op, in, out, outTypes);
        this.mmulOp = (Mmul) op;
        this.product = new Product(ta, tb);
        this.shapeCtx = new CachedOpContext(mmulOp.iArgs(), mmulOp.tArgs(), null, null);
    }

    @Override
    void run(INDArray[] values) {
        INDArray x = values[in[0]];
        INDArray y = values[in[1]];
        try {
            if (!sameInputs(values)) {
                shapeCtx.in(0, x).in(1, y);
                allocate(mmulOp.calculateOutputShape(shapeCtx.ctx));
                remember(values);
            }
            product.run(x, y, buffers[0]);
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
