package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.Backend;
import io.github.ple4j.model.CpuInfo;
import io.github.ple4j.model.NativeCalibration;
import io.github.ple4j.model.NativeSelection;
import io.github.ple4j.model.SystemBlas;
import io.github.ple4j.model.config.ConfigJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Measures every bundled build of ND4J's CPU natives that this CPU runs, and caches the fastest for
 * {@link NativeSelection} ({@link NativeCalibration}). Each build runs in its own JVM (the natives are chosen when
 * ND4J loads, once per process) on the {@code throughput} benchmark of a few configs, training and inference, in
 * {@code --rounds} alternating rounds so that drift on a shared machine hits every build alike. A build's score is
 * the geometric mean over the measured cells (config x phase) of its speed relative to the fastest build in that
 * cell; the highest score wins. When the system has an OpenBLAS ({@link SystemBlas}), every build is measured again
 * with it in place of the bundled one ({@code <build>+system-blas}). Writes {@code natives.json} and
 * {@code natives.md}; {@code --docs} also writes them to {@code docs/results/native-builds-<cpu kind>.*}.
 */
@Command(name = "natives", mixinStandardHelpOptions = true,
        description = "Measure the bundled native builds this CPU runs and cache the fastest for NativeSelection.")
public final class NativesCommand implements Callable<Integer> {
    @Option(names = "--config", split = ",", defaultValue = "paddle-census,large",
            description = "Configs measured (see throughput). Default: ${DEFAULT-VALUE}")
    List<String> configs;
    @Option(names = "--batch", defaultValue = "256", description = "Batch size. Default: ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--rounds", defaultValue = "2", description = "Alternating rounds over the builds. Default: ${DEFAULT-VALUE}")
    int rounds;
    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per phase and round. Default: ${DEFAULT-VALUE}")
    int runs;
    @Option(names = "--run-seconds", defaultValue = "1.5", description = "Length of a timed run. Default: ${DEFAULT-VALUE}")
    double runSeconds;
    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed warm-up runs per phase (training needs about 2 s before the JIT is done). Default: ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--no-cache", description = "Report only; do not save the result for NativeSelection")
    boolean noCache;
    @Option(names = "--docs", description = "Also write docs/results/native-builds-<cpu kind>.{json,md} (run from the repository root)")
    boolean docs;

    @Mixin
    ReportOptions report;

