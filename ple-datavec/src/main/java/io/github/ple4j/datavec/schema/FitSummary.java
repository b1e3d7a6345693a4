package io.github.ple4j.datavec.schema;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * What fitting saw.
 *
 * @param rows   training records read
 * @param labels per task, in task order
 */
public record FitSummary(long rows, List<LabelStats> labels) {
    public FitSummary {
        labels = List.copyOf(labels);
    }

    /** The statistics of one task. */
    public LabelStats label(String task) {
        return labels.stream().filter(s -> s.task().equals(task)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no task '" + task + "'; the tasks are "
                        + labels.stream().map(LabelStats::task).toList()));
    }
}
