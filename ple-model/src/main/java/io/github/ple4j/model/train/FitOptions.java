package io.github.ple4j.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How {@link io.github.ple4j.model.PleModel#fit(org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator,
 * org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator, FitOptions) fit} runs, beyond what the config's
 * training section says: listeners, checkpoints, resuming, a stop request and the number of epochs.
 *
 * <pre>{@code
 * try (CheckpointDirectory ck = CheckpointDirectory.open(Path.of("run.checkpoints"), 3)) {
 *     FitOptions options = FitOptions.builder()
 *             .listener(new ProgressListener(System.out))
 *             .checkpoints(ck).checkpointEverySteps(1000)
 *             .build();
 *     model.fit(train, valid, options);
 * }
 * }</pre>
 *
 * @param listeners             callbacks, called in order
 * @param checkpoints           where checkpoints are written, or null for none
 * @param checkpointEverySteps  write a checkpoint every N optimisation steps (0: not by steps)
 * @param checkpointEveryEpochs write a checkpoint after every N-th epoch (0: only when the fit completes); the
 *                              fit's last epoch is always checkpointed when checkpoints are on
 * @param resume                continue from the model's saved {@link FitState} (a model loaded from a checkpoint)
 *                              instead of starting at the beginning of its next epoch
 * @param stopRequested         polled after every step; when it answers true the fit writes a checkpoint (if
 *                              checkpoints are on) and returns, {@link TrainingResult#interrupted() interrupted}
 * @param epochs                total epochs to reach (counting those the model has trained already), or null
 *                              for the config's {@code training.epochs}
 */
public record FitOptions(List<TrainingListener> listeners, CheckpointDirectory checkpoints, int checkpointEverySteps,
                         int checkpointEveryEpochs, boolean resume, BooleanSupplier stopRequested, Integer epochs) {
    public FitOptions {
        listeners = List.copyOf(listeners == null ? List.of() : listeners);
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpointEverySteps must be >= 0 but was " + checkpointEverySteps);
        }
        if (checkpointEveryEpochs < 0) {
            throw new IllegalArgumentException("checkpointEveryEpochs must be >= 0 but was " + checkpointEveryEpochs);
        }
        if (epochs != null && epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1 but was " + epochs);
        }
        stopRequested = stopRequested == null ? () -> false : stopRequested;
    }

    /** Listeners only: no checkpoints, no resume. */
    public static FitOptions of(List<TrainingListener> listeners) {
        return new FitOptions(listeners, null, 0, 1, false, null, null);
    }

    /** A builder; every option is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link FitOptions}. */
    public static final class Builder {
        private final List<TrainingListener> listeners = new ArrayList<>();
        private CheckpointDirectory checkpoints;
        private int everySteps;
        private int everyEpochs = 1;
        private boolean resume;
        private BooleanSupplier stop;
        private Integer epochs;

        private Builder() {
        }

        /** Adds a listener. */
        public Builder listener(TrainingListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Writes checkpoints to this directory (after every epoch unless {@link #checkpointEveryEpochs} says otherwise). */
        public Builder checkpoints(CheckpointDirectory directory) {
            this.checkpoints = directory;
            return this;
        }

        /** Also checkpoints every {@code n} optimisation steps (0: off). */
        public Builder checkpointEverySteps(int n) {
            this.everySteps = n;
            return this;
        }

        /** Checkpoints after every {@code n}-th epoch (0: only when the fit completes). Default 1. */
        public Builder checkpointEveryEpochs(int n) {
            this.everyEpochs = n;
            return this;
        }

        /** Continues from the model's saved fit state (see {@link FitOptions#resume()}). */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** A stop request polled after every step (for example raised by a shutdown hook). */
        public Builder stopWhen(BooleanSupplier stopRequested) {
            this.stop = stopRequested;
            return this;
        }

        /** Total epochs to reach, instead of the config's {@code training.epochs}. */
        public Builder epochs(int total) {
            this.epochs = total;
            return this;
        }

        /** The options; validates. */
        public FitOptions build() {
            return new FitOptions(listeners, checkpoints, everySteps, everyEpochs, resume, stop, epochs);
        }
    }
}
