package io.github.ple4j.model.config;

/**
 * How the model is trained.
 *
 * @param optimizer          optimiser and learning rate
 * @param epochs             maximum number of epochs (>= 1)
 * @param weighting          loss weighting strategy (paper Eq. 8 and 10, or learnable uncertainty weights)
 * @param earlyStopping      early stopping on validation data, or null for none
 * @param embeddingOptimizer how embedding tables are trained; null means {@link EmbeddingOptimizerSpec#dense()}
 */
public record TrainingSpec(OptimizerSpec optimizer, int epochs, LossWeighting weighting, EarlyStopping earlyStopping,
                           EmbeddingOptimizerSpec embeddingOptimizer) {
    public TrainingSpec {
        Checks.notNull("training.optimizer", optimizer);
        Checks.positive("training.epochs", epochs);
        weighting = weighting == null ? LossWeighting.fixed() : weighting;
        embeddingOptimizer = embeddingOptimizer == null ? EmbeddingOptimizerSpec.dense() : embeddingOptimizer;
    }

    /** Embedding tables trained by {@code optimizer} like every other parameter. */
    public TrainingSpec(OptimizerSpec optimizer, int epochs, LossWeighting weighting, EarlyStopping earlyStopping) {
        this(optimizer, epochs, weighting, earlyStopping, null);
    }

    /** Adam(1e-3), 10 epochs, fixed weights, no early stopping, dense tables. */
    public static TrainingSpec defaults() {
        return new TrainingSpec(OptimizerSpec.adam(1e-3), 10, LossWeighting.fixed(), null);
    }

    public TrainingSpec withEpochs(int e) {
        return new TrainingSpec(optimizer, e, weighting, earlyStopping, embeddingOptimizer);
    }

    public TrainingSpec withOptimizer(OptimizerSpec o) {
        return new TrainingSpec(o, epochs, weighting, earlyStopping, embeddingOptimizer);
    }

    public TrainingSpec withWeighting(LossWeighting w) {
        return new TrainingSpec(optimizer, epochs, w, earlyStopping, embeddingOptimizer);
    }

    public TrainingSpec withEarlyStopping(EarlyStopping e) {
        return new TrainingSpec(optimizer, epochs, weighting, e, embeddingOptimizer);
    }

    public TrainingSpec withEmbeddingOptimizer(EmbeddingOptimizerSpec e) {
        return new TrainingSpec(optimizer, epochs, weighting, earlyStopping, e);
    }

    /** The learning rate of the embedding optimiser: its own, or the dense optimiser's. */
    public double embeddingLearningRate() {
        return embeddingOptimizer.learningRate() != null ? embeddingOptimizer.learningRate() : optimizer.learningRate();
    }
}
