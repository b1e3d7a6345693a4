package io.github.ple4j.model.train;

import java.util.List;

/**
 * The outcome of {@link io.github.ple4j.model.PleModel#fit}.
 *
 * @param epochs        every epoch run, in order
 * @param bestEpoch     epoch with the best monitored metric (the last epoch without early stopping)
 * @param bestValue     its value (NaN without early stopping)
 * @param stoppedEarly  whether training stopped before the configured number of epochs
 * @param restoredBest  whether the parameters of {@code bestEpoch} were restored
 */
public record TrainingResult(List<EpochResult> epochs, int bestEpoch, double bestValue, boolean stoppedEarly,
                             boolean restoredBest) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch run. */
    public EpochResult last() {
        return epochs.get(epochs.size() - 1);
    }
}
