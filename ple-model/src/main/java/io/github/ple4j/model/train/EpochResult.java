package io.github.ple4j.model.train;

import io.github.ple4j.model.eval.EvaluationReport;

import java.util.Map;

/**
 * One finished epoch.
 *
 * @param epoch      epoch, from 0
 * @param trainLoss  mean total training loss over the epoch's batches
 * @param taskLoss   mean per-task training loss over the epoch's batches
 * @param validation validation metrics, or null without validation data
 * @param samples    training samples seen in the epoch
 * @param seconds    wall time of the epoch, validation included
 * @param monitored  value of the early-stopping (or reported) metric; NaN when there is none
 * @param improved   whether the monitored metric improved on the best so far
 */
public record EpochResult(int epoch, double trainLoss, Map<String, Double> taskLoss, EvaluationReport validation,
                          long samples, double seconds, double monitored, boolean improved) {
    /** Training throughput of the epoch. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.NaN;
    }
}
