package io.github.ple4j.model.train;

import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.TaskMetrics;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints training progress: every few seconds a line with epoch, batch, loss, per-task loss, samples/s and the
 * epoch's ETA (known from the second epoch on, when the number of batches is known), and one line per epoch with
 * the validation metrics.
 *
 * <pre>{@code model.fit(train, valid, new ProgressListener(System.out).everySeconds(30));}</pre>
 */
public final class ProgressListener implements TrainingListener {
    /** Seconds between step lines unless {@link #everySeconds} says otherwise. */
    public static final double DEFAULT_INTERVAL_SECONDS = 10;
    private final PrintStream out;
    private final double intervalSeconds;
    private int epochs;
    private long epochStartNanos;
    private long lastPrintNanos;
    private long samplesInEpoch;
    private int batchesPerEpoch = -1;
    private int batchesSeen;

    /** Prints to {@code out}, a step line every {@value #DEFAULT_INTERVAL_SECONDS} seconds. */
    public ProgressListener(PrintStream out) {
        this(out, DEFAULT_INTERVAL_SECONDS);
    }

    private ProgressListener(PrintStream out, double intervalSeconds) {
        if (!(intervalSeconds >= 0) || Double.isInfinite(intervalSeconds)) {
            throw new IllegalArgumentException("intervalSeconds must be a finite number >= 0 but was " + intervalSeconds);
        }
        this.out = java.util.Objects.requireNonNull(out, "out");
        this.intervalSeconds = intervalSeconds;
    }

    /** A listener printing a step line every {@code seconds} seconds (0: every step). */
    public ProgressListener everySeconds(double seconds) {
        return new ProgressListener(out, seconds);
    }

    @Override
    public void onFitStart(int epoch, int totalEpochs) {
        epochs = totalEpochs;
    }

    @Override
    public void onEpochStart(int epoch) {
        epochStartNanos = System.nanoTime();
        lastPrintNanos = epochStartNanos;
        samplesInEpoch = 0;
        batchesSeen = 0;
    }

    @Override
    public void onStep(StepInfo s) {
        samplesInEpoch += s.batchSize();
        batchesSeen = s.batchInEpoch() + 1;
        long now = System.nanoTime();
        if ((now - lastPrintNanos) / 1e9 < intervalSeconds) {
            return;
        }
        lastPrintNanos = now;
        double secs = (now - epochStartNanos) / 1e9;
        double rate = samplesInEpoch / Math.max(secs, 1e-9);
        String eta = "?";
        if (batchesPerEpoch > 0) {
            double perBatch = secs / batchesSeen;
            eta = duration(Math.max(0, batchesPerEpoch - batchesSeen) * perBatch);
        }
        out.printf(Locale.ROOT, "epoch %d/%d batch %d%s loss %.5f %s %,.0f samples/s ETA %s%n", s.epoch() + 1, epochs,
                batchesSeen, batchesPerEpoch > 0 ? "/" + batchesPerEpoch : "", s.loss(), tasks(s.taskLoss()), rate, eta);
    }

    @Override
    public void onEpochEnd(EpochResult e) {
        batchesPerEpoch = batchesSeen;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d done in %s: train loss %.5f %s, %,.0f samples/s",
                e.epoch() + 1, epochs, duration(e.seconds()), e.trainLoss(), tasks(e.taskLoss()), e.samplesPerSecond()));
        EvaluationReport v = e.validation();
        if (v != null) {
            sb.append(String.format(Locale.ROOT, "; validation loss %.5f", v.loss()));
            for (TaskMetrics m : v.tasks().values()) {
                sb.append(m.type() == TaskType.BINARY
                        ? String.format(Locale.ROOT, " %s auc %.4f", m.task(), m.auc())
                        : String.format(Locale.ROOT, " %s mse %.5g", m.task(), m.mse()));
            }
        }
        if (e.improved()) {
            sb.append(" (best)");
        }
        out.println(sb);
    }

    @Override
    public void onTrainingEnd(TrainingResult r) {
        out.printf(Locale.ROOT, "training ended after %d epoch(s)%s; best epoch %d%s%n", r.epochs().size(),
                r.stoppedEarly() ? " (early stop)" : "", r.bestEpoch() + 1, r.restoredBest() ? " (restored)" : "");
    }

    private static String tasks(Map<String, Double> losses) {
        StringBuilder sb = new StringBuilder("[");
        losses.forEach((k, v) -> sb.append(sb.length() > 1 ? " " : "").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return sb.append(']').toString();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
