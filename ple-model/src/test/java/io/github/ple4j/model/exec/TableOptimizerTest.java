package io.github.ple4j.model.exec;

import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse table kernels on hand-worked two-step examples: row gradients summed per distinct id (padding skipped),
 * lazy Adam, row-wise AdaGrad and SGD touching only the rows looked up, untouched rows and their state unchanged;
 * lazy Adam equal to ND4J's dense Adam when every row is touched every step; row access through views and windows.
 */
class TableOptimizerTest {
    private static final double LR = 0.1;

    /** Table [4, 2]: row r = (r + 1, -(r + 1)) / 10. */
    private static INDArray table() {
        return Nd4j.createFromArray(new double[][]{{0.1, -0.1}, {0.2, -0.2}, {0.3, -0.3}, {0.4, -0.4}});
    }

    /** Step 1: ids [1, 3, 1, -1] with row gradients (1, 2), (0.5, -1), (3, 0), padding (9, 9). */
    private static RowGradients step1() {
        RowGradients g = new RowGradients(2);
        g.add(Nd4j.createFromArray(1L, 3L, 1L, -1L), Nd4j.createFromArray(new double[][]{{1, 2}, {0.5, -1}, {3, 0}, {9, 9}}));
        return g;
    }

    /** Step 2: row 1 only, gradient (-2, 1). */
    private static RowGradients step2() {
        RowGradients g = new RowGradients(2);
        g.add(Nd4j.createFromArray(new long[][]{{1}}), Nd4j.createFromArray(new double[][][]{{{-2, 1}}}));
        return g;
    }

    @Test
    void rowGradientsSumRepeatedIdsAndSkipPadding() {
        RowGradients g = step1();
        assertEquals(2, g.count());
        assertEquals(1, g.row(0));
        assertEquals(3, g.row(1));
        assertArrayEquals(new double[]{4, 2, 0.5, -1}, java.util.Arrays.copyOf(g.values(), 4), 0);
        INDArray dense = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        g.scatterInto(dense);
        assertEquals(Nd4j.createFromArray(new double[][]{{0, 0}, {4, 2}, {0, 0}, {0.5, -1}}), dense);
        g.clear();
        assertEquals(0, g.count());
        g.add(Nd4j.createFromArray(2L), Nd4j.createFromArray(new double[][]{{1, 1}}));
        assertEquals(1, g.count());
        assertEquals(2, g.row(0));
        assertArrayEquals(new double[]{1, 1}, java.util.Arrays.copyOf(g.values(), 2), 0, "cleared rows start at zero");
        assertThrows(IllegalArgumentException.class,
                () -> g.add(Nd4j.createFromArray(1L, 2L), Nd4j.createFromArray(new double[][]{{1, 1}})));
    }

    /**
     * Blocks of a wider gradient (the model input's columns of one field): a single-valued column, and a mean bag
     * whose ids each receive the pooled gradient divided by the bag's size (padding none).
     */
    @Test
    void rowGradientsReadColumnBlocksOfTheInputGradient() {
        // input gradient [2, 5]: columns 0-1 a field of width 2, columns 3-4 a bag of width 2
        double[] input = {1, 2, 9, 4, 8,
                          3, 5, 9, 6, -2};
        long[] ids = {7, 1, 0,      // [2, 3] id matrix: the field is column 1
                      4, 7, 0};
        RowGradients single = new RowGradients(2);
        single.add(ids, 1, 3, 2, input, 0, 5, 1, null);
        assertEquals(2, single.count());
        assertEquals(1, single.row(0));
        assertEquals(7, single.row(1));
        assertArrayEquals(new double[]{1, 2, 3, 5}, java.util.Arrays.copyOf(single.values(), 4), 0);
        long[] bag = {5, 6, -1,     // bags of 2 and 1 ids, padded to 3
                      6, -1, -1};
        RowGradients mean = new RowGradients(2);
        mean.add(bag, 0, 1, 6, input, 3, 5, 3, new double[]{2, 1});
        assertEquals(2, mean.count());
        assertEquals(5, mean.row(0));
        assertEquals(6, mean.row(1));
        // id 5: (4, 8) / 2; id 6: (4, 8) / 2 + (6, -2) / 1
        assertArrayEquals(new double[]{2, 4, 8, 2}, java.util.Arrays.copyOf(mean.values(), 4), 0);
    }

