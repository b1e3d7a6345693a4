package io.github.ple4j.datavec.schema;

/**
 * Label counts of one task over the training data.
 *
 * @param task     task name
 * @param labelled records with a label (mask 1)
 * @param sum      sum of the labels: the number of positives for a binary task
 */
public record LabelStats(String task, long labelled, double sum) {
    /** Mean label over the labelled records: the positive rate of a binary task; NaN when none is labelled. */
    public double mean() {
        return labelled == 0 ? Double.NaN : sum / labelled;
    }
}
