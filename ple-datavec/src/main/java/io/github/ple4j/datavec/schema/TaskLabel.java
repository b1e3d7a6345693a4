package io.github.ple4j.datavec.schema;

import java.util.List;
import java.util.Objects;

/**
 * A resolved task label column.
 *
 * @param name        task name
 * @param column      0-based column index in the record
 * @param columnName  the schema's column name, or null
 * @param rule        how the text becomes a label
 * @param sampleSpace the rows the task is defined on, or null for every row with a label
 */
public record TaskLabel(String name, int column, String columnName, LabelRule rule, Space sampleSpace) {
    /**
     * A resolved {@link SampleSpace}.
     *
     * @param column     0-based index of the deciding column
     * @param columnName its schema name, or null
     * @param values     the values that put a row in the sample space
     */
    public record Space(int column, String columnName, List<String> values) {
        public Space {
            if (column < 0) {
                throw new IllegalArgumentException("sample space column index must be >= 0 but was " + column);
            }
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("a sample space needs at least one value but has none");
            }
            values = List.copyOf(values);
        }
    }

    public TaskLabel {
        Names.check("task name", name);
        if (column < 0) {
            throw new IllegalArgumentException("task '" + name + "': label column index must be >= 0 but was " + column);
        }
        Objects.requireNonNull(rule, "rule");
        if (sampleSpace != null && sampleSpace.column() == column) {
            throw new IllegalArgumentException("task '" + name + "': the sample space is decided by the task's own label "
                    + "column " + Columns.label(column, columnName) + "; name another column");
        }
    }

    /** A task defined on every row with a label. */
    public TaskLabel(String name, int column, String columnName, LabelRule rule) {
        this(name, column, columnName, rule, null);
    }
}
