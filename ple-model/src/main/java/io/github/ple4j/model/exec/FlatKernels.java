package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.stream.IntStream;

/**
 * Kernels over a model's flat parameter and gradient vectors, in Java, one pass each.
 *
 * <p>On the large bench config (2.75 million parameters, one thread, AMD EPYC) ND4J 1.0.0-M2.1 took 13-20 ms for an
 * Adam step (its updater op writing the update into the gradient, then the subtraction from the parameters) and 4-5
 * ms for the sum that checks the gradient is finite. {@link #adamStep} reads gradient, moments and parameters once
 * and writes moments and parameters once, in tiles copied in bulk between native memory and Java arrays (reading
 * native memory element by element from Java was ten times slower than from an array): 8-11 ms. {@link #allFinite}
 * tests exponent bits: 2-3 ms. Long vectors are split over ND4J's thread count.
 */
public final class FlatKernels {
    /** Elements per parallel chunk (below twice this a vector is done on the calling thread). */
    private static final int CHUNK = 1 << 18;

    private FlatKernels() {
    }

    /**
     * Whether {@link #adamStep} runs on these arrays: FLOAT or DOUBLE alike, contiguous vectors spanning their
     * buffers, n parameters, n gradient values and 2n state values (m, then v).
     */
    public static boolean adamApplies(INDArray params, INDArray gradient, INDArray state) {
        DataType t = params.dataType();
        return (t == DataType.FLOAT || t == DataType.DOUBLE) && gradient.dataType() == t && state.dataType() == t
                && ArrayViews.direct(params) && ArrayViews.direct(gradient) && ArrayViews.direct(state)
                && gradient.length() == params.length() && state.length() == 2 * params.length();
    }

    /**
     * One Adam step (Kingma and Ba) in place, as ND4J's {@code AdamUpdater} and the subtraction of its update compute
     * it: with t = iteration + 1, {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
     * {@code p -= a_t m / (sqrt(v) + eps)} where {@code a_t = lr sqrt(1 - b2^t) / (1 - b1^t)} (eps in its place
     * when that is not a positive finite number). In the array's type; results may differ from ND4J's in the last
     * bit (its native code may fuse multiply-adds).
     *
     * @param state m (first n values) then v (next n), as ND4J's Adam keeps them
     * @throws IllegalArgumentException when {@link #adamApplies} is false
     */
    public static void adamStep(INDArray params, INDArray gradient, INDArray state, double lr, double beta1, double beta2,
                                double epsilon, long iteration) {
        if (!adamApplies(params, gradient, state)) {
            throw new IllegalArgumentException("adamStep needs FLOAT or DOUBLE vectors of n, n and 2n elements spanning "
                    + "their buffers but got " + params.dataType() + " " + params.length() + ", " + gradient.dataType() + " "
                    + gradient.length() + ", " + state.dataType() + " " + state.length());
        }
        int n = (int) params.length();
        if (params.dataType() == DataType.FLOAT) {
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            float eps = (float) epsilon;
            float b1t = (float) Math.pow(b1, iteration + 1.0);
            float b2t = (float) Math.pow(b2, iteration + 1.0);
            float at = (float) ((float) lr * (float) Math.sqrt((float) (1.0 - b2t)) / (1.0 - b1t));
            float alpha = Float.isFinite(at) && at != 0 ? at : eps;
            FloatBuffer p = NativeArrays.floats(params);
            FloatBuffer g = NativeArrays.floats(gradient);
            FloatBuffer s = NativeArrays.floats(state);
            chunks(n, (from, to) -> adamFloat(p, g, s, n, from, to, b1, b2, eps, alpha));
        } else {
            double b1t = Math.pow(beta1, iteration + 1.0);
            double b2t = Math.pow(beta2, iteration + 1.0);
            double at = lr * Math.sqrt(1.0 - b2t) / (1.0 - b1t);
            double alpha = Double.isFinite(at) && at != 0 ? at : epsilon;
            DoubleBuffer p = NativeArrays.doubleBuffer(params);
            DoubleBuffer g = NativeArrays.doubleBuffer(gradient);
            DoubleBuffer s = NativeArrays.doubleBuffer(state);
            chunks(n, (from, to) -> adamDouble(p, g, s, n, from, to, beta1, beta2, epsilon, alpha));
        }
    }

    /** Elements copied onto the heap at a time: native buffers are read and written in bulk, the maths runs on arrays. */
    private static final int TILE = 4096;

