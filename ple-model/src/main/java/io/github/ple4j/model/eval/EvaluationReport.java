package io.github.ple4j.model.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-task metrics of a model on a data set, and the masked per-task losses.
 *
 * @param tasks    metrics per task, in task order
 * @param taskLoss masked mean loss per task over the data set (cross-entropy or squared error)
 * @param loss     sum over tasks of the task's weight times its loss
 */
public record EvaluationReport(Map<String, TaskMetrics> tasks, Map<String, Double> taskLoss, double loss) {
    public EvaluationReport {
        tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        taskLoss = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskLoss));
    }

    /**
     * A metric by name: {@code "loss"}, a metric averaged over the tasks it applies to ({@code "auc"},
     * {@code "logloss"}, {@code "accuracy"}, {@code "mse"}, {@code "mae"}), or {@code "task.metric"}.
     */
    public double metric(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        if (s.equals("loss")) {
            return loss;
        }
        int dot = spec.lastIndexOf('.');
        if (dot >= 0) {
            String task = spec.substring(0, dot);
            TaskMetrics m = tasks.get(task);
            if (m == null) {
                throw new IllegalArgumentException("no task named '" + task + "' in metric '" + spec + "'; the tasks are "
                        + tasks.keySet());
            }
            return m.get(spec.substring(dot + 1));
        }
        double sum = 0;
        int n = 0;
        for (TaskMetrics m : tasks.values()) {
            double v = m.get(s);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Whether larger values of the metric are better. */
    public static boolean higherIsBetter(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        if (s.equals("loss")) {
            return false;
        }
        int dot = s.lastIndexOf('.');
        return TaskMetrics.higherIsBetter(dot < 0 ? s : s.substring(dot + 1));
    }

    /** A plain-text table: one row per task. */
    public String toTable() {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-16s %-10s %9s %8s %8s %8s %10s %10s %10s", "task", "type", "count", "auc",
                "logloss", "acc", "mse", "mae", "loss"));
        for (TaskMetrics m : tasks.values()) {
            rows.add(String.format(Locale.ROOT, "%-16s %-10s %9d %8.4f %8.4f %8.4f %10.4g %10.4g %10.4g", m.task(), m.type(),
                    m.count(), m.auc(), m.logLoss(), m.accuracy(), m.mse(), m.mae(), taskLoss.getOrDefault(m.task(), Double.NaN)));
        }
        rows.add(String.format(Locale.ROOT, "total loss %.6g", loss));
        return String.join(System.lineSeparator(), rows);
    }
}
