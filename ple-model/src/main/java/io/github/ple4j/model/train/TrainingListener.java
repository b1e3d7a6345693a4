package io.github.ple4j.model.train;

/**
 * Callbacks around the training loop. Methods run on the training thread; keep them quick.
 */
public interface TrainingListener {
    /**
     * Before a fit's first step.
     *
     * @param epoch       the epoch the fit starts in (from 0; a resumed fit may start mid-epoch)
     * @param totalEpochs the epoch count the fit trains up to
     */
    default void onFitStart(int epoch, int totalEpochs) {
    }

    /** Before the first step of an epoch. */
    default void onEpochStart(int epoch) {
    }

    /** After every optimisation step. */
    default void onStep(StepInfo step) {
    }

    /** After an epoch and its validation. */
    default void onEpochEnd(EpochResult epoch) {
    }

    /** After training ends (normally or early). */
    default void onTrainingEnd(TrainingResult result) {
    }
}