    /** One build's measured speeds: cell name ("large train") to the median samples/s of every round. */
    record Measured(String build, Map<String, List<Double>> cells) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (rounds < 1 || runs < 1 || batch < 1 || warmup < 0 || !(runSeconds > 0)) {
            throw new IllegalArgumentException("--rounds, --runs and --batch must be >= 1, --warmup >= 0 and --run-seconds > 0");
        }
        configs.forEach(BenchConfigs::get);                 // unknown names fail here, before any child JVM
        List<String> builds = NativeSelection.runnableBuilds();
        int threads = report.threads != null ? report.threads : Backend.threadsFromEnvironment(1);
        CpuInfo cpu = CpuInfo.current();
        System.out.println("cpu: " + cpu);
        if (builds.size() < 2) {
            System.out.println("natives: only the generic build runs here (or is on the class path); nothing to measure");
            return 0;
        }
        System.out.println("builds: " + String.join(", ", builds.stream().map(NativeCalibration::label).toList()));
        Path dir = report.directory();
        Map<String, Measured> measured = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (String c : configs) {
                for (String b : builds) {
                    if (failed.contains(b)) {
                        continue;
                    }
                    Path out = dir.resolve("natives-runs").resolve(NativeCalibration.label(b) + "-" + c + "-r" + r);
                    double[] speeds = runChild(b, c, threads, out);
                    if (speeds == null) {
                        failed.add(b);
                        continue;
                    }
                    Measured m = measured.computeIfAbsent(b, k -> new Measured(k, new LinkedHashMap<>()));
                    m.cells().computeIfAbsent(c + " train", k -> new ArrayList<>()).add(speeds[0]);
                    m.cells().computeIfAbsent(c + " infer", k -> new ArrayList<>()).add(speeds[1]);
                    System.out.printf(Locale.ROOT, "round %d  %-14s %-16s train %,10.0f  infer %,10.0f samples/s%n", r, c,
                            NativeCalibration.label(b), speeds[0], speeds[1]);
                }
            }
        }
        if (measured.isEmpty()) {
            throw new IllegalStateException("no native build could be measured; see the logs in " + dir.resolve("natives-runs"));
        }
        Map<String, Double> scores = scores(new ArrayList<>(measured.values()));
        String best = best(scores);
        String key = NativeSelection.machineKey();
        ObjectNode json = json(cpu, threads, builds, measured, scores, best, failed);
        List<String> md = markdown(cpu, threads, measured, scores, best, failed);
        report.write("natives", json, md);
        if (docs) {
            Path results = Path.of("docs", "results");
            if (!Files.isDirectory(results)) {
                throw new IllegalArgumentException("--docs: no directory docs/results here; run from the repository root");
            }
            String kind = cpu.flags().contains("avx512f") ? "avx512" : cpu.flags().contains("avx2") ? "avx2" : "x86-64";
            ConfigJson.mapper().writeValue(results.resolve("native-builds-" + kind + ".json").toFile(), json);
            Files.writeString(results.resolve("native-builds-" + kind + ".md"), String.join("\n", md) + "\n");
        }
        System.out.println("fastest here: " + NativeCalibration.label(best));
        if (!noCache) {
            Path f = new NativeCalibration(key, best, Instant.now(), scores).save(NativeCalibration.cacheDir());
            System.out.println("saved for NativeSelection: " + f);
        }
        return 0;
    }

    /** Runs the throughput benchmark in a JVM pinned to one build; {train, infer} samples/s, or null when it failed. */
    private double[] runChild(String build, String config, int threads, Path out) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean systemBlas = SystemBlas.marks(build);
        String extension = SystemBlas.extension(build);
        List<String> cmd = List.of(java.toString(), "-D" + NativeSelection.EXTENSION_PROPERTY + "=" + extension,
                "-D" + SystemBlas.PROPERTY + "=" + (systemBlas ? "system" : "bundled"), "-cp",
                System.getProperty("java.class.path"), PleBench.class.getName(), "throughput",
                "--config", config, "--batch", Integer.toString(batch), "--threads", Integer.toString(threads),
                "--runs", Integer.toString(runs), "--warmup", Integer.toString(warmup), "--run-seconds", Double.toString(runSeconds),
                "--out", out.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile());
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        int code = pb.start().waitFor();
        Path result = out.resolve("throughput.json");
        if (code != 0 || !Files.isRegularFile(result)) {
            System.out.println("build " + NativeCalibration.label(build) + " failed (exit code " + code + "), left out; log: "
                    + out.resolve("log.txt"));
            return null;
        }
        JsonNode root = ConfigJson.mapper().readTree(result.toFile());
        String jar = root.path("provenance").path("backend").path("nativeJar").asText("");
        String expected = "linux-x86_64" + extension + ".jar";
        if (!jar.endsWith(expected)) {
            throw new IllegalStateException("the JVM pinned to build '" + NativeCalibration.label(build) + "' loaded "
                    + (jar.isEmpty() ? "an unknown jar" : jar) + " (expected one ending in " + expected + ")");
        }
        String blas = root.path("provenance").path("backend").path("blasLibrary").asText("");
        String system = SystemBlas.find().map(SystemBlas::resolved).orElse("?");
        if (blas.contains(system) != systemBlas) {
            throw new IllegalStateException("the JVM of build '" + NativeCalibration.label(build) + "' mapped the OpenBLAS "
                    + blas + " (expected " + (systemBlas ? "" : "not ") + "the system's " + system + ")");
        }
        JsonNode b = root.path("results").path(0).path("batches").path(0);
        return new double[]{b.path("train").path("samplesPerSecond").path("median").asDouble(),
                b.path("infer").path("samplesPerSecond").path("median").asDouble()};
    }

    /**
     * Every build's score: the geometric mean over cells of its median speed divided by the fastest build's median
     * in that cell. Cells some build lacks (it failed) are scored over the builds that have them.
     */
    static Map<String, Double> scores(List<Measured> measured) {
        Map<String, Double> best = new LinkedHashMap<>();
        for (Measured m : measured) {
            m.cells().forEach((cell, v) -> best.merge(cell, median(v), Math::max));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Measured m : measured) {
            double logSum = 0;
            for (Map.Entry<String, List<Double>> e : m.cells().entrySet()) {
                logSum += Math.log(median(e.getValue()) / best.get(e.getKey()));
            }
            scores.put(m.build(), m.cells().isEmpty() ? 0 : Math.exp(logSum / m.cells().size()));
        }
        return scores;
    }

    /** The build with the highest score (the first listed on a tie). */
    static String best(Map<String, Double> scores) {
        String best = null;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            if (best == null || e.getValue() > scores.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private static double median(List<Double> v) {
        return Summary.of(v.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    private ObjectNode json(CpuInfo cpu, int threads, List<String> builds, Map<String, Measured> measured,
                            Map<String, Double> scores, String best, List<String> failed) {
        ObjectNode json = Provenance.report("natives");
        ObjectNode prov = Provenance.of(json);
        prov.put("threads", threads);
        prov.put("batch", batch);
        prov.put("rounds", rounds);
        prov.put("runsPerRound", runs);
        prov.put("warmupRuns", warmup);
        prov.put("runSeconds", runSeconds);
        configs.forEach(prov.putArray("configs")::add);
        ArrayNode names = prov.putArray("builds");
        builds.forEach(b -> names.add(NativeCalibration.label(b)));
        prov.put("machineKey", NativeCalibration.machineKey(cpu, builds));
        prov.put("score", "geometric mean over cells (config x phase) of median samples/s / fastest build's median");
        ArrayNode rows = json.putArray("builds");
        for (Measured m : measured.values()) {
            ObjectNode row = rows.addObject();
            row.put("build", NativeCalibration.label(m.build()));
            row.put("score", scores.get(m.build()));
            ObjectNode cells = row.putObject("samplesPerSecond");
            m.cells().forEach((cell, v) -> {
                ObjectNode c = cells.putObject(cell);
                c.put("median", median(v));
                v.forEach(c.putArray("rounds")::add);
            });
        }
        ArrayNode failures = json.putArray("failed");
        failed.forEach(f -> failures.add(NativeCalibration.label(f)));
        json.put("fastest", NativeCalibration.label(best));
        return json;
    }

    private List<String> markdown(CpuInfo cpu, int threads, Map<String, Measured> measured, Map<String, Double> scores,
                                  String best, List<String> failed) {
        List<String> md = new ArrayList<>();
        md.add("# Native builds on " + cpu + ", samples/s (median of " + rounds + " alternating rounds)");
        md.add("");
        md.add("`ple-bench natives`: each build in its own JVM, `throughput` at batch " + batch + ", " + threads
                + " thread(s), " + warmup + " warm-up and " + runs + " timed runs of " + runSeconds
                + " s per phase and round. Score: geometric mean over the cells"
                + " of the build's speed relative to the fastest build in that cell."
                + SystemBlas.find().map(d -> " `+system-blas`: the build with the system's OpenBLAS ("
                + SystemBlas.resolved(d) + ") in place of the bundled 0.3.19.").orElse(""));
        md.add("");
        List<String> cells = new ArrayList<>(measured.values().iterator().next().cells().keySet());
        StringBuilder head = new StringBuilder("| build |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (String c : cells) {
            head.append(' ').append(c).append(" |");
            rule.append(" ---: |");
        }
        md.add(head + " score |");
        md.add(rule + " ---: |");
        for (Measured m : measured.values()) {
            StringBuilder row = new StringBuilder("| " + NativeCalibration.label(m.build()) + " |");
            for (String c : cells) {
                List<Double> v = m.cells().get(c);
                row.append(v == null ? " - |" : String.format(Locale.ROOT, " %,.0f |", median(v)));
            }
            md.add(row + String.format(Locale.ROOT, " %.3f |", scores.get(m.build())));
        }
        md.add("");
        md.add("Fastest: **" + NativeCalibration.label(best) + "**." + (failed.isEmpty() ? ""
                : " Failed to run (left out): " + String.join(", ", failed.stream().map(NativeCalibration::label).toList()) + "."));
        return md;
    }
}
