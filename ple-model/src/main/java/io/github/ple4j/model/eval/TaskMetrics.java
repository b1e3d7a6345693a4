package io.github.ple4j.model.eval;

import io.github.ple4j.model.config.Metric;
import io.github.ple4j.model.config.TaskType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Immutable summary of the evaluation metrics of one task.
 *
 * <p>Metrics that do not apply to the task type are {@link Double#NaN}: a {@code BINARY} task
 * has AUC, log loss and accuracy (threshold 0.5) but no MSE/MAE; a {@code REGRESSION} task has
 * MSE and MAE only. A metric can also be NaN because it is undefined on the data, e.g. AUC when
 * only one class is present.
 *
 * @param task     task name, e.g. {@code "ctr"}; not blank
 * @param type     the task's type
 * @param count    number of unmasked samples the metrics were computed on, {@code >= 0}
 * @param auc      ROC AUC (binary only)
 * @param logLoss  mean binary cross-entropy (binary only)
 * @param accuracy accuracy at threshold 0.5 (binary only)
 * @param mse      mean squared error (regression only)
 * @param mae      mean absolute error (regression only)
 */
public record TaskMetrics(String task, TaskType type, long count, double auc, double logLoss,
                          double accuracy, double mse, double mae) {

    /** Metric names accepted by {@link #get(String)}, in canonical (lower-case) form: {@link Metric}'s and "count". */
    public static final List<String> METRIC_NAMES = metricNames();

    private static List<String> metricNames() {
        List<String> names = new ArrayList<>(Metric.keys());
        names.add("count");
        return List.copyOf(names);
    }

    /** Decision threshold used for {@link #accuracy()} by {@link #binary}. */
    public static final double ACCURACY_THRESHOLD = 0.5;

    /**
     * Creates a summary after validating the components.
     *
     * @param task     task name; not blank
     * @param type     the task's type
     * @param count    number of unmasked samples, {@code >= 0}
     * @param auc      ROC AUC, NaN if not applicable
     * @param logLoss  mean binary cross-entropy, NaN if not applicable
     * @param accuracy accuracy, NaN if not applicable
     * @param mse      mean squared error, NaN if not applicable
     * @param mae      mean absolute error, NaN if not applicable
     * @throws IllegalArgumentException if the task is blank or the count is negative
     */
    public TaskMetrics {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(type, "type");
        if (task.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0 but was " + count);
        }
    }

    /**
     * Computes the metrics of a binary task: AUC, log loss and accuracy at threshold 0.5; MSE
     * and MAE are NaN. See {@link Metrics} for the definitions, validation and edge cases.
     *
     * @param task   task name
     * @param probs  predicted probabilities in {@code [0, 1]}
     * @param labels 0/1 labels
     * @param mask   {@code null} or 0/1 per sample
     * @return the summary; with no unmasked sample every metric is NaN and the count is 0
     * @throws IllegalArgumentException on invalid input (see {@link Metrics})
     */
    public static TaskMetrics binary(String task, double[] probs, double[] labels, double[] mask) {
        Objects.requireNonNull(probs, "probs");
        return new TaskMetrics(task, TaskType.BINARY, Metrics.count(mask, probs.length),
                Metrics.auc(probs, labels, mask),
                Metrics.logLoss(probs, labels, mask),
                Metrics.accuracy(probs, labels, mask, ACCURACY_THRESHOLD),
                Double.NaN, Double.NaN);
    }

    /**
     * Computes the metrics of a regression task: MSE and MAE; AUC, log loss and accuracy are
     * NaN. See {@link Metrics} for the definitions, validation and edge cases.
     *
     * @param task   task name
     * @param preds  predicted values
     * @param labels true values
     * @param mask   {@code null} or 0/1 per sample
     * @return the summary; with no unmasked sample MSE and MAE are NaN and the count is 0
     * @throws IllegalArgumentException on invalid input (see {@link Metrics})
     */
    public static TaskMetrics regression(String task, double[] preds, double[] labels, double[] mask) {
        Objects.requireNonNull(preds, "preds");
        return new TaskMetrics(task, TaskType.REGRESSION, Metrics.count(mask, preds.length),
                Double.NaN, Double.NaN, Double.NaN,
                Metrics.mse(preds, labels, mask),
                Metrics.mae(preds, labels, mask));
    }

    /**
     * Looks a metric up by name.
     *
     * @param metricName one of {@code auc, logloss, accuracy, mse, mae, count}, case-insensitive
     * @return the metric value ({@code count} converted to double); NaN for metrics that do not
     *         apply to this task type
     * @throws IllegalArgumentException for an unknown name; the message lists the valid names
     */
    public double get(String metricName) {
        return switch (canonical(metricName)) {
            case "auc" -> auc;
            case "logloss" -> logLoss;
            case "accuracy" -> accuracy;
            case "mse" -> mse;
            case "mae" -> mae;
            case "count" -> count;
            default -> throw new AssertionError("unhandled metric " + metricName);
        };
    }

    /**
     * Whether larger values of a metric mean a better model, as needed by
     * {@link MultiTaskGain#gain(double, double, boolean)}.
     *
     * @param metricName {@code auc} or {@code accuracy} (true), {@code logloss}, {@code mse} or
     *                   {@code mae} (false); case-insensitive
     * @return {@code true} if higher is better
     * @throws IllegalArgumentException for an unknown name, or for {@code count}, which is not a
     *                                  quality measure
     */
    public static boolean higherIsBetter(String metricName) {
        canonical(metricName);
        return Metric.of(metricName).orElseThrow(() -> new IllegalArgumentException(
                "metric '" + metricName + "' is not a quality measure and has no better direction")).higherIsBetter();
    }

    private static String canonical(String metricName) {
        Objects.requireNonNull(metricName, "metricName");
        String name = metricName.toLowerCase(Locale.ROOT);
        if (!METRIC_NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown metric '" + metricName + "'; valid names are " + METRIC_NAMES);
        }
        return name;
    }
}
