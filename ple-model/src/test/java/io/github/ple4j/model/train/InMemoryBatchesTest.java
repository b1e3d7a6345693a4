package io.github.ple4j.model.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryBatchesTest {
    /** Rows 0..n-1 with feature value i, label 10 i, a mask for task 0 and none for task 1. */
    private static MultiDataSet rows(int n) {
        double[] x = new double[n];
        double[] y = new double[n];
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 10 * i;
            m[i] = i % 2;
        }
        INDArray col = Nd4j.create(x, new long[]{n, 1}, 'c');
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{col},
                new INDArray[]{Nd4j.create(y, new long[]{n, 1}, 'c'), col.dup()}, null,
                new INDArray[]{Nd4j.create(m, new long[]{n, 1}, 'c'), null});
    }

    private static List<Double> firstRows(InMemoryBatches it) {
        List<Double> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next().getFeatures(0).getDouble(0, 0));
        }
        return out;
    }

    @Test
    void splitsIntoConsecutiveRowRangesKeepingMasks() {
        InMemoryBatches it = InMemoryBatches.split(rows(10), 4);
        assertEquals(3, it.size());
        assertEquals(10, it.rows());
        MultiDataSet first = it.next();
        assertArrayEquals(new double[]{0, 1, 2, 3}, first.getFeatures(0).toDoubleVector());
        assertArrayEquals(new double[]{0, 10, 20, 30}, first.getLabels(0).toDoubleVector());
        assertArrayEquals(new double[]{0, 1, 0, 1}, first.getLabelsMaskArray(0).toDoubleVector());
        assertNull(first.getLabelsMaskArray(1));
        it.next();
        assertArrayEquals(new double[]{8, 9}, it.next().getFeatures(0).toDoubleVector());
        assertFalse(it.hasNext());
        it.reset();
        assertEquals(List.of(0.0, 4.0, 8.0), firstRows(it));
    }

    @Test
    void shufflesTheBatchOrderPerEpochWithItsSeed() {
        List<MultiDataSet> batches = new ArrayList<>();
        InMemoryBatches.split(rows(40), 4).forEachRemaining(batches::add);
        InMemoryBatches a = new InMemoryBatches(batches, 7L);
        InMemoryBatches b = new InMemoryBatches(batches, 7L);
        List<Double> epoch1 = firstRows(a);
        assertEquals(epoch1, firstRows(b));
        a.reset();
        b.reset();
        List<Double> epoch2 = firstRows(a);
        assertEquals(epoch2, firstRows(b));
        assertNotEquals(epoch1, epoch2, "a new order every epoch");
        assertEquals(10, epoch1.stream().distinct().count());
    }

    @Test
    void cachesAnotherIterator() {
        InMemoryBatches cached = InMemoryBatches.cache(InMemoryBatches.split(rows(9), 3), null);
        assertEquals(List.of(0.0, 3.0, 6.0), firstRows(cached));
        assertEquals(9, cached.rows());
    }

    @Test
    void rejectsABatchSizeBelowOne() {
        assertEquals("batchSize must be >= 1 but was 0",
                assertThrows(IllegalArgumentException.class, () -> InMemoryBatches.split(rows(3), 0)).getMessage());
    }
}
