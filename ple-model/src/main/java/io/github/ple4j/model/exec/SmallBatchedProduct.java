package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batched product of many tiny matrices, C[i] = op(A[i]) op(B[i]) for i in [0, N) (op: optional transposes), in
 * Java: a gate's mixture of its experts per sample, w [N, 1, n] x S [N, n, h], and its gradients. As N separate
 * BLAS calls (one per sample) it cost N times a few microseconds of call overhead for a few dozen multiply-adds
 * each; here the operands are copied in bulk to reused Java arrays and multiplied in one loop nest that keeps
 * eight sums of a row of C in registers (the JIT does not vectorise loops as short as a row; measured on
 * [256, 1, 8] x [256, 8, 16]: 80 µs with fresh arrays and a plain loop, about 20 µs like this). One instance
 * per call site: the scratch arrays are its own, so it is not for concurrent use.
 */
final class SmallBatchedProduct {
    /** Largest per-sample work (multiply-adds of one product) handled here; larger products go to BLAS. */
    static final long MAX_WORK = 1 << 12;
    private static final int LANES = 8;

    private float[] fa = new float[0];
    private float[] fb = new float[0];
    private float[] fc = new float[0];
    private double[] da = new double[0];
    private double[] db = new double[0];
    private double[] dc = new double[0];

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
    void run(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        int n = (int) c.size(0);
        int m = (int) c.size(1);
        int p = (int) c.size(2);
        int k = (int) (ta ? a.size(1) : a.size(2));
        int aCols = (int) a.size(2);
        int bCols = (int) b.size(2);
        // element (i, l) of op(A[e]) and (l, j) of op(B[e]) as offsets i * ai + l * al and l * bl + j * bj
        int ai = ta ? 1 : aCols;
        int al = ta ? aCols : 1;
        int bl = tb ? 1 : bCols;
        int bj = tb ? bCols : 1;
        int aSize = (int) (a.size(1) * aCols);
        int bSize = (int) (b.size(1) * bCols);
        if (c.dataType() == DataType.FLOAT) {
            fa = read(a, fa);
            fb = read(b, fb);
            if (fc.length < c.length()) {
                fc = new float[(int) c.length()];
            }
            multiply(fa, fb, fc, n, m, k, p, aSize, bSize, ai, al, bl, bj);
            FloatPointer ptr = new FloatPointer(c.data().addressPointer());
            ptr.position(0).limit(c.length());
            ptr.asBuffer().put(fc, 0, (int) c.length());
        } else {
            da = read(a, da);
            db = read(b, db);
            if (dc.length < c.length()) {
                dc = new double[(int) c.length()];
            }
            multiply(da, db, dc, n, m, k, p, aSize, bSize, ai, al, bl, bj);
            DoublePointer ptr = new DoublePointer(c.data().addressPointer());
            ptr.position(0).limit(c.length());
            ptr.asBuffer().put(dc, 0, (int) c.length());
        }
    }

    private static void multiply(float[] av, float[] bv, float[] cv, int n, int m, int k, int p, int aSize, int bSize,
                                 int ai, int al, int bl, int bj) {
        int full = p - p % LANES;
        for (int e = 0; e < n; e++) {
            int ao = e * aSize;
            int bo = e * bSize;
            for (int i = 0; i < m; i++) {
                int ar = ao + i * ai;
                int cr = (e * m + i) * p;
                for (int j0 = 0; j0 < full; j0 += LANES) {
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    float s4 = 0f;
                    float s5 = 0f;
                    float s6 = 0f;
                    float s7 = 0f;
                    int bc = bo + j0 * bj;
                    if (bj == 1) {                      // rows of op(B) contiguous
                        for (int l = 0; l < k; l++) {
                            float x = av[ar + l * al];
                            int q = bc + l * bl;
                            s0 += x * bv[q];
                            s1 += x * bv[q + 1];
                            s2 += x * bv[q + 2];
                            s3 += x * bv[q + 3];
                            s4 += x * bv[q + 4];
                            s5 += x * bv[q + 5];
                            s6 += x * bv[q + 6];
                            s7 += x * bv[q + 7];
                        }
                    } else {
                        for (int l = 0; l < k; l++) {
                            float x = av[ar + l * al];
                            int q = bc + l * bl;
                            s0 += x * bv[q];
                            s1 += x * bv[q + bj];
                            s2 += x * bv[q + 2 * bj];
                            s3 += x * bv[q + 3 * bj];
                            s4 += x * bv[q + 4 * bj];
                            s5 += x * bv[q + 5 * bj];
                            s6 += x * bv[q + 6 * bj];
                            s7 += x * bv[q + 7 * bj];
                        }
                    }
                    int o = cr + j0;
                    cv[o] = s0;
                    cv[o + 1] = s1;
                    cv[o + 2] = s2;
                    cv[o + 3] = s3;
                    cv[o + 4] = s4;
                    cv[o + 5] = s5;
                    cv[o + 6] = s6;
                    cv[o + 7] = s7;
                }
                for (int j = full; j < p; j++) {
                    float s = 0f;
                    int bc = bo + j * bj;
                    for (int l = 0; l < k; l++) {
                        s += av[ar + l * al] * bv[bc + l * bl];
                    }
                    cv[cr + j] = s;
                }
            }
        }
    }

    private static void multiply(double[] av, double[] bv, double[] cv, int n, int m, int k, int p, int aSize, int bSize,
                                 int ai, int al, int bl, int bj) {
        for (int e = 0; e < n; e++) {
            int ao = e * aSize;
            int bo = e * bSize;
            for (int i = 0; i < m; i++) {
                int ar = ao + i * ai;
                int cr = (e * m + i) * p;
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    int bc = bo + j * bj;
                    for (int l = 0; l < k; l++) {
                        s += av[ar + l * al] * bv[bc + l * bl];
                    }
                    cv[cr + j] = s;
                }
            }
        }
    }

    private static float[] read(INDArray a, float[] scratch) {
        float[] v = scratch.length >= a.length() ? scratch : new float[(int) a.length()];
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        p.asBuffer().get(v, 0, (int) a.length());
        return v;
    }

    private static double[] read(INDArray a, double[] scratch) {
        double[] v = scratch.length >= a.length() ? scratch : new double[(int) a.length()];
        DoublePointer p = new DoublePointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        p.asBuffer().get(v, 0, (int) a.length());
        return v;
    }
}
