package io.github.ple4j.model.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The quality metrics of a task: the names early stopping monitors and evaluation reports.
 * Binary tasks have {@link #AUC}, {@link #LOGLOSS} and {@link #ACCURACY}; regression tasks {@link #MSE} and
 * {@link #MAE}.
 */
public enum Metric {
    /** Area under the ROC curve (tie-aware). */
    AUC(TaskType.BINARY, true),
    /** Mean binary cross-entropy. */
    LOGLOSS(TaskType.BINARY, false),
    /** Accuracy at threshold 0.5. */
    ACCURACY(TaskType.BINARY, true),
    /** Mean squared error. */
    MSE(TaskType.REGRESSION, false),
    /** Mean absolute error. */
    MAE(TaskType.REGRESSION, false);

    private final TaskType taskType;
    private final boolean higherIsBetter;

    Metric(TaskType taskType, boolean higherIsBetter) {
        this.taskType = taskType;
        this.higherIsBetter = higherIsBetter;
    }

    /** The task type the metric applies to. */
    public TaskType taskType() {
        return taskType;
    }

    /** Whether larger values mean a better model. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metric's name in configs and reports: lower case, e.g. {@code "auc"}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every metric's {@link #key()}, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Metric::key).toList();
    }

    /** The metric with this name (case-insensitive), if there is one. */
    public static Optional<Metric> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String k = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.key().equals(k)).findFirst();
    }
}
