package io.github.ple4j.model.train;

import java.util.Map;

/**
 * What happened in one optimisation step.
 *
 * @param epoch        epoch, from 0
 * @param step         global step (number of updates before this one), from 0
 * @param batchInEpoch batch index within the epoch, from 0
 * @param batchSize    samples in the batch
 * @param loss         total loss of the batch (before the update)
 * @param taskLoss     masked per-task loss of the batch, in task order
 */
public record StepInfo(int epoch, long step, int batchInEpoch, long batchSize, double loss, Map<String, Double> taskLoss) {
}
