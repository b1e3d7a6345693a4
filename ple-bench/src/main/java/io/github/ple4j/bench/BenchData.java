package io.github.ple4j.bench;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random batches for speed measurements, laid out as the model's {@link GraphSignature} says (dense
 * features, categorical ids, one label array per task; no masks). The values are drawn once from a fixed seed
 * with {@link Random}, so every run measures the same data: dense features N(0, 1), categorical ids uniform
 * over the vocabulary, binary labels 0/1 with probability 1/2, regression labels N(0, 1).
 */
public final class BenchData {
    /** Seed of the bench data. */
    public static final long SEED = 20200922L;

    private BenchData() {
    }

    /**
     * {@code count} batches of {@code batchSize} rows for a config.
     *
     * @param seed seed of the draws; the same arguments give the same batches
     */
    public static List<org.nd4j.linalg.dataset.api.MultiDataSet> batches(PleConfig config, int batchSize, int count,
                                                                           long seed) {
        if (batchSize < 1 || count < 1) {
            throw new IllegalArgumentException("batchSize and count must be >= 1 but were " + batchSize + " and " + count);
        }
        Random rng = new Random(seed);
        List<org.nd4j.linalg.dataset.api.MultiDataSet> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(batch(config, batchSize, rng));
        }
        return out;
    }

    private static MultiDataSet batch(PleConfig config, int rows, Random rng) {
        InputSpec in = config.inputs();
        List<INDArray> features = new ArrayList<>();
        if (in.denseSize() > 0) {
            float[] x = new float[rows * in.denseSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            features.add(Nd4j.create(x, new long[]{rows, in.denseSize()}, 'c'));
        }
        if (in.hasCategorical()) {
            int c = in.categorical().size();
            float[] ids = new float[rows * c];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < c; j++) {
                    CategoricalField f = in.categorical().get(j);
                    ids[r * c + j] = rng.nextInt(f.vocabularySize());
                }
            }
            features.add(Nd4j.create(ids, new long[]{rows, c}, 'c'));
        }
        List<TaskSpec> tasks = config.tasks();
        INDArray[] labels = new INDArray[tasks.size()];
        for (int k = 0; k < labels.length; k++) {
            float[] y = new float[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = tasks.get(k).type() == TaskType.BINARY ? (rng.nextBoolean() ? 1f : 0f) : (float) rng.nextGaussian();
            }
            labels[k] = Nd4j.create(y, new long[]{rows, 1}, 'c');
        }
        return new MultiDataSet(features.toArray(new INDArray[0]), labels);
    }
}
