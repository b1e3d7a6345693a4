package io.github.ple4j.cli.job;

import java.util.List;

/**
 * The rows a task is defined on (paper Eq. 9): those whose {@code column} holds one of {@code values}. A
 * conversion task defined on clicked rows: {@code {"column": "click", "values": ["1"]}}. Outside it the task's
 * label is not read and the row is left out of the task's loss and metrics.
 *
 * @param column the deciding column (another task's label column, or any other column of the file)
 * @param values the values that put a row in the sample space, at least one
 */
public record SampleSpaceSpec(String column, List<String> values) {
    public SampleSpaceSpec {
        Validation.text("sampleSpace.column", column);
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("sampleSpace.values must list at least one value of column '" + column
                    + "' but was " + (values == null ? "missing" : "[]"));
        }
        values = Validation.texts("sampleSpace.values", values);
    }
}
