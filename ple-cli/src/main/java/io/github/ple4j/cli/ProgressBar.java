package io.github.ple4j.cli;

import io.github.ple4j.model.train.StepInfo;
import io.github.ple4j.model.train.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on stderr: epoch, batch, a bar, loss, samples/s and the epoch's ETA. On a terminal the line is
 * redrawn in place (at most 5 times a second); otherwise (a log file, a pipe) a plain line is printed every
 * {@code intervalSeconds}.
 */
final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private final double intervalSeconds;
    private final int epochs;
    private final long batchesPerEpoch;
    private long epochStart;
    private long lastDraw;
    private long samples;
    private long batchesThisSession;
    private boolean drawn;
    private double smoothedLoss = Double.NaN;

    ProgressBar(PrintWriter err, boolean terminal, double intervalSeconds, int epochs, long batchesPerEpoch) {
        this.err = err;
        this.terminal = terminal;
        this.intervalSeconds = intervalSeconds;
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    /** An epoch starts (or resumes mid-way: the steps say at which batch). */
    @Override
    public void onEpochStart(int epoch) {
        epochStart = System.nanoTime();
        lastDraw = epochStart;
        samples = 0;
        batchesThisSession = 0;
        smoothedLoss = Double.NaN;
    }

    @Override
    public void onStep(StepInfo s) {
        samples += s.batchSize();
        batchesThisSession++;
        smoothedLoss = Double.isNaN(smoothedLoss) ? s.loss() : 0.9 * smoothedLoss + 0.1 * s.loss();
        long now = System.nanoTime();
        double since = (now - lastDraw) / 1e9;
        if (since < (terminal ? 0.2 : intervalSeconds)) {
            return;
        }
        lastDraw = now;
        draw(s, now);
    }

    private void draw(StepInfo s, long now) {
        double secs = (now - epochStart) / 1e9;
        int done = s.batchInEpoch() + 1;
        double rate = samples / Math.max(secs, 1e-9);
        String eta = "--:--:--";
        if (batchesPerEpoch > 0 && batchesThisSession > 0) {
            double perBatch = secs / batchesThisSession;
            eta = duration(Math.max(0, batchesPerEpoch - done) * perBatch);
        }
        StringBuilder bar = new StringBuilder();
        if (batchesPerEpoch > 0) {
            int filled = (int) Math.min(WIDTH, Math.round((double) WIDTH * done / batchesPerEpoch));
            bar.append('[').append("=".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
        }
        String line = String.format(Locale.ROOT, "epoch %d/%d %sbatch %d/%s loss %.5f %,.0f samples/s ETA %s",
                s.epoch() + 1, epochs, bar, done, batchesPerEpoch > 0 ? String.valueOf(batchesPerEpoch) : "?",
                smoothedLoss, rate, eta);
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Clears a bar drawn in place, before other output. */
    void clear() {
        if (terminal && drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
