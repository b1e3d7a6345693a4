package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.ArraysIterator;
import io.github.ple4j.datavec.Fixtures;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SyntheticDataSets and ArraysIterator: exact arrays, signature order, shuffling. */
class SyntheticDataSetsTest {
    static final SyntheticTasks TASKS = new SyntheticTasks(new SyntheticTasksSpec(3, 1.0, 0.5, 2, 0.1, 7L));
    static final SyntheticTasks.Sample SAMPLE = TASKS.generate(5, 11L);

    static GraphSignature sig(String first, String second) {
        return Fixtures.signature(InputSpec.dense(3), TaskSpec.regression(first, 4), TaskSpec.regression(second, 4));
    }

    static float[][] floats(double[][] v) {
        float[][] out = new float[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new float[v[i].length];
            for (int j = 0; j < v[i].length; j++) {
                out[i][j] = (float) v[i][j];
            }
        }
        return out;
    }

    static float[][] column(double[] v) {
        float[][] out = new float[v.length][1];
        for (int i = 0; i < v.length; i++) {
            out[i][0] = (float) v[i];
        }
        return out;
    }

    @Test
    void arraysAreTheSampleKeyedByPlaceholder() {
        Map<String, INDArray> m = SyntheticDataSets.arrays(sig("t1", "t2"), SAMPLE, DataType.DOUBLE);
        assertEquals(3, m.size());
        assertArrayEquals(SAMPLE.x(), m.get(GraphSignature.DENSE).toDoubleMatrix());
        assertArrayEquals(new long[]{5, 1}, m.get(GraphSignature.label("t1")).shape());
        assertArrayEquals(SAMPLE.y()[0], m.get(GraphSignature.label("t1")).toDoubleVector());
        assertArrayEquals(SAMPLE.y()[1], m.get(GraphSignature.label("t2")).toDoubleVector());
        assertEquals(DataType.DOUBLE, m.get(GraphSignature.DENSE).dataType());
    }

    @Test
    void firstSignatureTaskGetsY1WhateverItsName() {
        Map<String, INDArray> m = SyntheticDataSets.arrays(sig("b", "a"), SAMPLE, DataType.DOUBLE);
        assertArrayEquals(SAMPLE.y()[0], m.get(GraphSignature.label("b")).toDoubleVector());
        assertArrayEquals(SAMPLE.y()[1], m.get(GraphSignature.label("a")).toDoubleVector());
    }

    @Test
    void modelWithThreeTasksIsRejected() {
        GraphSignature three = Fixtures.signature(InputSpec.dense(3), TaskSpec.regression("a", 2),
                TaskSpec.regression("b", 2), TaskSpec.regression("c", 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticDataSets.arrays(three, SAMPLE, DataType.FLOAT));
        assertEquals("the synthetic data has 2 tasks but the model has 3 [a, b, c]", e.getMessage());
    }

    @Test
    void iteratorGivesExactBatchesInSignatureOrderWithoutMasks() {
        ArraysIterator it = SyntheticDataSets.iterator(sig("t1", "t2"), SAMPLE, 2, null);
        assertEquals(5, it.rows());
        List<MultiDataSet> batches = Fixtures.drain(it);
        assertEquals(3, batches.size());
        float[][] x = floats(SAMPLE.x());
        float[][] y1 = column(SAMPLE.y()[0]);
        float[][] y2 = column(SAMPLE.y()[1]);
        for (int b = 0; b < 3; b++) {
            MultiDataSet m = batches.get(b);
            int from = 2 * b;
            int to = Math.min(5, from + 2);
            assertEquals(1, m.numFeatureArrays());
            assertEquals(DataType.FLOAT, m.getFeatures(0).dataType());
            assertArrayEquals(java.util.Arrays.copyOfRange(x, from, to), m.getFeatures(0).toFloatMatrix());
            assertArrayEquals(java.util.Arrays.copyOfRange(y1, from, to), m.getLabels(0).toFloatMatrix());
            assertArrayEquals(java.util.Arrays.copyOfRange(y2, from, to), m.getLabels(1).toFloatMatrix());
            assertNull(m.getLabelsMaskArrays());
        }
    }

    /** Row order of one epoch, read from the first input column. */
    static List<Float> order(ArraysIterator it, float[][] x) {
        List<Float> out = new ArrayList<>();
        while (it.hasNext()) {
            for (float[] row : it.next().getFeatures(0).toFloatMatrix()) {
                out.add(row[0]);
            }
        }
        return out;
    }

    @Test
    void shuffleIsAPermutationFixedByTheSeedAndNewEachEpoch() {
        SyntheticTasks.Sample big = TASKS.generate(40, 3L);
        float[][] x = floats(big.x());
        List<Float> fileOrder = new ArrayList<>();
        for (float[] row : x) {
            fileOrder.add(row[0]);
        }
        ArraysIterator a = SyntheticDataSets.iterator(sig("t1", "t2"), big, 7, 99L);
        ArraysIterator b = SyntheticDataSets.iterator(sig("t1", "t2"), big, 7, 99L);
        List<Float> a1 = order(a, x);
        assertEquals(a1, order(b, x));
        assertNotEquals(fileOrder, a1);
        assertEquals(new java.util.TreeSet<>(fileOrder), new java.util.TreeSet<>(a1));
        assertEquals(40, a1.size());
        a.reset();
        b.reset();
        List<Float> a2 = order(a, x);
        assertEquals(a2, order(b, x));
        assertNotEquals(a1, a2);
        assertNotEquals(a1, order(SyntheticDataSets.iterator(sig("t1", "t2"), big, 7, 100L), x));
        ArraysIterator plain = SyntheticDataSets.iterator(sig("t1", "t2"), big, 7, null);
        assertEquals(fileOrder, order(plain, x));
        plain.reset();
        assertEquals(fileOrder, order(plain, x));
    }

    @Test
    void shuffledRowsKeepFeaturesAndLabelsTogether() {
        ArraysIterator it = SyntheticDataSets.iterator(sig("t1", "t2"), SAMPLE, 5, 5L);
        MultiDataSet m = it.next();
        float[][] x = floats(SAMPLE.x());
        float[][] got = m.getFeatures(0).toFloatMatrix();
        for (int r = 0; r < 5; r++) {
            int src = -1;
            for (int i = 0; i < 5; i++) {
                if (java.util.Arrays.equals(x[i], got[r])) {
                    src = i;
                }
            }
            assertEquals((float) SAMPLE.y()[0][src], m.getLabels(0).getFloat(r, 0));
            assertEquals((float) SAMPLE.y()[1][src], m.getLabels(1).getFloat(r, 0));
        }
    }

    @Test
    void arraysIteratorPassesMasksInSignatureOrderAndNamesMissingArrays() {
        GraphSignature sig = sig("t1", "t2");
        Map<String, INDArray> m = new HashMap<>(SyntheticDataSets.arrays(sig, SAMPLE, DataType.FLOAT));
        INDArray mask2 = Nd4j.createFromArray(new float[][]{{1}, {0}, {1}, {0}, {1}});
        m.put(GraphSignature.mask("t2"), mask2);
        MultiDataSet batch = new ArraysIterator(sig, m, 5, null).next();
        assertNull(batch.getLabelsMaskArray(0));
        assertArrayEquals(mask2.toFloatMatrix(), batch.getLabelsMaskArray(1).toFloatMatrix());

        m.remove(GraphSignature.label("t1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ArraysIterator(sig, m, 5, null));
        assertEquals("no array for 'label/t1'; given " + m.keySet(), e.getMessage());
    }
}
