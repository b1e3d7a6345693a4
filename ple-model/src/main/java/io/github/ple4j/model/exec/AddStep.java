package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code add} of two small arrays of one shape, or of a small matrix [..., n] and a row [1, n] or [n] broadcast over
 * it (a bias), in FLOAT or DOUBLE: one bulk read of each operand, the sums in a Java array, one bulk write. libnd4j's
 * broadcast add cost about 15 µs per call on the model's small arrays, nearly all of it set-up; the sums are the
 * same IEEE additions. Larger arrays ({@link #MAX_LENGTH}), other shapes and types use libnd4j's op.
 */
final class AddStep extends BufferedStep {
    /**
     * Largest sum (elements) done in Java: the copies in and out cost more than libnd4j's set-up beyond it (measured
     * on an AMD EPYC: [256, 16] 12 µs here against ~35 µs through Nd4j.exec; [256, 128] 45 against 32).
     */
    static final int MAX_LENGTH = 8192;
    private boolean supported;
    /** Which operand is the full array (the other is the same shape or the broadcast row). */
    private int full;
    private float[] fa;
    private float[] fb;
    private double[] da;
    private double[] db;

    AddStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out, outTypes);
        useFallback(outTypes);
    }

    @Override
    void run(INDArray[] values) {
        INDArray a = values[in[0]];
        INDArray b = values[in[1]];
        if (!sameInputs(values)) {
            freeBuffers();
            supported = false;
            buffers = new INDArray[0];
            DataType t = a.dataType();
            if ((t == DataType.FLOAT || t == DataType.DOUBLE) && b.dataType() == t && outTypes[0] == t
                    && ArrayViews.direct(a) && ArrayViews.direct(b) && a.rank() >= 1 && b.rank() >= 1) {
                if (java.util.Arrays.equals(a.shape(), b.shape())) {
                    full = 0;
                    supported = true;
                } else if (isRowOf(b, a)) {
                    full = 0;
                    supported = true;
                } else if (isRowOf(a, b)) {
                    full = 1;
                    supported = true;
                }
            }
            if (supported && (full == 0 ? a : b).length() > MAX_LENGTH) {
                supported = false;
            }
            if (supported) {
                INDArray f = full == 0 ? a : b;
                buffers = new INDArray[]{newBuffer(0, t, f.shape())};
                if (!ArrayViews.direct(buffers[0])) {
                    freeBuffers();
                    buffers = new INDArray[0];
                    supported = false;
                }
            }
            remember(values);
        }
        if (!supported) {
            fallback.run(values);
            return;
        }
        INDArray result = buffers[0];
        INDArray big = full == 0 ? a : b;
        INDArray small = full == 0 ? b : a;
        int n = (int) big.length();
        int m = (int) small.length();
        try {
            if (big.dataType() == DataType.FLOAT) {
                if (fa == null || fa.length != n) {
                    fa = new float[n];
                }
                if (fb == null || fb.length != m) {
                    fb = new float[m];
                }
                NativeArrays.floats(big).get(0, fa, 0, n);
                NativeArrays.floats(small).get(0, fb, 0, m);
                for (int i = 0; i < n; i += m) {
                    for (int j = 0; j < m; j++) {
                        fa[i + j] += fb[j];
                    }
                }
                NativeArrays.floats(result).put(0, fa, 0, n);
            } else {
                if (da == null || da.length != n) {
                    da = new double[n];
                }
                if (db == null || db.length != m) {
                    db = new double[m];
                }
                NativeArrays.doubleBuffer(big).get(0, da, 0, n);
                NativeArrays.doubleBuffer(small).get(0, db, 0, m);
                for (int i = 0; i < n; i += m) {
                    for (int j = 0; j < m; j++) {
                        da[i + j] += db[j];
                    }
                }
                NativeArrays.doubleBuffer(result).put(0, da, 0, n);
            }
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[0]] = result;
    }

    /** Whether {@code row} is [n] or [1, n] (or [1, 1, n], ...) and {@code full} is [..., n]. */
    private static boolean isRowOf(INDArray row, INDArray full) {
        long n = row.size(row.rank() - 1);
        if (row.length() != n || full.size(full.rank() - 1) != n || row.rank() > full.rank() || n == 0) {
            return false;
        }
        return full.length() % n == 0;
    }


    @Override
    String kind() {
        return supported ? op.opName() + REWRITTEN : op.opName();
    }
}
