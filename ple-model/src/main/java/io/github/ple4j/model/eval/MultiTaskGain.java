package io.github.ple4j.model.eval;

import java.util.Objects;

/**
 * "MTL gain" of a multi-task model over the corresponding single-task model, as defined in
 * Tang et al., <i>Progressive Layered Extraction (PLE)</i>, RecSys 2020, Eq. 11:
 * <pre>
 *   gain = M_MTL - M_single   if higher values of metric M are better (e.g. AUC)
 *   gain = M_single - M_MTL   if lower values of metric M are better (e.g. MSE)
 * </pre>
 * In both cases a positive gain means the multi-task model is better on that task, and a
 * negative gain signals negative transfer.
 */
public final class MultiTaskGain {

    private MultiTaskGain() {
    }

    /**
     * MTL gain for one metric of one task.
     *
     * @param multiTask      metric value of the multi-task model
     * @param singleTask     metric value of the single-task model on the same task and data
     * @param higherIsBetter {@code true} for metrics such as AUC or accuracy, {@code false} for
     *                       metrics such as MSE, MAE or log loss
     * @return the gain, positive when the multi-task model is better; {@link Double#NaN} if
     *         either value is NaN (e.g. an AUC that was undefined)
     */
    public static double gain(double multiTask, double singleTask, boolean higherIsBetter) {
        return higherIsBetter ? multiTask - singleTask : singleTask - multiTask;
    }

    /**
     * MTL gain for a named metric, taking the direction from
     * {@link TaskMetrics#higherIsBetter(String)}.
     *
     * @param multiTask  metrics of the multi-task model
     * @param singleTask metrics of the single-task model for the same task
     * @param metricName one of {@code auc, logloss, accuracy, mse, mae} (case-insensitive)
     * @return the gain, positive when the multi-task model is better; NaN if either metric is NaN
     * @throws IllegalArgumentException if the two summaries are for different tasks, or the
     *                                  metric name is unknown or has no direction ({@code count})
     */
    public static double gain(TaskMetrics multiTask, TaskMetrics singleTask, String metricName) {
        Objects.requireNonNull(multiTask, "multiTask");
        Objects.requireNonNull(singleTask, "singleTask");
        if (!multiTask.task().equals(singleTask.task())) {
            throw new IllegalArgumentException("multi-task metrics are for task '" + multiTask.task()
                    + "' but single-task metrics are for task '" + singleTask.task() + "'");
        }
        boolean higherIsBetter = TaskMetrics.higherIsBetter(metricName);
        return gain(multiTask.get(metricName), singleTask.get(metricName), higherIsBetter);
    }
}
