package io.github.ple4j.dl4j;

import io.github.ple4j.model.train.InMemoryBatches;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small deterministic data for the tests, laid out as {@code GraphSignature} says. */
final class Data {
    private Data() {
    }

    static INDArray uniform(long seed, DataType dt, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        return Nd4j.create(v, new long[]{rows, cols}, 'c').castTo(dt);
    }

    /** Two learnable binary tasks on F dense features: x0 + x1 > 0 and x0 - x2 > 0. */
    static MultiDataSet twoBinaryTasks(long seed, int n, int f, DataType dt) {
        INDArray x = uniform(seed, DataType.DOUBLE, n, f);
        double[][] xv = x.toDoubleMatrix();
        double[] y1 = new double[n];
        double[] y2 = new double[n];
        for (int i = 0; i < n; i++) {
            y1[i] = xv[i][0] + xv[i][1] > 0 ? 1 : 0;
            y2[i] = xv[i][0] - xv[i][2] > 0 ? 1 : 0;
        }
        return new MultiDataSet(new INDArray[]{x.castTo(dt)},
                new INDArray[]{column(y1, dt), column(y2, dt)});
    }

    /**
     * A random batch for any config: dense uniform in [-1, 1], categorical ids, binary 0/1 or regression labels,
     * and (when {@code masked}) label masks where row i of task k is masked out when (i + k) % 3 == 0.
     */
    static MultiDataSet batch(PleConfig cfg, long seed, int rows, boolean masked, DataType dt) {
        SplittableRandom r = new SplittableRandom(seed);
        List<INDArray> features = new ArrayList<>();
        if (cfg.inputs().denseSize() > 0) {
            features.add(uniform(seed * 31 + 7, dt, rows, cfg.inputs().denseSize()));
        }
        if (cfg.inputs().hasCategorical()) {
            List<CategoricalField> fields = cfg.inputs().categorical();
            double[] ids = new double[rows * fields.size()];
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < fields.size(); c++) {
                    ids[i * fields.size() + c] = r.nextInt(fields.get(c).vocabularySize());
                }
            }
            features.add(Nd4j.create(ids, new long[]{rows, fields.size()}, 'c').castTo(dt));
        }
        List<TaskSpec> tasks = cfg.tasks();
        INDArray[] labels = new INDArray[tasks.size()];
        INDArray[] masks = masked ? new INDArray[tasks.size()] : null;
        for (int k = 0; k < tasks.size(); k++) {
            double[] y = new double[rows];
            double[] m = new double[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = tasks.get(k).type() == TaskType.BINARY ? r.nextInt(2) : 2 * r.nextDouble() - 1;
                m[i] = (i + k) % 3 == 0 ? 0 : 1;
            }
            labels[k] = column(y, dt);
            if (masked) {
                masks[k] = column(m, dt);
            }
        }
        return new MultiDataSet(features.toArray(new INDArray[0]), labels, null, masks);
    }

    static INDArray column(double[] v, DataType dt) {
        return Nd4j.create(v, new long[]{v.length, 1}, 'c').castTo(dt);
    }

    /** Splits a MultiDataSet into a resettable iterator of batches. */
    static InMemoryBatches batches(org.nd4j.linalg.dataset.api.MultiDataSet all, int batch) {
        return InMemoryBatches.split(all, batch);
    }
}
