package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.Backend;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Training and inference speed of named configs ({@link BenchConfigs}) at given batch sizes.
 *
 * <p>Per config and batch size, a fresh model is built and a few random batches are drawn once
 * ({@link BenchData}, fixed seed). Training is measured on {@link PleModel#fitBatch} (one full optimisation
 * step: forward, backward, finiteness checks, Adam update), inference on {@link PleModel#predict}. Each phase
 * runs {@code --warmup} untimed runs, then {@code --runs} timed runs of the same number of steps, and reports
 * the median, minimum and maximum samples/s over the runs, the achieved GFLOP/s (from {@link FlopCount}) and
 * the peak memory ({@link MemoryProbe}). The garbage collector runs before every run, outside the timing
 * ({@link #collectGarbage()}), so the memory peaks include at most one run's garbage. Writes
 * {@code throughput.json} and {@code throughput.md}.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Measure training and inference samples/s, GFLOP/s and peak memory of named configs.")
public final class ThroughputCommand implements Callable<Integer> {
    /** Pause after {@link System#gc()} for the deallocator thread. */
    private static final long GC_PAUSE_MILLIS = 50;

    @Option(names = "--config", split = ",", defaultValue = "paddle-census,large",
            description = "Named configs (comma-separated; known: paddle-census, large, tiny, ids-1e5, ids-1e6, ids-1e7, "
                    + "criteo, bags). Default: ${DEFAULT-VALUE}")
    List<String> configs;
    @Option(names = "--batch", split = ",", defaultValue = "256,1024", description = "Batch sizes. Default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes;
    @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up runs per phase. Default: ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per phase. Default: ${DEFAULT-VALUE}")
    int runs;
    @Option(names = "--run-seconds", defaultValue = "2.0",
            description = "Target length of a run; the steps per run are set from the last warm-up run's speed. Default: ${DEFAULT-VALUE}")
    double runSeconds;
    @Option(names = "--steps", description = "Fixed steps (batches) per run, overriding --run-seconds")
    Integer steps;
    @Option(names = "--pool", defaultValue = "4", description = "Distinct random batches cycled through. Default: ${DEFAULT-VALUE}")
    int pool;
    @Option(names = "--ids", defaultValue = "uniform",
            description = "Id distribution of the sparse ID configs: uniform or zipf. Default: ${DEFAULT-VALUE}")
    String ids;
    @Option(names = "--seed", defaultValue = "" + BenchData.SEED, description = "Seed of the random data. Default: ${DEFAULT-VALUE}")
    long seed;
    @Option(names = "--sample-ms", defaultValue = "5", description = "Memory sampling interval in ms. Default: ${DEFAULT-VALUE}")
    long sampleMillis;
    @Option(names = "--max-rss-mb", defaultValue = "8192",
            description = "Stop with an error when the process's resident memory exceeds this. Default: ${DEFAULT-VALUE}")
    long maxRssMb;
    @Option(names = "--profile", description = "After the timed runs of each config and batch size, time every op of "
            + "one more run per phase and report the op kinds that took longest (JSON and Markdown)")
    boolean profile;

    @Mixin
    ReportOptions report;

    /**
     * One timed phase.
     *
     * @param stepsPerRun      batches per timed run
     * @param seconds          duration of every timed run
     * @param samplesPerSecond speed of every timed run
     * @param memory           peak memory over warm-up and timed runs
     */
    record PhaseResult(int stepsPerRun, double[] seconds, double[] samplesPerSecond, MemoryProbe.Peaks memory) {
        Summary speed() {
            return Summary.of(samplesPerSecond);
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        int t = report.start();
        List<PleConfig> resolved = configs.stream().map(BenchConfigs::get).toList();

        ObjectNode json = Provenance.report("throughput");
        ObjectNode prov = Provenance.of(json);
        prov.put("java", System.getProperty("java.version"));
        prov.put("javaVendor", System.getProperty("java.vendor"));
        prov.put("threads", t);
        ArrayNode bs = prov.putArray("batchSizes");
        batchSizes.forEach(bs::add);
        prov.put("warmupRuns", warmup);
        prov.put("timedRuns", runs);
        prov.put("runSeconds", runSeconds);
        if (steps != null) {
            prov.put("stepsPerRun", steps);
        }
        prov.put("pool", pool);
        prov.put("ids", idDistribution().name().toLowerCase(Locale.ROOT));
        prov.put("gcBeforeEachRun", true);
        prov.put("seed", seed);
        prov.put("flopConvention", FlopCount.CONVENTION);
        prov.put("trainStep", "PleModel.fitBatch: forward, backward, finiteness checks and optimiser update");
        prov.put("inferStep", "PleModel.predict: forward pass to per-task predictions");
        ObjectNode backend = prov.putObject("backend");
        Backend.describe().forEach(backend::put);

        List<String> md = new ArrayList<>();
        md.add("# Throughput (samples/s, median [min, max] of " + runs + " runs; " + t + " thread(s))");
        md.add("");
        md.add("Provisional unless the machine was otherwise idle. GFLOP/s from FLOPs per sample: " + FlopCount.CONVENTION + ".");
        md.add("");
        md.add("| config | params | fwd MFLOP/sample | batch | train samples/s | train GFLOP/s | infer samples/s | infer GFLOP/s "
                + "| peak heap MB | peak RSS MB |");
        md.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        System.out.println(md.get(md.size() - 2));
        System.out.println(md.get(md.size() - 1));

        ArrayNode results = json.putArray("results");
        List<String> profileLines = new ArrayList<>();
        for (int c = 0; c < resolved.size(); c++) {
            PleConfig cfg = resolved.get(c);
            FlopCount flops = FlopCount.of(cfg);
            ObjectNode r = results.addObject();
            r.put("config", configs.get(c));
            r.set("configJson", ConfigJson.mapper().valueToTree(cfg));
            ObjectNode f = r.putObject("flopsPerSample");
            f.put("forward", flops.forward());
            f.put("training", flops.training());
            f.put("experts", flops.experts());
            f.put("gates", flops.gates());
            f.put("towers", flops.towers());
            f.put("heads", flops.heads());
            f.put("embeddings", flops.embeddings());
            ArrayNode perBatch = r.putArray("batches");
            for (int b : batchSizes) {
                List<MultiDataSet> data = BenchData.batches(cfg, b, pool, seed, idDistribution());
                PhaseResult train;
                PhaseResult infer;
                long params;
                Map<String, Map<String, long[]>> ops = null;
                long[] profiledNanos = null;
                try (PleModel model = PleModel.create(cfg)) {
                    params = model.numParams();
                    train = measure(b, data, model::fitBatch);
                    infer = measure(b, data, d -> model.predict(d.getFeatures()));
                    if (profile) {
                        model.startProfiling();
                        long t0 = System.nanoTime();
                        for (int s = 0; s < train.stepsPerRun(); s++) {
                            model.fitBatch(data.get(s % data.size()));
                        }
                        long t1 = System.nanoTime();
                        for (int s = 0; s < infer.stepsPerRun(); s++) {
                            model.predict(data.get(s % data.size()).getFeatures());
                        }
                        profiledNanos = new long[]{t1 - t0, System.nanoTime() - t1};
                        ops = model.profile();
                    }
                }
                r.put("params", params);
                ObjectNode row = perBatch.addObject();
                row.put("batchSize", b);
                phaseJson(row.putObject("train"), b, train, flops.training());
                phaseJson(row.putObject("infer"), b, infer, flops.forward());
                Summary ts = train.speed();
                Summary is = infer.speed();
                long heap = Math.max(train.memory().heapUsedPoolPeakBytes(), infer.memory().heapUsedPoolPeakBytes());
                long rss = Math.max(train.memory().rssPeakBytes(), infer.memory().rssPeakBytes());
                String line = String.format(Locale.ROOT, "| %s | %,d | %.3f | %d | %s | %.2f | %s | %.2f | %.0f | %.0f |",
                        configs.get(c), params, flops.forward() / 1e6, b, range(ts), ts.median() * flops.training() / 1e9,
                        range(is), is.median() * flops.forward() / 1e9, heap / 1048576.0, rss / 1048576.0);
                md.add(line);
                System.out.println(line);
                if (ops != null) {
                    ObjectNode op = row.putObject("opProfile");
                    opProfile(op, "train", ops.get("train"), train.stepsPerRun(), profiledNanos[0],
                            "op profile " + configs.get(c) + " batch " + b + " train", profileLines);
                    opProfile(op, "infer", ops.get("predict"), infer.stepsPerRun(), profiledNanos[1],
                            "op profile " + configs.get(c) + " batch " + b + " infer", profileLines);
                }
            }
        }
        if (!profileLines.isEmpty()) {
            md.add("");
            md.addAll(profileLines);
        }
        md.add("");
        md.add("Peak heap: sum of the JVM heap pools' peaks; peak RSS: VmHWM of the process (reset per phase where"
                + " the kernel allows), both the larger of the training and inference phases. Details and native"
                + " (JavaCPP) peaks are in throughput.json.");
        List<Path> files = report.write("throughput", json, md);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1));
        return 0;
    }

    private BenchData.Ids idDistribution() {
        return switch (ids.toLowerCase(Locale.ROOT)) {
            case "uniform" -> BenchData.Ids.UNIFORM;
            case "zipf" -> BenchData.Ids.ZIPF;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--ids must be uniform or zipf but was '" + ids + "'");
        };
    }

    /**
     * The op kinds of one profiled pass, longest first: JSON rows, and the top ten as a Markdown table and on stdout;
     * with the pass's wall time, the time per step spent outside the ops (optimiser, checks, feeding, bookkeeping).
     */
    private static void opProfile(ObjectNode profile, String phase, Map<String, long[]> ops, int steps, long wallNanos,
                                  String title, List<String> md) {
        ArrayNode out = profile.putArray(phase);
        long total = ops.values().stream().mapToLong(v -> v[0]).sum();
        double stepMs = wallNanos / 1e6 / steps;
        double opsMs = total / 1e6 / steps;
        ObjectNode stepNode = profile.putObject(phase + "Step");
        stepNode.put("msPerStep", stepMs);
        stepNode.put("opsMsPerStep", opsMs);
        stepNode.put("outsideOpsShare", 1 - opsMs / stepMs);
        String outside = String.format(Locale.ROOT, "%s: %.3f ms per step, %.3f in ops, %.1f%% outside the ops", title,
                stepMs, opsMs, 100 * (1 - opsMs / stepMs));
        md.add("### " + title + " (ms per step, share of op time)");
        md.add("");
        md.add(outside + ".");
        md.add("");
        System.out.println(outside);
        md.add("| op | ms/step | share | ops/step |");
        md.add("| --- | ---: | ---: | ---: |");
        System.out.println(title + ":");
        int shown = 0;
        for (Map.Entry<String, long[]> e : ops.entrySet()) {
            double ms = e.getValue()[0] / 1e6 / steps;
            double share = total == 0 ? 0 : (double) e.getValue()[0] / total;
            ObjectNode o = out.addObject();
            o.put("op", e.getKey());
            o.put("msPerStep", ms);
            o.put("share", share);
            o.put("opsPerStep", (double) e.getValue()[1] / steps);
            if (shown++ < 10) {
                String l = String.format(Locale.ROOT, "| %s | %.3f | %.1f%% | %.0f |", e.getKey(), ms, 100 * share,
                        (double) e.getValue()[1] / steps);
                md.add(l);
                System.out.println("  " + l);
            }
        }
        md.add("");
    }

    private void validate() {
        if (configs.isEmpty() || batchSizes.isEmpty()) {
            throw new IllegalArgumentException("--config and --batch need at least one value each");
        }
        configs.forEach(BenchConfigs::get);
        for (int b : batchSizes) {
            if (b < 1) {
                throw new IllegalArgumentException("--batch sizes must be >= 1 but one was " + b);
            }
        }
        if (warmup < 0 || runs < 1 || pool < 1 || sampleMillis < 1 || (steps != null && steps < 1) || !(runSeconds > 0)
                || maxRssMb < 1) {
            throw new IllegalArgumentException("need --warmup >= 0, --runs >= 1, --pool >= 1, --sample-ms >= 1, "
                    + "--steps >= 1, --run-seconds > 0 and --max-rss-mb >= 1");
        }
    }

    /** The phase timer of this command's options. */
    PhaseTimer timer() {
        return new PhaseTimer(warmup, runs, runSeconds, steps, sampleMillis, maxRssMb);
    }

    private PhaseResult measure(int batchSize, List<MultiDataSet> data, Consumer<MultiDataSet> step) {
        return timer().measure(batchSize, data, step);
    }

    /**
     * Runs the garbage collector before a run, outside the timing. ND4J frees the native memory of an array
     * only when the JVM collects its Java object; a step leaves hundreds of kilobytes to megabytes of such
     * garbage while its heap footprint is tiny, so without collections between runs native memory grows
     * until the machine runs out (the large config reached 13 GB resident in a few seconds).
     */
    static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(GC_PAUSE_MILLIS);   // let ND4J's deallocator thread release the native buffers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void phaseJson(ObjectNode o, int batchSize, PhaseResult p, long flopsPerSample) {
        o.put("stepsPerRun", p.stepsPerRun());
        ArrayNode runs = o.putArray("runs");
        for (int i = 0; i < p.seconds().length; i++) {
            ObjectNode r = runs.addObject();
            r.put("seconds", p.seconds()[i]);
            r.put("samplesPerSecond", p.samplesPerSecond()[i]);
        }
        Summary s = p.speed();
        summaryJson(o.putObject("samplesPerSecond"), s);
        summaryJson(o.putObject("gflopsPerSecond"), s.scale(flopsPerSample / 1e9));
        o.put("msPerBatchMedian", 1000.0 * batchSize / s.median());
        ObjectNode m = o.putObject("memory");
        MemoryProbe.Peaks k = p.memory();
        m.put("heapUsedPoolPeakBytes", k.heapUsedPoolPeakBytes());
        m.put("heapUsedSampledPeakBytes", k.heapUsedSampledPeakBytes());
        m.put("javacppPhysicalPeakBytes", k.javacppPhysicalPeakBytes());
        m.put("javacppTotalPeakBytes", k.javacppTotalPeakBytes());
        m.put("rssPeakBytes", k.rssPeakBytes());
        m.put("rssPeakReset", k.rssPeakReset());
    }

    private static void summaryJson(ObjectNode o, Summary s) {
        o.put("median", s.median());
        o.put("min", s.min());
        o.put("max", s.max());
    }

    /** "median [min, max]" of samples/s, with thousands separators. */
    static String range(Summary s) {
        return String.format(Locale.ROOT, "%,.0f [%,.0f, %,.0f]", s.median(), s.min(), s.max());
    }
}