    /** Reused from step to step (as the trainer does), with enough ids to collide in the hash table and grow it. */
    @Test
    void rowGradientsReusedAcrossStepsSumLikeAMap() {
        RowGradients g = new RowGradients(1);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int step = 0; step < 5; step++) {
            g.clear();
            int n = 200 + 300 * step;
            long[] ids = new long[n];
            double[] grads = new double[n];
            java.util.Map<Long, Double> expected = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                ids[i] = r.nextInt(step % 2 == 0 ? 5000 : 400);
                grads[i] = r.nextDouble();
                expected.merge(ids[i], grads[i], Double::sum);
            }
            g.add(Nd4j.createFromArray(ids), Nd4j.createFromArray(grads).reshape(n, 1));
            assertEquals(expected.size(), g.count(), "distinct rows at step " + step);
            int i = 0;
            for (java.util.Map.Entry<Long, Double> e : expected.entrySet()) {
                assertEquals(e.getKey(), g.row(i), "row order at step " + step);
                assertEquals(e.getValue(), g.values()[i], 1e-12, "sum of row " + e.getKey() + " at step " + step);
                i++;
            }
        }
    }

    @Test
    void lazyAdamMovesOnlyTouchedRowsAndKeepsUntouchedMoments() {
        INDArray t = table();
        TableOptimizer adam = TableOptimizer.create(EmbeddingOptimizerSpec.lazyAdam(), LR, t);
        adam.update(t, step1(), 0);
        // t = 1: m = 0.1 g, v = 0.001 g^2, p -= 0.1 sqrt(0.001) / 0.1 * m / (sqrt(v) + 1e-8)
        double a1 = LR * Math.sqrt(1 - 0.999) / (1 - 0.9);
        double[] row1 = {0.2 - a1 * 0.4 / (Math.sqrt(0.001 * 16) + 1e-8), -0.2 - a1 * 0.2 / (Math.sqrt(0.001 * 4) + 1e-8)};
        double[] row3 = {0.4 - a1 * 0.05 / (Math.sqrt(0.001 * 0.25) + 1e-8), -0.4 + a1 * 0.1 / (Math.sqrt(0.001) + 1e-8)};
        assertArrayEquals(row1, t.getRow(1).toDoubleVector(), 1e-15);
        assertArrayEquals(row3, t.getRow(3).toDoubleVector(), 1e-15);
        assertEquals(0.1, t.getDouble(1, 0), 1e-6, "about lr per element on the first step");
        assertArrayEquals(new double[]{0.1, -0.1}, t.getRow(0).toDoubleVector(), 0);
        assertArrayEquals(new double[]{0.3, -0.3}, t.getRow(2).toDoubleVector(), 0);
        double[] row3AfterStep1 = t.getRow(3).toDoubleVector();
        adam.update(t, step2(), 1);
        // t = 2 for row 1 only: m = 0.9 (0.4, 0.2) + 0.1 (-2, 1), v = 0.999 (0.016, 0.004) + 0.001 (4, 1)
        double a2 = LR * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
        double[] m = {0.9 * 0.4 - 0.2, 0.9 * 0.2 + 0.1};
        double[] v = {0.999 * 0.016 + 0.004, 0.999 * 0.004 + 0.001};
        double[] row1b = {row1[0] - a2 * m[0] / (Math.sqrt(v[0]) + 1e-8), row1[1] - a2 * m[1] / (Math.sqrt(v[1]) + 1e-8)};
        assertArrayEquals(row1b, t.getRow(1).toDoubleVector(), 1e-14);
        assertArrayEquals(row3AfterStep1, t.getRow(3).toDoubleVector(), 0, "row 3 untouched at step 2");
        INDArray mState = adam.state().get("m");
        assertArrayEquals(new double[]{0.05, -0.1}, mState.getRow(3).toDoubleVector(), 1e-15, "row 3's moment is not decayed");
        assertArrayEquals(m, mState.getRow(1).toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{0, 0}, mState.getRow(0).toDoubleVector(), 0);
        adam.close();
    }

    @Test
    void rowwiseAdagradKeepsOneAccumulatorPerRow() {
        INDArray t = table();
        TableOptimizer ada = TableOptimizer.create(EmbeddingOptimizerSpec.rowwiseAdagrad(), LR, t);
        ada.update(t, step1(), 0);
        // row 1: a = (16 + 4) / 2 = 10; row 3: a = (0.25 + 1) / 2 = 0.625
        assertArrayEquals(new double[]{0.2 - LR * 4 / (Math.sqrt(10) + 1e-8), -0.2 - LR * 2 / (Math.sqrt(10) + 1e-8)},
                t.getRow(1).toDoubleVector(), 1e-15);
        ada.update(t, step2(), 1);
        // row 1: a = 10 + (4 + 1) / 2 = 12.5
        double r10 = 0.2 - LR * 4 / (Math.sqrt(10) + 1e-8) + LR * 2 / (Math.sqrt(12.5) + 1e-8);
        assertEquals(r10, t.getDouble(1, 0), 1e-15);
        INDArray acc = ada.state().get("accumulator");
        assertArrayEquals(new long[]{4, 1}, acc.shape());
        assertArrayEquals(new double[]{0, 12.5, 0, 0.625}, acc.reshape(4).toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{0.3, -0.3}, t.getRow(2).toDoubleVector(), 0);
        ada.close();
    }

    @Test
    void sgdSubtractsTheSummedRowGradient() {
        INDArray t = table();
        TableOptimizer sgd = TableOptimizer.create(EmbeddingOptimizerSpec.sgd(), LR, t);
        sgd.update(t, step1(), 0);
        sgd.update(t, step2(), 1);
        assertEquals(Nd4j.createFromArray(new double[][]{{0.1, -0.1}, {0.2 - 0.4 + 0.2, -0.2 - 0.2 - 0.1}, {0.3, -0.3},
                {0.4 - 0.05, -0.4 + 0.1}}), t);
        assertTrue(sgd.state().isEmpty());
    }

    @Test
    void lazyAdamIsDenseAdamWhenEveryRowIsTouched() {
        INDArray lazyTable = table();
        INDArray denseTable = table();
        TableOptimizer lazy = TableOptimizer.create(EmbeddingOptimizerSpec.lazyAdam(), LR, lazyTable);
        Adam conf = new Adam(LR);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, conf.stateSize(8));
        var dense = conf.instantiate(state, true);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int step = 0; step < 4; step++) {
            double[][] g = new double[4][2];
            for (double[] row : g) {
                row[0] = r.nextDouble() - 0.5;
                row[1] = r.nextDouble() - 0.5;
            }
            RowGradients rows = new RowGradients(2);
            rows.add(Nd4j.createFromArray(3L, 0L, 2L, 1L), Nd4j.createFromArray(new double[][]{g[3], g[0], g[2], g[1]}));
            lazy.update(lazyTable, rows, step);
            INDArray grad = Nd4j.createFromArray(g).reshape(1, 8);
            dense.applyUpdater(grad, step, 0);
            denseTable.subi(grad.reshape(4, 2));
        }
        assertTrue(lazyTable.sub(denseTable).amaxNumber().doubleValue() < 1e-15,
                lazyTable + " vs " + denseTable);
        lazy.close();
    }

    @Test
    void rowAccessWorksOnViewsAndAcrossWindows() {
        INDArray flat = Nd4j.arange(40).castTo(DataType.FLOAT);
        INDArray view = flat.get(NDArrayIndex.interval(10, 34)).reshape('c', 8, 3);
        NativeRows rows = NativeRows.of(view, 16);   // windows of one row (12 bytes)
        double[] row = new double[3];
        rows.read(5, row, 0);
        assertArrayEquals(new double[]{25, 26, 27}, row, 0);
        rows.write(7, new double[]{-1, -2, -3}, 0);
        assertArrayEquals(new float[]{-1, -2, -3}, flat.get(NDArrayIndex.interval(31, 34)).toFloatVector(), 0);
        assertEquals(30.0f, flat.getFloat(30), "neighbours untouched");
        assertFalse(Double.isNaN(rows.get(0, 0)));
        assertEquals(10.0, rows.get(0, 0), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeRows.of(Nd4j.zeros(DataType.INT32, 2, 2)));
        assertEquals("row access supports FLOAT and DOUBLE arrays but got INT", e.getMessage());
    }
    @Test
    void windowsHoldAPowerOfTwoRowsAndEveryRowIsReachable() {
        INDArray table = Nd4j.arange(21).castTo(DataType.DOUBLE).reshape('c', 7, 3);
        NativeRows rows = NativeRows.of(table, 72);    // 72 bytes = 3 rows of 3 doubles, rounded down to 2 per window
        double[] row = new double[3];
        for (int r = 0; r < 7; r++) {
            rows.read(r, row, 0);
            assertArrayEquals(new double[]{3 * r, 3 * r + 1, 3 * r + 2}, row, 0, "row " + r);
        }
        NativeRows copy = NativeRows.of(Nd4j.zeros(DataType.DOUBLE, 7, 3), 24);   // one row per window
        for (int r = 0; r < 7; r++) {
            rows.copyRow(r, copy, 6 - r);
        }
        copy.read(1, row, 0);
        assertArrayEquals(new double[]{15, 16, 17}, row, 0);
    }

    @Test
    void readAheadTouchesTheNextBlockOfValidIds() {
        int a = NativeRows.AHEAD;
        long n = 4L * a;
        INDArray table = Nd4j.arange(n).castTo(DataType.FLOAT).reshape('c', n, 1);   // row r holds r
        NativeRows rows = NativeRows.of(table);
        long[] ids = new long[3 * a];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        ids[1] = -1;              // padding
        ids[2 * a] = n + 5;       // outside the table
        // At the first index both blocks are touched: ids 0 .. 2a-1 without the padding.
        double first = (2.0 * a - 1) * (2 * a) / 2 - 1;
        assertEquals(first, rows.readAhead(ids, 0, 1, 0, ids.length), 0);
        assertEquals(0, rows.readAhead(ids, 0, 1, 3, ids.length), 0, "only at block starts");
        // At index a the block [2a, 3a) is touched, without the id outside the table.
        double third = (2.0 * a + 3 * a - 1) * a / 2 - 2 * a;
        assertEquals(third, rows.readAhead(ids, 0, 1, a, ids.length), 0);
        assertEquals(0, rows.readAhead(ids, 0, 1, 2 * a, ids.length), 0, "nothing past the end");
        // A strided walk (column 1 of [count, 2] ids) reads ids[1 + 2k].
        long[] pairs = new long[4 * a];
        for (int k = 0; k < 2 * a; k++) {
            pairs[2 * k + 1] = k + 1;
        }
        assertEquals((2.0 * a) * (2 * a + 1) / 2, rows.readAhead(pairs, 1, 2, 0, 2 * a), 0);
    }
}
