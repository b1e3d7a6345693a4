package io.github.ple4j.model.config;

/**
 * Early stopping on a validation metric.
 *
 * @param metric      {@code "loss"} (validation total loss), a metric name averaged over the tasks it
 *                    applies to ({@code "auc"}, {@code "logloss"}, {@code "accuracy"}, {@code "mse"},
 *                    {@code "mae"}), or one task's metric as {@code "task.metric"} (e.g. {@code "income.auc"})
 * @param patience    epochs without improvement before stopping (>= 1)
 * @param minDelta    smallest change that counts as an improvement (>= 0)
 * @param restoreBest whether the parameters of the best epoch are restored when training ends
 */
public record EarlyStopping(String metric, int patience, double minDelta, boolean restoreBest) {
    public EarlyStopping {
        Checks.notNull("training.earlyStopping.metric", metric);
        Checks.positive("training.earlyStopping.patience", patience);
        Checks.finiteNonNegative("training.earlyStopping.minDelta", minDelta);
    }

    /** Stop after {@code patience} epochs without improvement of {@code metric}; restore the best epoch. */
    public static EarlyStopping on(String metric, int patience) {
        return new EarlyStopping(metric, patience, 0.0, true);
    }
}
