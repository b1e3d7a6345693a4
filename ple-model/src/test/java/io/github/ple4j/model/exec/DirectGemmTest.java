package io.github.ple4j.model.exec;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Direct BLAS products against ND4J's mmul, for every transpose and the layouts the plan passes (views, orders). */
class DirectGemmTest {
    private static INDArray expected(INDArray a, boolean ta, INDArray b, boolean tb) {
        INDArray x = ta ? a.transpose() : a;
        INDArray y = tb ? b.transpose() : b;
        return x.dup('c').mmul(y.dup('c'));
    }

    private static void check(INDArray a, boolean ta, INDArray b, boolean tb, String what) {
        long m = ta ? a.size(1) : a.size(0);
        long n = tb ? b.size(0) : b.size(1);
        INDArray c = Nd4j.zeros(a.dataType(), m, n).addi(Double.NaN);     // every element must be written
        assertTrue(DirectGemm.run(a, ta, b, tb, c), what + ": handled");
        INDArray e = expected(a, ta, b, tb);
        double tol = a.dataType() == DataType.DOUBLE ? 1e-12 : 1e-4;
        assertTrue(e.equalsWithEps(c, tol), what + ": expected " + e + " but got " + c);
    }

    @Test
    void theCpuBackendReachesBlas() {
        assertTrue(DirectGemm.AVAILABLE, "the test suite runs on nd4j-native, whose OpenBLAS must be reachable");
    }

    @Test
    void everyTransposeInFloatAndDouble() {
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.rand(dt, 5, 3);
            INDArray b = Nd4j.rand(dt, 3, 4);
            check(a, false, b, false, dt + " a b");
            check(a.transpose().dup('c'), true, b, false, dt + " a^T b");
            check(a, false, b.transpose().dup('c'), true, dt + " a b^T");
            check(a.transpose().dup('c'), true, b.transpose().dup('c'), true, dt + " a^T b^T");
        }
    }

    @Test
    void viewsWithOffsetsStridesAndFortranOrder() {
        INDArray wide = Nd4j.rand(DataType.DOUBLE, 6, 10);
        INDArray cols = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 7));          // [6, 4], row stride 10
        INDArray rows = wide.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());          // [3, 10], offset 20
        INDArray b = Nd4j.rand(DataType.DOUBLE, 4, 2);
        check(cols, false, b, false, "column block (leading dimension 10)");
        check(rows, false, Nd4j.rand(DataType.DOUBLE, 10, 3), false, "row block at an offset");
        check(Nd4j.rand(DataType.DOUBLE, 6, 4).dup('f'), false, b, false, "Fortran-order left operand");
        check(cols, false, Nd4j.rand(DataType.DOUBLE, 4, 2).dup('f'), false, "Fortran-order right operand");
        check(Nd4j.rand(DataType.DOUBLE, 1, 4), false, b, false, "one row");
        check(Nd4j.rand(DataType.DOUBLE, 6, 4), false, Nd4j.rand(DataType.DOUBLE, 4, 1), false, "one column");
    }

    @Test
    void rank3ProductsPerBatchElement() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 3, 4, 5);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 3, 5, 2);
        INDArray c = Nd4j.zeros(DataType.DOUBLE, 3, 4, 2);
        assertTrue(DirectGemm.run(a, false, b, false, c));
        for (int e = 0; e < 3; e++) {
            INDArray want = a.slice(e).mmul(b.slice(e));
            assertTrue(want.equalsWithEps(c.slice(e), 1e-12), "batch element " + e);
        }
        INDArray bt = Nd4j.rand(DataType.DOUBLE, 3, 2, 5);
        assertTrue(DirectGemm.run(a, false, bt, true, c));
        assertTrue(a.slice(1).mmul(bt.slice(1).transpose()).equalsWithEps(c.slice(1), 1e-12), "b transposed");
    }

    @Test
    void declinesWhatBlasCannotAddress() {
        INDArray c = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        INDArray before = c.dup();
        INDArray b = Nd4j.rand(DataType.DOUBLE, 3, 2);
        INDArray strided = Nd4j.rand(DataType.DOUBLE, 8, 6).get(NDArrayIndex.interval(0, 2, 8), NDArrayIndex.interval(0, 2, 6));
        assertEquals(4, strided.size(0));
        assertFalse(DirectGemm.run(strided, false, b, false, c), "no unit stride on either axis");
        assertFalse(DirectGemm.run(Nd4j.rand(DataType.FLOAT, 4, 3), false, b, false, c), "mixed types");
        assertFalse(DirectGemm.run(Nd4j.rand(DataType.DOUBLE, 4, 5), false, b, false, c), "inner sizes differ");
        assertFalse(DirectGemm.run(Nd4j.rand(DataType.DOUBLE, 4, 3), false, b, false,
                Nd4j.zeros(DataType.DOUBLE, 4, 2).dup('f')), "a Fortran-order result");
        assertFalse(DirectGemm.run(Nd4j.zeros(DataType.INT32, 4, 3), false, b.castTo(DataType.INT32), false,
                c.castTo(DataType.INT32)), "integers");
        assertEquals(before, c, "nothing written when declined");
    }
}