    private static void adamFloat(FloatBuffer p, FloatBuffer g, FloatBuffer s, int n, int from, int to, float b1, float b2,
                                  float eps, float alpha) {
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        float[] gt = new float[TILE];
        float[] pt = new float[TILE];
        float[] mt = new float[TILE];
        float[] vt = new float[TILE];
        for (int at = from; at < to; at += TILE) {
            int len = Math.min(TILE, to - at);
            g.get(at, gt, 0, len);
            p.get(at, pt, 0, len);
            s.get(at, mt, 0, len);
            s.get(n + at, vt, 0, len);
            for (int i = 0; i < len; i++) {
                float gi = gt[i];
                float m = b1 * mt[i] + gi * c1;
                float v = b2 * vt[i] + gi * gi * c2;
                mt[i] = m;
                vt[i] = v;
                pt[i] -= m * alpha / ((float) Math.sqrt(v) + eps);
            }
            p.put(at, pt, 0, len);
            s.put(at, mt, 0, len);
            s.put(n + at, vt, 0, len);
        }
    }

    private static void adamDouble(DoubleBuffer p, DoubleBuffer g, DoubleBuffer s, int n, int from, int to, double b1,
                                   double b2, double eps, double alpha) {
        double c1 = 1 - b1;
        double c2 = 1 - b2;
        double[] gt = new double[TILE];
        double[] pt = new double[TILE];
        double[] mt = new double[TILE];
        double[] vt = new double[TILE];
        for (int at = from; at < to; at += TILE) {
            int len = Math.min(TILE, to - at);
            g.get(at, gt, 0, len);
            p.get(at, pt, 0, len);
            s.get(at, mt, 0, len);
            s.get(n + at, vt, 0, len);
            for (int i = 0; i < len; i++) {
                double gi = gt[i];
                double m = b1 * mt[i] + gi * c1;
                double v = b2 * vt[i] + gi * gi * c2;
                mt[i] = m;
                vt[i] = v;
                pt[i] -= m * alpha / (Math.sqrt(v) + eps);
            }
            p.put(at, pt, 0, len);
            s.put(at, mt, 0, len);
            s.put(n + at, vt, 0, len);
        }
    }

    /**
     * Whether every element is finite (no NaN, no infinity). FLOAT and DOUBLE vectors spanning their buffer are read
     * in Java; anything else through ND4J's sum (whose result is finite exactly when the elements are, barring an
     * overflow of the sum itself, which counts as not finite).
     */
    public static boolean allFinite(INDArray a) {
        if (a.length() == 0) {
            return true;
        }
        if (ArrayViews.direct(a) && a.dataType() == DataType.FLOAT) {
            IntBuffer bits = NativeArrays.intBits(a);
            boolean[] bad = new boolean[1];
            chunks((int) a.length(), (from, to) -> {
                int[] t = new int[TILE];
                int acc = 0;
                for (int at = from; at < to; at += TILE) {
                    int len = Math.min(TILE, to - at);
                    bits.get(at, t, 0, len);
                    for (int i = 0; i < len; i++) {
                        // An all-ones exponent (NaN or infinity) plus one exponent step carries into the sign bit.
                        acc |= (t[i] & 0x7f800000) + 0x00800000;
                    }
                }
                if (acc < 0) {
                    bad[0] = true;
                }
            });
            return !bad[0];
        }
        if (ArrayViews.direct(a) && a.dataType() == DataType.DOUBLE) {
            LongBuffer bits = NativeArrays.longBuffer(a);
            boolean[] bad = new boolean[1];
            chunks((int) a.length(), (from, to) -> {
                long[] t = new long[TILE];
                long acc = 0;
                for (int at = from; at < to; at += TILE) {
                    int len = Math.min(TILE, to - at);
                    bits.get(at, t, 0, len);
                    for (int i = 0; i < len; i++) {
                        acc |= (t[i] & 0x7ff0000000000000L) + 0x0010000000000000L;
                    }
                }
                if (acc < 0) {
                    bad[0] = true;
                }
            });
            return !bad[0];
        }
        return Double.isFinite(a.sumNumber().doubleValue());
    }

    private interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over [0, n) in chunks, on up to ND4J's thread count of threads. */
    private static void chunks(int n, Range body) {
        int threads = Math.max(1, Nd4j.getEnvironment().maxThreads());
        int parts = Math.min(threads, n / CHUNK);
        if (parts < 2) {
            body.run(0, n);
            return;
        }
        long step = (n + (long) parts - 1) / parts;
        IntStream.range(0, parts).parallel().forEach(k -> body.run((int) (k * step), (int) Math.min(n, (k + 1) * step)));
    }
}
