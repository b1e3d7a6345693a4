package io.github.ple4j.bench;

import java.util.List;
import java.util.function.Consumer;

/**
 * Warm-up and timed runs of one benchmark phase, as {@code throughput} and {@code onnx} measure them; the memory
 * probe watches the whole phase and stops it past the resident-memory limit.
 *
 * @param warmup      untimed warm-up runs
 * @param runs        timed runs
 * @param runSeconds  target length of a run (when {@code steps} is null)
 * @param steps       fixed steps per run, or null
 * @param sampleMillis memory sampling interval
 * @param maxRssMb    resident-memory limit
 */
record PhaseTimer(int warmup, int runs, double runSeconds, Integer steps, long sampleMillis, long maxRssMb) {
    /**
     * Warm-up runs, then timed runs of one phase. A warm-up run lasts {@code --steps} steps, or else at least
     * {@code --run-seconds}; timed runs take {@code --steps}, or else as many steps as the last warm-up run's
     * speed fits into {@code --run-seconds} (at least one).
     */
    <T> ThroughputCommand.PhaseResult measure(int batchSize, List<T> data, Consumer<T> step) {
        try (MemoryProbe probe = MemoryProbe.start(sampleMillis, maxRssMb * 1024 * 1024)) {
            Consumer<T> guarded = d -> {
                if (probe.limitExceeded()) {
                    throw new IllegalStateException("resident memory exceeded --max-rss-mb " + maxRssMb + " MB; stopping");
                }
                step.accept(d);
            };
            int next = 0;
            double rate = Double.NaN;
            for (int w = 0; w < warmup; w++) {
                ThroughputCommand.collectGarbage();
                long t0 = System.nanoTime();
                int n = 0;
                do {
                    guarded.accept(data.get(next++ % data.size()));
                    n++;
                } while (steps != null ? n < steps : System.nanoTime() - t0 < runSeconds * 1e9);
                rate = n / ((System.nanoTime() - t0) / 1e9);
            }
            int perRun = steps != null ? steps : Double.isNaN(rate) ? 1 : Math.max(1, (int) Math.round(runSeconds * rate));
            double[] seconds = new double[runs];
            double[] speed = new double[runs];
            for (int r = 0; r < runs; r++) {
                ThroughputCommand.collectGarbage();
                long t0 = System.nanoTime();
                for (int s = 0; s < perRun; s++) {
                    guarded.accept(data.get(next++ % data.size()));
                }
                seconds[r] = (System.nanoTime() - t0) / 1e9;
                speed[r] = (double) perRun * batchSize / seconds[r];
            }
            return new ThroughputCommand.PhaseResult(perRun, seconds, speed, probe.stop());
        }
    }

}
