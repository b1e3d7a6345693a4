package io.github.ple4j.model.config;

/**
 * How the model is trained.
 *
 * @param optimizer     optimiser and learning rate
 * @param epochs        maximum number of epochs (>= 1)
 * @param weighting     loss weighting strategy (paper Eq. 8 and 10, or learnable uncertainty weights)
 * @param earlyStopping early stopping on validation data, or null for none
 */
public record TrainingSpec(OptimizerSpec optimizer, int epochs, LossWeighting weighting, EarlyStopping earlyStopping) {
    public TrainingSpec {
        Checks.notNull("training.optimizer", optimizer);
        Checks.positive("training.epochs", epochs);
        weighting = weighting == null ? LossWeighting.fixed() : weighting;
    }

    /** Adam(1e-3), 10 epochs, fixed weights, no early stopping. */
    public static TrainingSpec defaults() {
        return new TrainingSpec(OptimizerSpec.adam(1e-3), 10, LossWeighting.fixed(), null);
    }

    public TrainingSpec withEpochs(int e) {
        return new TrainingSpec(optimizer, e, weighting, earlyStopping);
    }

    public TrainingSpec withOptimizer(OptimizerSpec o) {
        return new TrainingSpec(o, epochs, weighting, earlyStopping);
    }

    public TrainingSpec withWeighting(LossWeighting w) {
        return new TrainingSpec(optimizer, epochs, w, earlyStopping);
    }

    public TrainingSpec withEarlyStopping(EarlyStopping e) {
        return new TrainingSpec(optimizer, epochs, weighting, e);
    }
}
