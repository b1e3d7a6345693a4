package io.github.ple4j.datavec.schema;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The rows a task is defined on (paper Eq. 9: each task's loss is taken over its own sample space): the rows whose
 * {@code column} holds one of {@code values} (compared after trimming, when the pipeline trims). Conversion, for
 * instance, is defined on clicked rows only: {@code SampleSpace(ColumnRef.name("click"), ["1"])}. Outside the
 * sample space a task's mask is 0 and its label cell is not read.
 *
 * @param column the column that decides (it may be another task's label column, or a feature)
 * @param values the values that put a row in the sample space, at least one
 */
public record SampleSpace(ColumnRef column, List<String> values) {
    public SampleSpace {
        Objects.requireNonNull(column, "column");
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a sample space needs at least one value of column " + column.describe()
                    + " but was given " + (values == null ? "none" : "[]"));
        }
        values = List.copyOf(new LinkedHashSet<>(values));
    }

    /** The rows whose named column holds one of the values. */
    public static SampleSpace of(String column, String... values) {
        return new SampleSpace(ColumnRef.name(column), List.of(values));
    }
}
