package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batched product of many tiny matrices, C[i] = op(A[i]) op(B[i]) for i in [0, N) (op: optional transposes), in
 * Java: a gate's mixture of its experts per sample, w [N, 1, n] x S [N, n, h], and its gradients. As N separate
 * BLAS calls (one per sample) it cost N times a few microseconds of call overhead for a few dozen multiply-adds
 * each; here the operands are copied in bulk to Java arrays and multiplied in one loop nest.
 */
final class SmallBatchedProduct {
    /** Largest per-sample work (multiply-adds of one product) handled here; larger products go to BLAS. */
    static final long MAX_WORK = 1 << 12;

    private SmallBatchedProduct() {
    }

    /**
     * Whether a rank-3 product of these operands is small enough and laid out for this kernel: FLOAT or DOUBLE,
     * linear C-order arrays spanning their buffers, the same batch size.
     */
    static boolean applies(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        if (a.rank() != 3 || b.rank() != 3 || c.rank() != 3 || a.dataType() != c.dataType() || b.dataType() != c.dataType()
                || (c.dataType() != DataType.FLOAT && c.dataType() != DataType.DOUBLE)) {
            return false;
        }
        for (INDArray x : new INDArray[]{a, b, c}) {
            if (!ArrayViews.linear(x) || x.data().length() != x.length() || x.length() > Integer.MAX_VALUE) {
                return false;
            }
        }
        long n = c.size(0);
        long m = c.size(1);
        long p = c.size(2);
        long k = ta ? a.size(1) : a.size(2);
        return a.size(0) == n && b.size(0) == n && m * k * p <= MAX_WORK;
    }

    /** c = op(a) op(b), every batch element. */
    static void run(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        int n = (int) c.size(0);
        int m = (int) c.size(1);
        int p = (int) c.size(2);
        int k = (int) (ta ? a.size(1) : a.size(2));
        int aRows = (int) a.size(1);
        int aCols = (int) a.size(2);
        int bRows = (int) b.size(1);
        int bCols = (int) b.size(2);
        if (c.dataType() == DataType.FLOAT) {
            float[] av = floats(a);
            float[] bv = floats(b);
            float[] cv = new float[(int) c.length()];
            for (int e = 0; e < n; e++) {
                int ao = e * aRows * aCols;
                int bo = e * bRows * bCols;
                int co = e * m * p;
                for (int i = 0; i < m; i++) {
                    for (int l = 0; l < k; l++) {
                        float x = ta ? av[ao + l * aCols + i] : av[ao + i * aCols + l];
                        int row = co + i * p;
                        if (tb) {
                            for (int j = 0; j < p; j++) {
                                cv[row + j] += x * bv[bo + j * bCols + l];
                            }
                        } else {
                            int br = bo + l * bCols;
                            for (int j = 0; j < p; j++) {
                                cv[row + j] += x * bv[br + j];
                            }
                        }
                    }
                }
            }
            FloatPointer ptr = new FloatPointer(c.data().addressPointer());
            ptr.position(0).limit(cv.length);
            ptr.asBuffer().put(cv);
        } else {
            double[] av = NativeArrays.doubles(a);
            double[] bv = NativeArrays.doubles(b);
            double[] cv = new double[(int) c.length()];
            for (int e = 0; e < n; e++) {
                int ao = e * aRows * aCols;
                int bo = e * bRows * bCols;
                int co = e * m * p;
                for (int i = 0; i < m; i++) {
                    for (int l = 0; l < k; l++) {
                        double x = ta ? av[ao + l * aCols + i] : av[ao + i * aCols + l];
                        int row = co + i * p;
                        for (int j = 0; j < p; j++) {
                            cv[row + j] += x * (tb ? bv[bo + j * bCols + l] : bv[bo + l * bCols + j]);
                        }
                    }
                }
            }
            DoublePointer ptr = new DoublePointer(c.data().addressPointer());
            ptr.position(0).limit(cv.length);
            ptr.asBuffer().put(cv);
        }
    }

    private static float[] floats(INDArray a) {
        float[] v = new float[(int) a.length()];
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).limit(v.length);
        p.asBuffer().get(v);
        return v;
    }
}
