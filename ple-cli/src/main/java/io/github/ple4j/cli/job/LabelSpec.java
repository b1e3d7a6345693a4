package io.github.ple4j.cli.job;

import io.github.ple4j.model.config.TaskType;

import java.util.List;

/**
 * One task's label column.
 *
 * @param task     task name (a letter, then letters, digits, '_' or '-')
 * @param column   the label column's name
 * @param type     BINARY or REGRESSION
 * @param positive BINARY: values read as 1 (default ["1"])
 * @param negative BINARY: values read as 0 (default ["0"]); an empty list makes every non-positive value 0
 * @param sampleSpace the rows the task is defined on (paper Eq. 9), or null for every row with a label
 */
public record LabelSpec(String task, String column, TaskType type, List<String> positive, List<String> negative,
                        SampleSpaceSpec sampleSpace) {
    public LabelSpec {
        Validation.name("task", task);
        Validation.text("column", column);
        if (sampleSpace != null && sampleSpace.column().equals(column)) {
            throw new IllegalArgumentException("sampleSpace.column of task '" + task + "' is its own label column '"
                    + column + "'; name the column that defines where the task exists (e.g. the click column of a "
                    + "conversion task)");
        }
        if (type == null) {
            throw new IllegalArgumentException("type must be BINARY or REGRESSION but was missing");
        }
        if (type == TaskType.REGRESSION) {
            if (positive != null || negative != null) {
                throw new IllegalArgumentException("positive and negative are for BINARY tasks but task '" + task
                        + "' is REGRESSION");
            }
        } else {
            positive = positive == null ? List.of("1") : Validation.texts("positive", positive);
            negative = negative == null ? List.of("0") : Validation.texts("negative", negative);
            if (positive.isEmpty()) {
                throw new IllegalArgumentException("positive must have at least one value but was []");
            }
            for (String v : negative) {
                if (positive.contains(v)) {
                    throw new IllegalArgumentException("the value '" + v + "' is both positive and negative");
                }
            }
        }
    }

    /** A task defined on every row with a label. */
    public LabelSpec(String task, String column, TaskType type, List<String> positive, List<String> negative) {
        this(task, column, type, positive, negative, null);
    }

    /** A copy defined on the given sample space. */
    public LabelSpec withSampleSpace(SampleSpaceSpec space) {
        return new LabelSpec(task, column, type, positive, negative, space);
    }
}
