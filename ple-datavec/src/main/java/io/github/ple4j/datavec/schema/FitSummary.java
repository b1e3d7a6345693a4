package io.github.ple4j.datavec.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What fitting saw.
 *
 * @param rows   training records read
 * @param labels per task, in task order (a task's labelled records are those in its sample space with a label)
 * @param truncatedBags per multi-valued field, the records whose bag was longer than its maxLength (they keep the
 *                      first maxLength values); fields with none are left out
 */
public record FitSummary(long rows, List<LabelStats> labels, Map<String, Long> truncatedBags) {
    public FitSummary {
        labels = List.copyOf(labels);
        truncatedBags = truncatedBags == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(truncatedBags));
    }

    /** A summary without multi-valued fields. */
    public FitSummary(long rows, List<LabelStats> labels) {
        this(rows, labels, Map.of());
    }

    /** The statistics of one task. */
    public LabelStats label(String task) {
        return labels.stream().filter(s -> s.task().equals(task)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no task '" + task + "'; the tasks are "
                        + labels.stream().map(LabelStats::task).toList()));
    }
}
