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
 * features, categorical ids, bags, one label array per task; no masks). The values are drawn once from a fixed seed
 * with {@link Random}, so every run measures the same data: dense features N(0, 1), ids uniform over the
 * vocabulary or Zipf-distributed ({@link Ids}), bags of lengths uniform in [1, maxLength] for mean-pooled fields
 * and [0, maxLength] for sum-pooled ones (empty bags included), binary labels 0/1 with probability 1/2,
 * regression labels N(0, 1).
 */
public final class BenchData {
    /** How ids are drawn. */
    public enum Ids {
        /** Uniform over [0, V). */
        UNIFORM,
        /**
         * Zipf over ranks: P(id = r) proportional to 1 / (r + 1)^{@value #ZIPF_EXPONENT}, r in [0, V), by exact
         * inverse-CDF sampling (popular ids are the low ones, as after a vocabulary fitted by frequency): real logs
         * are heavily skewed.
         */
        ZIPF
    }

    /** Exponent of the Zipf distribution (the same as python/torch_ple.py's). */
    public static final double ZIPF_EXPONENT = 1.05;
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
        return batches(config, batchSize, count, seed, Ids.UNIFORM);
    }

    /** As {@link #batches(PleConfig, int, int, long)} with ids drawn as {@code ids} says. */
    public static List<org.nd4j.linalg.dataset.api.MultiDataSet> batches(PleConfig config, int batchSize, int count,
                                                                           long seed, Ids ids) {
        if (batchSize < 1 || count < 1) {
            throw new IllegalArgumentException("batchSize and count must be >= 1 but were " + batchSize + " and " + count);
        }
        Random rng = new Random(seed);
        IdSampler sampler = new IdSampler(ids, rng);
        List<org.nd4j.linalg.dataset.api.MultiDataSet> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(batch(config, batchSize, rng, sampler));
        }
        return out;
    }

    /** Draws ids of a vocabulary; Zipf cumulative tables are built once per vocabulary size. */
    static final class IdSampler {
        private final Ids ids;
        private final Random rng;
        private final java.util.Map<Integer, double[]> cdfs = new java.util.HashMap<>();

        IdSampler(Ids ids, Random rng) {
            this.ids = ids;
            this.rng = rng;
        }

        long draw(int vocabulary) {
            if (ids == Ids.UNIFORM) {
                return rng.nextInt(vocabulary);
            }
            double[] cdf = cdfs.computeIfAbsent(vocabulary, v -> {
                double[] c = new double[v];
                double sum = 0;
                for (int r = 0; r < v; r++) {
                    sum += Math.pow(r + 1, -ZIPF_EXPONENT);
                    c[r] = sum;
                }
                for (int r = 0; r < v; r++) {
                    c[r] /= sum;
                }
                return c;
            });
            int at = java.util.Arrays.binarySearch(cdf, rng.nextDouble());
            return Math.min(at >= 0 ? at + 1 : -at - 1, vocabulary - 1);
        }
    }

    private static MultiDataSet batch(PleConfig config, int rows, Random rng, IdSampler sampler) {
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
            List<CategoricalField> single = in.singleValued();
            long[][] ids = new long[rows][single.size()];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < single.size(); j++) {
                    ids[r][j] = sampler.draw(single.get(j).vocabularySize());
                }
            }
            features.add(Nd4j.createFromArray(ids));
        }
        for (CategoricalField f : in.bags()) {
            int min = f.bag().pooling() == io.github.ple4j.model.config.Pooling.MEAN ? 1 : 0;
            int[] lengths = new int[rows];
            int longest = 1;
            for (int r = 0; r < rows; r++) {
                lengths[r] = min + rng.nextInt(f.bag().maxLength() - min + 1);
                longest = Math.max(longest, lengths[r]);
            }
            long[][] bag = new long[rows][longest];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < longest; j++) {
                    bag[r][j] = j < lengths[r] ? sampler.draw(f.vocabularySize()) : GraphSignature.BAG_PADDING;
                }
            }
            features.add(Nd4j.createFromArray(bag));
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
