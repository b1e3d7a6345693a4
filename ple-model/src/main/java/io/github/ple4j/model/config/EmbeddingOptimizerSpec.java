package io.github.ple4j.model.config;

/**
 * How embedding tables are trained. The other parameters always use {@code training.optimizer}.
 *
 * <ul>
 *   <li>{@link Type#DENSE}: the tables are ordinary parameters of {@code training.optimizer}: exact, and every step
 *       touches every row (its work and memory grow with the vocabulary; for small tables).</li>
 *   <li>{@link Type#LAZY_ADAM}: Adam on the rows a batch looks up only (beta1 0.9, beta2 0.999, epsilon 1e-8, bias
 *       correction by the global step, as {@code torch.optim.SparseAdam} and TensorFlow's LazyAdam): the moments of
 *       rows a batch does not touch are not decayed, so it differs from dense Adam on such rows.</li>
 *   <li>{@link Type#ROWWISE_ADAGRAD}: AdaGrad with one accumulator per row (the mean of the row gradient's
 *       squares), epsilon 1e-8, as TorchRec's row-wise AdaGrad: a quarter of Adam's state per table row.</li>
 *   <li>{@link Type#SGD}: plain SGD on the rows looked up.</li>
 * </ul>
 * The sparse types do work proportional to the ids of a batch, independent of the vocabulary.
 *
 * @param type         the algorithm
 * @param learningRate its step size, or null for {@code training.optimizer.learningRate}
 */
public record EmbeddingOptimizerSpec(Type type, Double learningRate) {
    /** Algorithms for embedding tables. */
    public enum Type { DENSE, LAZY_ADAM, ROWWISE_ADAGRAD, SGD }

    public EmbeddingOptimizerSpec {
        Checks.notNull("training.embeddingOptimizer.type", type);
        if (learningRate != null) {
            Checks.finitePositive("training.embeddingOptimizer.learningRate", learningRate);
            if (type == Type.DENSE) {
                throw new IllegalArgumentException("training.embeddingOptimizer.learningRate must be unset for type DENSE "
                        + "(dense tables use training.optimizer) but was " + learningRate);
            }
        }
    }

    /** Tables trained by {@code training.optimizer} like every other parameter (the default). */
    public static EmbeddingOptimizerSpec dense() {
        return new EmbeddingOptimizerSpec(Type.DENSE, null);
    }

    /** Lazy Adam with the dense optimiser's learning rate. */
    public static EmbeddingOptimizerSpec lazyAdam() {
        return new EmbeddingOptimizerSpec(Type.LAZY_ADAM, null);
    }

    /** Row-wise AdaGrad with the dense optimiser's learning rate. */
    public static EmbeddingOptimizerSpec rowwiseAdagrad() {
        return new EmbeddingOptimizerSpec(Type.ROWWISE_ADAGRAD, null);
    }

    /** Plain SGD on the rows looked up, with the dense optimiser's learning rate. */
    public static EmbeddingOptimizerSpec sgd() {
        return new EmbeddingOptimizerSpec(Type.SGD, null);
    }

    /** A copy with its own learning rate. */
    public EmbeddingOptimizerSpec withLearningRate(double lr) {
        return new EmbeddingOptimizerSpec(type, lr);
    }

    /** Whether tables are updated row by row (every type but {@link Type#DENSE}). */
    public boolean sparse() {
        return type != Type.DENSE;
    }
}
