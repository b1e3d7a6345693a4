package io.github.ple4j.model.exec;

import io.github.ple4j.model.Backend;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flat-vector kernels against ND4J's ops and hand-computed values. */
class FlatKernelsTest {
    /** Five Adam steps of FlatKernels against ND4J's updater op plus the subtraction, on the same random gradients. */
    private static void adamMatchesNd4j(DataType dt, int n, double tol) {
        Nd4j.getRandom().setSeed(11);
        INDArray p = Nd4j.rand(dt, n).subi(0.5);
        INDArray reference = p.dup();
        INDArray state = Nd4j.zeros(dt, 1, 2L * n);
        INDArray referenceState = Nd4j.zeros(dt, 1, 2L * n);
        GradientUpdater nd4j = new Adam(0.05, 0.8, 0.95, 1e-6).instantiate(referenceState, true);
        for (int it = 0; it < 5; it++) {
            INDArray g = Nd4j.rand(dt, n).subi(0.5).muli(it + 1);
            FlatKernels.adamStep(p, g, state, 0.05, 0.8, 0.95, 1e-6, it);
            INDArray update = g.dup().reshape(1, n);
            nd4j.applyUpdater(update, it, 0);
            reference.subi(update.reshape(n));
        }
        double scale = reference.amaxNumber().doubleValue();
        assertTrue(p.sub(reference).amaxNumber().doubleValue() <= tol * scale, dt + " n=" + n + " parameters");
        assertTrue(state.sub(referenceState).amaxNumber().doubleValue() <= tol * referenceState.amaxNumber().doubleValue(),
                dt + " n=" + n + " moments");
    }

    @Test
    void adamEqualsNd4jsUpdaterInFloatAndDouble() {
        adamMatchesNd4j(DataType.DOUBLE, 1000, 1e-14);
        adamMatchesNd4j(DataType.FLOAT, 1000, 1e-6);
    }

    @Test
    void longVectorsAreSplitOverTheThreadsWithTheSameResult() {
        int threads = Nd4j.getEnvironment().maxThreads();
        Backend.setThreads(3);
        try {
            adamMatchesNd4j(DataType.FLOAT, 1_000_003, 1e-6);
            INDArray a = Nd4j.ones(DataType.FLOAT, 1_000_003);
            assertTrue(FlatKernels.allFinite(a));
            a.putScalar(999_999, Float.NaN);     // in the last chunk
            assertFalse(FlatKernels.allFinite(a));
        } finally {
            Backend.setThreads(threads);
        }
    }

    /** Two steps by hand: lr 0.1, b1 0.5, b2 0.75, eps 0.25 (numbers chosen to be exact in binary). */
    @Test
    void twoAdamStepsByHand() {
        INDArray p = Nd4j.createFromArray(1.0, -2.0);
        INDArray s = Nd4j.zeros(DataType.DOUBLE, 4);
        FlatKernels.adamStep(p, Nd4j.createFromArray(2.0, 0.0), s, 0.1, 0.5, 0.75, 0.25, 0);
        // m = 0.5 g = (1, 0); v = 0.25 g^2 = (1, 0); a_1 = 0.1 sqrt(0.25) / 0.5 = 0.1
        // p -= 0.1 m / (sqrt(v) + 0.25) = (0.08, 0)
        assertEquals(1.0, s.getDouble(0), 0);
        assertEquals(1.0, s.getDouble(2), 0);
        assertEquals(1.0 - 0.08, p.getDouble(0), 1e-15);
        assertEquals(-2.0, p.getDouble(1), 0, "zero gradient, zero moments: no move");
        FlatKernels.adamStep(p, Nd4j.createFromArray(-2.0, 4.0), s, 0.1, 0.5, 0.75, 0.25, 1);
        // m = (0.5 - 1, 0 + 2) = (-0.5, 2); v = (0.75 + 1, 0 + 4) = (1.75, 4)
        // a_2 = 0.1 sqrt(1 - 0.5625) / (1 - 0.25) = 0.1 * sqrt(0.4375) / 0.75
        double a2 = 0.1 * Math.sqrt(0.4375) / 0.75;
        assertEquals(-0.5, s.getDouble(0), 0);
        assertEquals(2.0, s.getDouble(1), 0);
        assertEquals(1.75, s.getDouble(2), 0);
        assertEquals(4.0, s.getDouble(3), 0);
        assertEquals(0.92 + a2 * 0.5 / (Math.sqrt(1.75) + 0.25), p.getDouble(0), 1e-15);
        assertEquals(-2.0 - a2 * 2 / (2 + 0.25), p.getDouble(1), 1e-15);
    }

    @Test
    void adamRefusesArraysItCannotRead() {
        INDArray p = Nd4j.zeros(DataType.FLOAT, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlatKernels.adamStep(p, Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 5), 0.1, 0.9, 0.999,
                        1e-8, 0));
        assertEquals("adamStep needs FLOAT or DOUBLE vectors of n, n and 2n elements spanning their buffers but got "
                + "FLOAT 3, FLOAT 3, FLOAT 5", e.getMessage());
        assertFalse(FlatKernels.adamApplies(p, Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.zeros(DataType.FLOAT, 6)));
        assertFalse(FlatKernels.adamApplies(Nd4j.zeros(DataType.FLOAT, 4, 3).getColumn(0), Nd4j.zeros(DataType.FLOAT, 4),
                Nd4j.zeros(DataType.FLOAT, 8)), "a strided view");
    }

    @Test
    void allFiniteFindsEveryNanAndInfinityAndNothingElse() {
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            double big = dt == DataType.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE;
            double tiny = dt == DataType.FLOAT ? Float.MIN_VALUE : Double.MIN_VALUE;
            INDArray ok = Nd4j.createFromArray(0.0, -0.0, big, -big, tiny, -tiny, 1.5).castTo(dt);
            assertTrue(FlatKernels.allFinite(ok), dt + ": extremes are finite (their sum would not be)");
            for (double badValue : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                for (int at : new int[]{0, 3, 6}) {
                    INDArray a = ok.dup();
                    a.putScalar(at, badValue);
                    assertFalse(FlatKernels.allFinite(a), dt + " " + badValue + " at " + at);
                }
            }
        }
        INDArray strided = Nd4j.ones(DataType.FLOAT, 3, 2);
        strided.putScalar(2, 1, Float.NaN);
        assertTrue(FlatKernels.allFinite(strided.getColumn(0)));
        assertFalse(FlatKernels.allFinite(strided.getColumn(1)), "views go through ND4J's sum");
        assertTrue(FlatKernels.allFinite(Nd4j.zeros(DataType.FLOAT, 0)));
    }
}
