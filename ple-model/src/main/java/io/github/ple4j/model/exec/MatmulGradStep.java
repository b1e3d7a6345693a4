package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code matmul_bp} of z = op(x) op(y) (op: optional transposes; rank 2, or rank 3 batched): each gradient
 * that is read is one matrix multiply into a reused buffer, and a gradient nobody reads (the features'
 * gradient at the first layer) is not computed, where libnd4j's op always computes both.
 * dL/dx = dz op(y)^T (or op(y) dz^T when x is transposed); dL/dy = op(x)^T dz (or dz^T op(x)).
 */
final class MatmulGradStep extends BufferedStep {
    private final boolean dxRead;
    private final boolean dyRead;
    private final boolean tx;
    private final boolean ty;
    private final Product dxProduct;
    private final Product dyProduct;

    MatmulGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, boolean dxRead, boolean dyRead,
                 boolean tx, boolean ty) {
        super(op, in, out, outTypes);
        this.dxRead = dxRead;
        this.dyRead = dyRead;
        this.tx = tx;
        this.ty = ty;
        this.dxProduct = tx ? new Product(ty, true) : new Product(false, !ty);
        this.dyProduct = ty ? new Product(true, tx) : new Product(!tx, false);
        useFallback(outTypes);
    }

    @Override
    void run(INDArray[] values) {
        INDArray x = values[in[0]];
        INDArray y = values[in[1]];
        INDArray dz = values[in[2]];
        int r = x.rank();
        if ((r != 2 && r != 3) || y.rank() != r || dz.rank() != r || x.dataType() != y.dataType()
                || x.dataType() != dz.dataType() || outTypes[0] != x.dataType() || outTypes[1] != x.dataType()
                || (r == 3 && (x.size(0) != y.size(0) || x.size(0) != dz.size(0)))) {
            fallback.run(values);
            return;
        }
        if (!sameInputs(values)) {
            freeBuffers();
            buffers = new INDArray[2];
            if (dxRead) {
                buffers[0] = newBuffer(0, outTypes[0], x.shape());
            }
            if (dyRead) {
                buffers[1] = newBuffer(1, outTypes[1], y.shape());
            }
            remember(values);
        }
        try {
            if (dxRead) {
                if (tx) {
                    dxProduct.run(y, dz, buffers[0]);
                } else {
                    dxProduct.run(dz, y, buffers[0]);
                }
            }
            if (dyRead) {
                if (ty) {
                    dyProduct.run(dz, x, buffers[1]);
                } else {
                    dyProduct.run(x, dz, buffers[1]);
                }
            }
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[0]] = buffers[0];
        values[out[1]] = buffers[1];
    }

    @Override
    String kind() {
        return op.opName() + REWRITTEN;
    }
}
