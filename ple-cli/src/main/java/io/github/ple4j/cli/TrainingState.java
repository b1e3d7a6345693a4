package io.github.ple4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@code ple train} run is, stored with every checkpoint (attachment {@code "training-state"}) so that a
 * resumed run continues exactly: the position in the data (epoch and batch within the epoch; the data are read in
 * file order, so skipping the consumed batches gives the same batches), the running sums of the current epoch,
 * the early-stopping bookkeeping and a fingerprint of the training file. The model's own counters (epoch, step,
 * optimiser step) and optimiser state are in the bundle itself.
 *
 * @param version       layout version of this record
 * @param epoch         epochs completed
 * @param step          optimisation steps done
 * @param batchInEpoch  batches of the current epoch already trained on
 * @param lossSum       sum of the batch losses of the current epoch so far
 * @param taskLossSum   per-task sums of the batch losses of the current epoch so far
 * @param samples       training samples of the current epoch so far
 * @param best          best value of the monitored validation metric so far, or null
 * @param bestEpoch     epoch of {@code best} (from 0), or -1
 * @param sinceBest     completed epochs since the best one
 * @param bestFile      checkpoint-directory file holding the parameters of the best epoch (early stopping with
 *                      restoreBest), or null
 * @param complete      whether training has finished (all epochs, or stopped early)
 * @param stoppedEarly  whether it finished by early stopping
 * @param trainFile     fingerprint of the training file: its size and SHA-256
 * @param validFile     fingerprint of the validation file, or null without one (validation decides early stopping)
 */
public record TrainingState(int version, int epoch, long step, int batchInEpoch, double lossSum,
                            Map<String, Double> taskLossSum, long samples, Double best, int bestEpoch, int sinceBest,
                            String bestFile, boolean complete, boolean stoppedEarly, String trainFile,
                            String validFile) {
    /** The layout version written. */
    public static final int VERSION = 1;

    public TrainingState {
        taskLossSum = taskLossSum == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskLossSum));
    }

    /** The state before the first step. */
    static TrainingState start(String trainFile, String validFile) {
        return new TrainingState(VERSION, 0, 0, 0, 0, Map.of(), 0, null, -1, 0, null, false, false, trainFile, validFile);
    }
}
