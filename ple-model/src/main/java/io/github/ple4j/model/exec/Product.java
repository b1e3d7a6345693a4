package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * A matrix product into a given buffer: op(a) op(b) with optional transposes, by a direct BLAS call
 * ({@link DirectGemm}) where the backend and layout allow it, else by libnd4j's matmul. There, a
 * rank-3 product of contiguous arrays runs as one 2-D product per batch element on views: libnd4j's
 * batched path reached about 110 GFLOP/s where its 2-D products reached 180-240 (oneDNN, AVX-512). A rank-3
 * product of many tiny matrices (a gate's mixture per sample) runs in Java ({@link SmallBatchedProduct}).
 */
final class Product {
    private final Mmul mmul = new Mmul();
    private final long[] iArgs;
    private final CachedOpContext ctx;
    private CachedOpContext[] perBatch = new CachedOpContext[0];
    private SmallBatchedProduct small;
    private INDArray lastA;
    private INDArray lastB;
    private INDArray lastR;
    private INDArray[][] views;

    private final boolean transposeA;
    private final boolean transposeB;

    Product(boolean transposeA, boolean transposeB) {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        iArgs = new long[]{transposeA ? 1 : 0, transposeB ? 1 : 0, 0};
        ctx = new CachedOpContext(iArgs, new double[]{1.0, 0.0}, null, null);
    }

    void run(INDArray a, INDArray b, INDArray result) {
        if (SmallBatchedProduct.applies(a, b, result, transposeA, transposeB)) {
            if (small == null) {
                small = new SmallBatchedProduct();
            }
            small.run(a, b, result, transposeA, transposeB);
            return;
        }
        if (DirectGemm.run(a, transposeA, b, transposeB, result)) {
            return;
        }
        if (result.rank() == 3 && a.rank() == 3 && b.rank() == 3 && a.size(0) == result.size(0)
                && b.size(0) == result.size(0) && ArrayViews.contiguous(a) && ArrayViews.contiguous(b) && ArrayViews.contiguous(result)) {
            if (a != lastA || b != lastB || result != lastR) {
                int n = (int) result.size(0);
                views = new INDArray[3][n];
                for (int e = 0; e < n; e++) {
                    views[0][e] = a.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                    views[1][e] = b.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                    views[2][e] = result.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                }
                if (perBatch.length < n) {
                    CachedOpContext[] more = Arrays.copyOf(perBatch, n);
                    for (int e = perBatch.length; e < n; e++) {
                        more[e] = new CachedOpContext(iArgs, new double[]{1.0, 0.0}, null, null);
                    }
                    perBatch = more;
                }
                lastA = a;
                lastB = b;
                lastR = result;
            }
            for (int e = 0; e < views[0].length; e++) {
                perBatch[e].in(0, views[0][e]).in(1, views[1][e]).out(0, views[2][e]).exec(mmul);
            }
            return;
        }
        ctx.in(0, a).in(1, b).out(0, result).exec(mmul);
    }
}
