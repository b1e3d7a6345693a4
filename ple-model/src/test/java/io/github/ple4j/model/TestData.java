package io.github.ple4j.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.ple4j.model.train.InMemoryBatches;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** Small deterministic data sets for tests. */
public final class TestData {
    private TestData() {
    }

    /** Random matrix with entries uniform in [-scale, scale]. */
    public static INDArray uniform(long seed, DataType dt, double scale, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * r.nextDouble() - 1) * scale;
        }
        return Nd4j.create(v, new long[]{rows, cols}, 'c').castTo(dt);
    }

    /**
     * Two learnable binary tasks on F dense features: task 1 is x0 + x1 > 0, task 2 is x0 - x2 > 0 (both
     * depend on x0, so they are related but not identical).
     */
    public static org.nd4j.linalg.dataset.MultiDataSet twoBinaryTasks(long seed, int n, int f, DataType dt) {
        INDArray x = uniform(seed, DataType.DOUBLE, 1.0, n, f);
        double[][] xv = x.toDoubleMatrix();
        double[] y1 = new double[n];
        double[] y2 = new double[n];
        for (int i = 0; i < n; i++) {
            y1[i] = xv[i][0] + xv[i][1] > 0 ? 1 : 0;
            y2[i] = xv[i][0] - xv[i][2] > 0 ? 1 : 0;
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x.castTo(dt)},
                new INDArray[]{Nd4j.create(y1, new long[]{n, 1}, 'c').castTo(dt), Nd4j.create(y2, new long[]{n, 1}, 'c').castTo(dt)});
    }

    /** Splits a MultiDataSet into an iterator of batches of {@code batch} rows (reset supported). */
    public static MultiDataSetIterator batches(MultiDataSet all, int batch) {
        return InMemoryBatches.split(all, batch);
    }
}
