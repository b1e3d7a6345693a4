package io.github.ple4j.datavec.schema;

import java.util.Objects;

/**
 * One task's label column, before fitting.
 *
 * @param task        task name (as in the model's {@link io.github.ple4j.model.config.TaskSpec})
 * @param column      the label column; it is never an input
 * @param rule        how the column's text becomes a label
 * @param sampleSpace the rows the task is defined on, or null for every row with a label
 */
public record LabelColumn(String task, ColumnRef column, LabelRule rule, SampleSpace sampleSpace) {
    public LabelColumn {
        Names.check("task name", task);
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(rule, "rule");
    }

    /** A task defined on every row with a label. */
    public LabelColumn(String task, ColumnRef column, LabelRule rule) {
        this(task, column, rule, null);
    }

    /** A copy defined on the given sample space only. */
    public LabelColumn withSampleSpace(SampleSpace space) {
        return new LabelColumn(task, column, rule, Objects.requireNonNull(space, "space"));
    }
}
