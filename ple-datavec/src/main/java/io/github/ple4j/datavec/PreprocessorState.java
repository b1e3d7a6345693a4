package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.Columns;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FitSummary;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.datavec.schema.LabelStats;
import io.github.ple4j.datavec.schema.TaskLabel;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link FittedPipeline} is, and its JSON form. Validated on construction, so a JSON document that
 * does not describe a usable pipeline is rejected when read.
 */
record PreprocessorState(String format, int formatVersion, int columnCount, boolean trim,
                         List<String> missingLabelValues, List<DenseStats> dense, List<FittedCategorical> categorical,
                         List<TaskLabel> tasks, FitSummary summary) {
    PreprocessorState {
        if (!FittedPipeline.FORMAT.equals(format)) {
            throw new IllegalArgumentException("format must be '" + FittedPipeline.FORMAT + "' but was "
                    + (format == null ? "null" : "'" + format + "'"));
        }
        if (formatVersion != FittedPipeline.FORMAT_VERSION) {
            throw new IllegalArgumentException("formatVersion must be " + FittedPipeline.FORMAT_VERSION + " but was "
                    + formatVersion);
        }
        if (columnCount < 1) {
            throw new IllegalArgumentException("columnCount must be >= 1 but was " + columnCount);
        }
        missingLabelValues = List.copyOf(Objects.requireNonNull(missingLabelValues, "missingLabelValues"));
        dense = List.copyOf(Objects.requireNonNull(dense, "dense"));
        categorical = List.copyOf(Objects.requireNonNull(categorical, "categorical"));
        tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
        Objects.requireNonNull(summary, "summary");
        if (dense.isEmpty() && categorical.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one dense or categorical column but has none");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one task but has none");
        }
        Map<Integer, String> used = new HashMap<>();
        dense.forEach(d -> claim(used, d.column(), d.name(), columnCount, "a dense feature"));
        categorical.forEach(c -> claim(used, c.column(), c.name(), columnCount, "a categorical feature"));
        tasks.forEach(t -> claim(used, t.column(), t.columnName(), columnCount, "the label of task '" + t.name() + "'"));
        for (TaskLabel t : tasks) {
            if (t.sampleSpace() != null && t.sampleSpace().column() >= columnCount) {
                throw new IllegalArgumentException("task '" + t.name() + "': the sample space column "
                        + Columns.label(t.sampleSpace().column(), t.sampleSpace().columnName()) + " is outside the "
                        + columnCount + " columns of a record");
            }
        }
        Set<String> names = new HashSet<>();
        for (TaskLabel t : tasks) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("the task '" + t.name() + "' appears twice");
            }
        }
        List<String> statTasks = summary.labels().stream().map(LabelStats::task).toList();
        List<String> taskNames = tasks.stream().map(TaskLabel::name).toList();
        if (!statTasks.equals(taskNames)) {
            throw new IllegalArgumentException("summary.labels must list the tasks " + taskNames + " in order but lists "
                    + statTasks);
        }
    }

    private static void claim(Map<Integer, String> used, int column, String name, int columnCount, String role) {
        if (column >= columnCount) {
            throw new IllegalArgumentException("column " + Columns.label(column, name) + " (" + role
                    + ") is outside the " + columnCount + " columns of a record");
        }
        String before = used.put(column, role);
        if (before != null) {
            throw new IllegalArgumentException("column " + Columns.label(column, name) + " is used twice: as " + before
                    + " and as " + role);
        }
    }
}
