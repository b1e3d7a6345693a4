package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * {@code add_bp} of z = x + y. dL/dx is dL/dz itself (no copy). When y is x's shape, so is dL/dy; when y
 * is a bias broadcast over the rows (shape [..., 1, n] against [..., B, n]) or the columns ([..., n, 1]),
 * dL/dy sums dL/dz over them as a matrix multiply by a row (column) of ones (libnd4j's column reduction took
 * 1.7 ms on [256, 3072], the multiply 0.02 ms). Other shapes use libnd4j's op.
 */
final class AddGradStep extends BufferedStep {
    private final Product rowSum = new Product(false, false);
    private INDArray ones;
    private Layout layout;

    /** How y is laid out against z. */
    private enum Layout {
        /** Not handled here: libnd4j's op runs. */
        OTHER,
        /** y has z's shape: dL/dy is dL/dz. */
        SAME_SHAPE,
        /** y is a row [.., 1, n] broadcast over z's rows: dL/dy = ones [.., 1, B] x dL/dz. */
        ROW,
        /** y is a column [.., n, 1] broadcast over z's columns: dL/dy = dL/dz x ones [.., B, 1]. */
        COLUMN
    }

    AddGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out, outTypes);
        useFallback(outTypes);
    }

    @Override
    int[][] aliases() {
        return new int[][]{{out[0], in[2]}, {out[1], in[2]}};
    }

    @Override
    void run(INDArray[] values) {
        INDArray x = values[in[0]];
        INDArray y = values[in[1]];
        INDArray eps = values[in[2]];
        if (!sameInputs(values)) {
            freeBuffers();
            if (ones != null) {
                ones.close();
                ones = null;
            }
            layout = layout(x, y, eps);
            buffers = new INDArray[2];
            if (layout == Layout.ROW || layout == Layout.COLUMN) {
                long[] os = eps.shape().clone();
                int r = os.length;
                if (layout == Layout.ROW) {            // a row of ones [.., 1, B] on the left
                    os[r - 1] = os[r - 2];
                    os[r - 2] = 1;
                } else {                    // a column of ones [.., B, 1] on the right
                    os[r - 2] = os[r - 1];
                    os[r - 1] = 1;
                }
                ones = Nd4j.ones(eps.dataType(), os);
                buffers[1] = newBuffer(1, outTypes[1], y.shape());
            }
            remember(values);
        }
        if (layout == Layout.OTHER) {
            fallback.run(values);
            return;
        }
        values[out[0]] = eps;
        if (layout == Layout.SAME_SHAPE) {
            values[out[1]] = eps;
            return;
        }
        try {
            if (layout == Layout.ROW) {
                rowSum.run(ones, eps, buffers[1]);
            } else {
                rowSum.run(eps, ones, buffers[1]);
            }
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[1]] = buffers[1];
    }

    /** Which layout y has (rank 2 or 3 broadcasts are handled). */
    private Layout layout(INDArray x, INDArray y, INDArray eps) {
        if (!Arrays.equals(x.shape(), eps.shape()) || x.dataType() != eps.dataType() || y.dataType() != eps.dataType()
                || outTypes[0] != eps.dataType() || outTypes[1] != eps.dataType()) {
            return Layout.OTHER;
        }
        if (Arrays.equals(y.shape(), eps.shape())) {
            return Layout.SAME_SHAPE;
        }
        int r = eps.rank();
        if ((r != 2 && r != 3) || y.rank() != r || (r == 3 && y.size(0) != eps.size(0))) {
            return Layout.OTHER;
        }
        if (y.size(r - 2) == 1 && y.size(r - 1) == eps.size(r - 1) && eps.size(r - 2) > 1) {
            return Layout.ROW;
        }
        if (y.size(r - 1) == 1 && y.size(r - 2) == eps.size(r - 2) && eps.size(r - 1) > 1) {
            return Layout.COLUMN;
        }
        return Layout.OTHER;
    }

    @Override
    void close() {
        super.close();
        if (ones != null) {
            ones.close();
        }
    }

    @Override
    String kind() {
        return op.opName() + REWRITTEN;
    }
}
