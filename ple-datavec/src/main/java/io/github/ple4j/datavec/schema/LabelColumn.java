package io.github.ple4j.datavec.schema;

import java.util.Objects;

/**
 * One task's label column, before fitting.
 *
 * @param task   task name (as in the model's {@link io.github.ple4j.model.config.TaskSpec})
 * @param column the label column; it is never an input
 * @param rule   how the column's text becomes a label
 */
public record LabelColumn(String task, ColumnRef column, LabelRule rule) {
    public LabelColumn {
        Names.check("task name", task);
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(rule, "rule");
    }
}
