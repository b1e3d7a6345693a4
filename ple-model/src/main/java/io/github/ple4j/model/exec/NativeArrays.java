package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Bulk copies of small arrays (ids, row gradients) from native memory into Java arrays, in C order. ND4J's
 * {@code toLongVector} took 34 µs for 256 ids and {@code toLongMatrix} 7 ms for [256, 2]; a direct-buffer copy takes
 * well under a microsecond. Arrays that are not contiguous C-order arrays spanning their buffer go through ND4J.
 */
public final class NativeArrays {
    private NativeArrays() {
    }

    /** A direct buffer over the elements of a FLOAT array that is {@link ArrayViews#direct}. */
    static FloatBuffer floats(INDArray a) {
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    /** A direct buffer over the elements of a DOUBLE array that is {@link ArrayViews#direct}. */
    static DoubleBuffer doubleBuffer(INDArray a) {
        DoublePointer p = new DoublePointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    /** The bit patterns of a FLOAT array that is {@link ArrayViews#direct}, as a direct int buffer over its elements. */
    static IntBuffer intBits(INDArray a) {
        IntPointer p = new IntPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    /**
     * A direct buffer over the elements of an INT64 array that is {@link ArrayViews#direct} (or the bit patterns of
     * such a DOUBLE array).
     */
    static LongBuffer longBuffer(INDArray a) {
        LongPointer p = new LongPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    /** The values of an integer array as longs. */
    public static long[] longs(INDArray a) {
        int n = (int) a.length();
        if (a.dataType() == DataType.INT64 && ArrayViews.direct(a)) {
            long[] v = new long[n];
            longBuffer(a).get(v);
            return v;
        }
        if (a.dataType() == DataType.INT32 && ArrayViews.direct(a)) {
            int[] w = new int[n];
            IntPointer p = new IntPointer(a.data().addressPointer());
            p.position(0).limit(n);
            p.asBuffer().get(w);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = w[i];
            }
            return v;
        }
        return n == 0 ? new long[0] : a.reshape('c', new long[]{n}).toLongVector();
    }

    /** The values of a floating-point array as doubles. */
    public static double[] doubles(INDArray a) {
        int n = (int) a.length();
        if (ArrayViews.direct(a) && a.dataType() == DataType.DOUBLE) {
            double[] v = new double[n];
            doubleBuffer(a).get(v);
            return v;
        }
        if (ArrayViews.direct(a) && a.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            floats(a).get(f);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = f[i];
            }
            return v;
        }
        return n == 0 ? new double[0] : a.reshape('c', new long[]{n}).toDoubleVector();
    }

    /**
     * Writes {@code values[0 .. len)} at element {@code offset} of a FLOAT or DOUBLE array (rounded to float for FLOAT)
     * through a direct buffer.
     *
     * @return false, writing nothing, when the array does not allow it (not contiguous, another type)
     */
    public static boolean write(INDArray a, long offset, double[] values, int len) {
        if (!ArrayViews.spansBuffer(a) || offset < 0 || offset + len > a.length()) {
            return false;
        }
        if (a.dataType() == DataType.FLOAT) {
            float[] f = new float[len];
            for (int i = 0; i < len; i++) {
                f[i] = (float) values[i];
            }
            FloatPointer p = new FloatPointer(a.data().addressPointer());
            p.position(offset).limit(offset + len);
            p.asBuffer().put(f);
            return true;
        }
        if (a.dataType() == DataType.DOUBLE) {
            DoublePointer p = new DoublePointer(a.data().addressPointer());
            p.position(offset).limit(offset + len);
            p.asBuffer().put(values, 0, len);
            return true;
        }
        return false;
    }
}
