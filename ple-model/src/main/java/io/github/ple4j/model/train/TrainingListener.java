package io.github.ple4j.model.train;

/**
 * Callbacks around the training loop. Methods run on the training thread; keep them quick.
 */
public interface TrainingListener {
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
