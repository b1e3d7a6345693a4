package io.github.ple4j.datavec.schema;

import java.util.Objects;

/**
 * A resolved task label column.
 *
 * @param name       task name
 * @param column     0-based column index in the record
 * @param columnName the schema's column name, or null
 * @param rule       how the text becomes a label
 */
public record TaskLabel(String name, int column, String columnName, LabelRule rule) {
    public TaskLabel {
        Names.check("task name", name);
        if (column < 0) {
            throw new IllegalArgumentException("task '" + name + "': label column index must be >= 0 but was " + column);
        }
        Objects.requireNonNull(rule, "rule");
    }
}
