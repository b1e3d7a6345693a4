package io.github.ple4j.model.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ple4j.model.config.ConfigJson;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@link io.github.ple4j.model.PleModel#fit fit} is, saved with every checkpoint (attachment
 * {@value #ATTACHMENT}) so that a resumed fit continues exactly: the position in the data (the epoch and the
 * batches of it already trained on; the training iterator gives the same batches in the same order after a
 * reset, so skipping the consumed ones gives the same batches), the running sums of the current epoch and the
 * early-stopping bookkeeping. The model's own counters and optimiser state are in the bundle itself.
 *
 * @param version      layout version of this record ({@link #VERSION})
 * @param epoch        epochs completed
 * @param step         optimisation steps done
 * @param batchInEpoch batches of the current epoch already trained on
 * @param lossSum      sum of the batch losses of the current epoch so far
 * @param taskLossSum  per-task sums of the batch losses of the current epoch so far
 * @param samples      training samples of the current epoch so far
 * @param best         best value of the monitored validation metric so far, or null
 * @param bestEpoch    epoch of {@code best} (from 0), or -1
 * @param sinceBest    completed epochs since the best one
 * @param bestFile     file name, in the checkpoint directory, of the parameters of the best epoch (early stopping
 *                     with restoreBest), or null
 * @param complete     whether the fit has finished (all epochs, or stopped early)
 * @param stoppedEarly whether it finished by early stopping
 */
public record FitState(int version, int epoch, long step, int batchInEpoch, double lossSum,
                       Map<String, Double> taskLossSum, long samples, Double best, int bestEpoch, int sinceBest,
                       String bestFile, boolean complete, boolean stoppedEarly) {
    /** The layout version written. */
    public static final int VERSION = 1;
    /** Name of the bundle attachment holding the state. */
    public static final String ATTACHMENT = "fit-state";

    public FitState {
        taskLossSum = taskLossSum == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(taskLossSum));
    }

    /** The state of a fit that starts at the beginning of epoch {@code epoch} after {@code step} steps. */
    public static FitState start(int epoch, long step) {
        return new FitState(VERSION, epoch, step, 0, 0, Map.of(), 0, null, -1, 0, null, false, false);
    }

    /** This state as JSON. */
    public String toJson() {
        try {
            return ConfigJson.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the fit state as JSON", e);
        }
    }

    /**
     * Reads a state written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when the JSON is not a fit state of version {@link #VERSION}
     */
    public static FitState fromJson(String json) {
        FitState s;
        try {
            s = ConfigJson.mapper().readValue(json, FitState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable fit state: " + e.getOriginalMessage(), e);
        }
        if (s == null || s.version() != VERSION) {
            throw new IllegalArgumentException("unsupported fit-state version "
                    + (s == null ? "null" : String.valueOf(s.version())) + "; this library reads version " + VERSION);
        }
        return s;
    }
}
