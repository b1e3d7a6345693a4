package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Matrix products by one direct call of the CPU backend's BLAS ({@code cblas_sgemm} / {@code cblas_dgemm} of the
 * OpenBLAS that nd4j-native links), on the operands' own memory. libnd4j's {@code matmul} op calls the same
 * routine but adds 15-20 µs of shape checks and dispatch per call: measured on an AMD EPYC (AVX2, one thread), a
 * [256, 32] x [32, 8] product took 25 µs through the op and 5.6 µs directly, [256, 35] x [35, 64] 53 and 25 µs;
 * large products are the same either way (BLAS time dominates). The model's products are many and small.
 *
 * <p>Only for the CPU backend (the class is absent with CUDA; then {@link #AVAILABLE} is false and the op runs),
 * FLOAT or DOUBLE operands of one type whose layout BLAS can address: each matrix with unit stride along one
 * axis, the result with unit stride along its columns. {@code -Dple4j.exec.directBlas=false} turns it off.
 */
final class DirectGemm {
    /** True when the CPU backend's OpenBLAS is reachable (and not turned off). */
    static final boolean AVAILABLE;
    private static final MethodHandle SGEMM;
    private static final MethodHandle DGEMM;
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    static {
        MethodHandle s = null;
        MethodHandle d = null;
        if (!"false".equals(System.getProperty("ple4j.exec.directBlas"))) {
            try {
                if (Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend")) {
                    Class<?> blas = Class.forName("org.bytedeco.openblas.global.openblas");
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    Class<?> i = int.class;
                    s = lookup.findStatic(blas, "cblas_sgemm", MethodType.methodType(void.class, i, i, i, i, i, i,
                            float.class, FloatPointer.class, i, FloatPointer.class, i, float.class, FloatPointer.class, i));
                    d = lookup.findStatic(blas, "cblas_dgemm", MethodType.methodType(void.class, i, i, i, i, i, i,
                            double.class, DoublePointer.class, i, DoublePointer.class, i, double.class, DoublePointer.class,
                            i));
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                s = null;
                d = null;
            }
        }
        SGEMM = s;
        DGEMM = d;
        AVAILABLE = s != null && d != null;
    }

    private DirectGemm() {
    }

    /** How BLAS reads one matrix: transposed or not relative to row-major storage, and the leading dimension. */
    private record Layout(boolean transposed, int ld) {
    }

    /**
     * The row-major reading of an {@code rows x cols} matrix with strides {@code s0, s1}: row-major with leading
     * dimension s0 when s1 is 1, or the transpose of a row-major {@code cols x rows} matrix when s0 is 1. Null when
     * neither (BLAS cannot address it).
     */
    private static Layout layout(long rows, long cols, long s0, long s1) {
        if (s1 == 1 || cols == 1) {
            long ld = rows == 1 ? Math.max(cols, 1) : s0;
            return ld >= Math.max(cols, 1) && ld <= Integer.MAX_VALUE ? new Layout(false, (int) ld) : null;
        }
        if (s0 == 1 || rows == 1) {
            long ld = cols == 1 ? Math.max(rows, 1) : s1;
            return ld >= Math.max(rows, 1) && ld <= Integer.MAX_VALUE ? new Layout(true, (int) ld) : null;
        }
        return null;
    }

    /**
     * c = op(a) op(b) for matrices (rank 2), or for every batch element of rank-3 arrays of one batch size, when
     * BLAS can address the operands; false (nothing written) otherwise.
     */
    static boolean run(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c) {
        DataType type = c.dataType();
        if (!AVAILABLE || (type != DataType.FLOAT && type != DataType.DOUBLE) || a.dataType() != type
                || b.dataType() != type || a.rank() != c.rank() || b.rank() != c.rank() || c.isEmpty() || a.isEmpty()
                || b.isEmpty() || (c.rank() != 2 && c.rank() != 3)) {
            return false;
        }
        int r = c.rank();
        int o = r - 2;
        long batch = r == 3 ? c.size(0) : 1;
        if (r == 3 && (a.size(0) != batch || b.size(0) != batch)) {
            return false;
        }
        long m = c.size(o);
        long n = c.size(o + 1);
        long k = ta ? a.size(o) : a.size(o + 1);
        if ((ta ? a.size(o + 1) : a.size(o)) != m || (tb ? b.size(o + 1) : b.size(o)) != k
                || (tb ? b.size(o) : b.size(o + 1)) != n || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE
                || k > Integer.MAX_VALUE) {
            return false;
        }
        Layout la = layout(a.size(o), a.size(o + 1), a.stride(o), a.stride(o + 1));
        Layout lb = layout(b.size(o), b.size(o + 1), b.stride(o), b.stride(o + 1));
        Layout lc = layout(m, n, c.stride(o), c.stride(o + 1));
        if (la == null || lb == null || lc == null || lc.transposed()) {
            return false;
        }
        long sa = r == 3 ? a.stride(0) : 0;
        long sb = r == 3 ? b.stride(0) : 0;
        long sc = r == 3 ? c.stride(0) : 0;
        int transA = ta != la.transposed() ? TRANS : NO_TRANS;
        int transB = tb != lb.transposed() ? TRANS : NO_TRANS;
        try {
            if (type == DataType.FLOAT) {
                // A view's buffer starts at the view: its address pointer is the first element.
                FloatPointer pa = new FloatPointer(a.data().addressPointer());
                FloatPointer pb = new FloatPointer(b.data().addressPointer());
                FloatPointer pc = new FloatPointer(c.data().addressPointer());
                for (long e = 0; e < batch; e++) {
                    pa.position(e * sa);
                    pb.position(e * sb);
                    pc.position(e * sc);
                    SGEMM.invokeExact(ROW_MAJOR, transA, transB, (int) m, (int) n, (int) k, 1f, pa, la.ld(), pb, lb.ld(),
                            0f, pc, lc.ld());
                }
            } else {
                DoublePointer pa = new DoublePointer(a.data().addressPointer());
                DoublePointer pb = new DoublePointer(b.data().addressPointer());
                DoublePointer pc = new DoublePointer(c.data().addressPointer());
                for (long e = 0; e < batch; e++) {
                    pa.position(e * sa);
                    pb.position(e * sb);
                    pc.position(e * sc);
                    DGEMM.invokeExact(ROW_MAJOR, transA, transB, (int) m, (int) n, (int) k, 1d, pa, la.ld(), pb, lb.ld(),
                            0d, pc, lc.ld());
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("BLAS call failed", t);
        }
        return true;
    }
}
