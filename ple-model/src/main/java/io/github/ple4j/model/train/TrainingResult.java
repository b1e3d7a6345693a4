package io.github.ple4j.model.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link io.github.ple4j.model.PleModel#fit}.
 *
 * @param epochs        every epoch run, in order
 * @param bestEpoch     epoch with the best monitored metric (the last epoch without early stopping)
 * @param bestValue     its value (NaN without early stopping)
 * @param stoppedEarly  whether training stopped before the configured number of epochs
 * @param restoredBest  whether the parameters of {@code bestEpoch} were restored
 * @param interrupted   whether the fit returned early on a stop request ({@link FitOptions#stopRequested()})
 * @param lastCheckpoint the newest checkpoint file when checkpoints are on, or null
 */
public record TrainingResult(List<EpochResult> epochs, int bestEpoch, double bestValue, boolean stoppedEarly,
                             boolean restoredBest, boolean interrupted, Path lastCheckpoint) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The last epoch run.
     *
     * @throws IllegalStateException when no epoch ran (a resumed fit that had completed, or an interruption
     *                               within the first epoch)
     */
    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch ran in this fit");
        }
        return epochs.get(epochs.size() - 1);
    }
}
