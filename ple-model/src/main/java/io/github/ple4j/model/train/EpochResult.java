package io.github.ple4j.model.train;

import io.github.ple4j.model.eval.EvaluationReport;

import java.nio.file.Path;
import java.util.Map;

/**
 * One finished epoch.
 *
 * @param epoch      epoch, from 0
 * @param trainLoss  mean total training loss over the epoch's batches
 * @param taskLoss   mean per-task training loss over the epoch's batches
 * @param validation validation metrics, or null without validation data
 * @param samples    training samples of the epoch trained in this fit call (a resumed epoch counts only the
 *                   batches after the checkpoint)
 * @param seconds    wall time of the epoch in this fit call, validation included
 * @param monitored  value of the early-stopping (or reported) metric; NaN when there is none
 * @param improved   whether the monitored metric improved on the best so far
 * @param checkpoint the checkpoint written at the end of the epoch, or null
 */
public record EpochResult(int epoch, double trainLoss, Map<String, Double> taskLoss, EvaluationReport validation,
                          long samples, double seconds, double monitored, boolean improved, Path checkpoint) {
    /** Training throughput of the epoch. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.NaN;
    }
}
