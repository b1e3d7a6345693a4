package io.github.ple4j.model.train;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.eval.EvaluationReport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The epoch loop behind every {@code PleModel.fit}: steps over the training batches, validation after every
 * epoch, early stopping with restore-best, checkpoints (by steps and by epochs) and resuming mid-epoch from one,
 * and a stop request that ends the fit at a checkpoint. One loop for library users and the command line.
 *
 * <p>Per epoch: reset the training iterator (and, when resuming, skip the batches the checkpoint had trained
 * on), one {@link Trainer#step} per batch, then validation, the early-stopping decision on the monitored
 * metric (the configured one, or the validation loss when there is validation data but no early stopping), and
 * the epoch counter moves on. Restore-best keeps the best epoch's parameters in memory, or as a file in the
 * checkpoint directory when checkpoints are on (so a resumed run can restore them too).
 */
public final class FitLoop {
    private final PleModel model;
    private final Trainer trainer;
    private final Function<MultiDataSetIterator, EvaluationReport> evaluator;
    private final FitOptions options;
    private final EarlyStopping es;
    private final String monitor;
    private final boolean higher;
    private Map<String, INDArray> bestInMemory;

    /**
     * @param model     the model being trained (saved by checkpoints, its best parameters restored)
     * @param trainer   the model's trainer
     * @param evaluator evaluates the model on an iterator (validation)
     * @param options   listeners, checkpoints, resume, stop request, epochs
     */
    public FitLoop(PleModel model, Trainer trainer, Function<MultiDataSetIterator, EvaluationReport> evaluator,
                   FitOptions options, boolean hasValidation) {
        this.model = model;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.options = options;
        this.es = model.config().training().earlyStopping();
        if (es != null && !hasValidation) {
            throw new IllegalArgumentException("training.earlyStopping is set (metric '" + es.metric()
                    + "') but no validation data was given");
        }
        this.monitor = es != null ? es.metric() : (hasValidation ? "loss" : null);
        this.higher = monitor != null && EvaluationReport.higherIsBetter(monitor);
    }

    /**
     * Runs the fit.
     *
     * @param train training batches; after a reset it must give the same batches in the same order (as every
     *              iterator of this library does, shuffled ones by a seed per epoch) when resuming mid-epoch
     * @param valid validation batches, or null
     * @param state where to start: {@link FitState#start} for a new fit, a checkpoint's state to resume
     * @throws IllegalArgumentException when the training data gives no batch, or ends before the batches a
     *                                  resumed checkpoint had trained on
     * @throws NonFiniteLossException   when a step's loss or gradient is not finite (that step is not applied)
     */
    public TrainingResult run(MultiDataSetIterator train, MultiDataSetIterator valid, FitState state) {
        int totalEpochs = options.epochs() != null ? options.epochs() : model.config().training().epochs();
        List<EpochResult> results = new ArrayList<>();
        Path lastCheckpoint = options.checkpoints() == null ? null : options.checkpoints().newest().orElse(null);
        if (!state.complete() && state.epoch() >= totalEpochs) {
            throw new IllegalStateException("the model has already trained " + state.epoch() + " epoch(s) and "
                    + "the fit is to reach " + totalEpochs + "; ask for more epochs (FitOptions.epochs)");
        }
        boolean interrupted = false;
        int firstEpoch = state.epoch();
        options.listeners().forEach(l -> l.onFitStart(firstEpoch, totalEpochs));
        while (!state.complete()) {
            long start = System.nanoTime();
            int epoch = trainer.epoch();
            options.listeners().forEach(l -> l.onEpochStart(epoch));
            if (train instanceof EpochAware e && train.resetSupported()) {
                e.startEpoch(epoch);
            } else if (train.resetSupported()) {
                train.reset();
            } else if (!results.isEmpty() || state.batchInEpoch() > 0) {
                throw new IllegalArgumentException("the training iterator does not support reset(), so it cannot "
                        + "feed more than one epoch or resume mid-epoch");
            }
            int b = 0;
            for (; b < state.batchInEpoch(); b++) {
                if (!train.hasNext()) {
                    throw new IllegalArgumentException("the training data ended after " + b + " batches but the "
                            + "checkpoint had trained on " + state.batchInEpoch() + " batches of epoch " + (epoch + 1));
                }
                train.next();
            }
            double lossSum = state.lossSum();
            Map<String, Double> taskSum = new LinkedHashMap<>(state.taskLossSum());
            long samples = state.samples();
            long sessionSamples = 0;
            while (train.hasNext()) {
                StepInfo s = trainer.step(train.next(), b);
                b++;
                samples += s.batchSize();
                sessionSamples += s.batchSize();
                lossSum += s.loss();
                s.taskLoss().forEach((k, v) -> taskSum.merge(k, v, Double::sum));
                options.listeners().forEach(l -> l.onStep(s));
                boolean stop = options.stopRequested().getAsBoolean();
                boolean due = options.checkpointEverySteps() > 0 && trainer.step() % options.checkpointEverySteps() == 0;
                if (options.checkpoints() != null && (due || stop)) {
                    state = new FitState(FitState.VERSION, epoch, trainer.step(), b, lossSum, taskSum, samples,
                            state.best(), state.bestEpoch(), state.sinceBest(), state.bestFile(), false, false);
                    lastCheckpoint = options.checkpoints().save(model, state);
                }
                if (stop) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                break;
            }
            if (b == 0) {
                throw new IllegalArgumentException("the training iterator gave no batch in epoch " + (epoch + 1));
            }
            EpochEnd end = endEpoch(state, valid, totalEpochs);
            state = end.state();
            Path written = null;
            if (options.checkpoints() != null && (state.complete()
                    || (options.checkpointEveryEpochs() > 0 && state.epoch() % options.checkpointEveryEpochs() == 0))) {
                written = options.checkpoints().save(model, state);
                lastCheckpoint = written;
            }
            EpochResult r = new EpochResult(epoch, lossSum / b, averages(taskSum, b), end.report(), sessionSamples,
                    (System.nanoTime() - start) / 1e9, end.value(), end.improved(), written);
            results.add(r);
            options.listeners().forEach(l -> l.onEpochEnd(r));
            if (!state.complete() && options.stopRequested().getAsBoolean()) {
                interrupted = true;
                break;
            }
        }
        boolean restored = false;
        if (state.complete()) {
            restored = restoreBest(state);
        }
        releaseSnapshot();
        model.attach(FitState.ATTACHMENT, state.toJson());
        TrainingResult result = new TrainingResult(results, state.bestEpoch() >= 0 ? state.bestEpoch() : trainer.epoch() - 1,
                state.best() == null ? Double.NaN : state.best(), state.stoppedEarly(), restored, interrupted,
                lastCheckpoint);
        options.listeners().forEach(l -> l.onTrainingEnd(result));
        return result;
    }

    /** What the end of an epoch decided: the new state, the validation report, the monitored value. */
    private record EpochEnd(FitState state, EvaluationReport report, double value, boolean improved) {
    }

    /** Validation, the early-stopping decision and the epoch counter at the end of an epoch. */
    private EpochEnd endEpoch(FitState state, MultiDataSetIterator valid, int totalEpochs) {
        EvaluationReport report = null;
        if (valid != null) {
            valid.reset();
            report = evaluator.apply(valid);
        }
        double value = report != null ? report.metric(monitor) : Double.NaN;
        double best = state.best() == null ? Double.NaN : state.best();
        double minDelta = es != null ? es.minDelta() : 0;
        boolean improved = report != null && (Double.isNaN(best)
                || (higher ? value > best + minDelta : value < best - minDelta));
        int epoch = trainer.epoch();
        int bestEpoch = state.bestEpoch();
        int sinceBest = state.sinceBest();
        String bestFile = state.bestFile();
        if (improved) {
            best = value;
            bestEpoch = epoch;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        trainer.completeEpoch();
        if (improved && es != null && es.restoreBest()) {
            if (options.checkpoints() != null) {
                bestFile = options.checkpoints().saveBest(model);
            } else {
                releaseSnapshot();
                bestInMemory = trainer.snapshotParameters();
            }
        }
        boolean last = trainer.epoch() >= totalEpochs;
        boolean stopEarly = es != null && sinceBest >= es.patience() && !last;
        FitState next = new FitState(FitState.VERSION, trainer.epoch(), trainer.step(), 0, 0, Map.of(), 0,
                Double.isNaN(best) ? null : best, bestEpoch, sinceBest, bestFile, last || stopEarly, stopEarly);
        return new EpochEnd(next, report, value, improved);
    }

    /** Puts the best epoch's parameters back when early stopping asks for it and the best was not the last epoch. */
    private boolean restoreBest(FitState state) {
        if (es == null || !es.restoreBest() || state.bestEpoch() < 0 || state.bestEpoch() == trainer.epoch() - 1) {
            return false;
        }
        if (bestInMemory != null) {
            trainer.restoreParameters(bestInMemory);
            return true;
        }
        if (state.bestFile() != null && options.checkpoints() != null) {
            model.restoreParameters(options.checkpoints().dir().resolve(state.bestFile()));
            return true;
        }
        return false;
    }

    private void releaseSnapshot() {
        if (bestInMemory != null) {
            bestInMemory.values().forEach(INDArray::close);
            bestInMemory = null;
        }
    }

    private static Map<String, Double> averages(Map<String, Double> sums, int batches) {
        Map<String, Double> m = new LinkedHashMap<>();
        sums.forEach((k, v) -> m.put(k, v / batches));
        return m;
    }
}
