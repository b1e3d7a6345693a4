package io.github.ple4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.onnx.OnnxExport;
import io.github.ple4j.model.onnx.OnnxOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Inference samples/s of PLE4J ({@link PleModel#predict}) beside ONNX Runtime running the same model exported by
 * {@link PleModel#exportOnnx}, in one JVM on the same batches and thread count. The two are timed in alternating
 * runs (after warming both), so drift of a shared machine hits both; the ratio is PLE4J / ONNX Runtime per run pair.
 * Each model's outputs on the first batch are compared (largest absolute difference, in the JSON). Writes
 * {@code onnx.json} and {@code onnx.md}.
 */
@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = "Inference samples/s of PLE4J beside ONNX Runtime on the exported model (same batches, threads).")
public final class OnnxCommand implements Callable<Integer> {
    @Option(names = "--config", split = ",", defaultValue = "paddle-census,large,ids-1e6,bags",
            description = "Named configs (as throughput's). Default: ${DEFAULT-VALUE}")
    List<String> configs;
    @Option(names = "--batch", split = ",", defaultValue = "256,1024", description = "Batch sizes. Default: ${DEFAULT-VALUE}")
    List<Integer> batchSizes;
    @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up runs of each engine. Default: ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each engine, alternating. Default: ${DEFAULT-VALUE}")
    int runs;
    @Option(names = "--run-seconds", defaultValue = "2.0", description = "Target length of a run. Default: ${DEFAULT-VALUE}")
    double runSeconds;
    @Option(names = "--steps", description = "Fixed steps (batches) per run, overriding --run-seconds")
    Integer steps;
    @Option(names = "--pool", defaultValue = "4", description = "Distinct random batches cycled through. Default: ${DEFAULT-VALUE}")
    int pool;
    @Option(names = "--seed", defaultValue = "" + BenchData.SEED, description = "Seed of the random data. Default: ${DEFAULT-VALUE}")
    long seed;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws IOException, OrtException {
        int threads = report.start();
        ObjectNode json = Provenance.report("onnx");
        ObjectNode prov = Provenance.of(json);
        prov.put("threads", threads);
        prov.put("onnxRuntime", OrtEnvironment.getEnvironment().getVersion());
        prov.put("onnxOpset", OnnxExport.OPSET);
        prov.put("warmupRuns", warmup);
        prov.put("timedRuns", runs);
        prov.put("runSeconds", runSeconds);
        prov.put("pool", pool);
        prov.put("seed", seed);
        prov.put("ple4jStep", "PleModel.predict on INDArrays: forward pass to per-task predictions (detached copies)");
        prov.put("onnxStep", "OrtSession.run on OnnxTensors made once per batch (CPU provider, all graph optimisations, "
                + "intra-op threads = threads, sequential execution); outputs stay in ONNX Runtime's buffers");
        List<String> md = new ArrayList<>();
        md.add("# Inference: PLE4J beside ONNX Runtime (samples/s, median [min, max] of " + runs + " alternating runs; "
                + threads + " thread(s))");
        md.add("");
        md.add("| config | batch | PLE4J samples/s | ONNX Runtime samples/s | PLE4J / ONNX Runtime | max abs diff |");
        md.add("| --- | ---: | ---: | ---: | ---: | ---: |");
        System.out.println(md.get(md.size() - 2));
        System.out.println(md.get(md.size() - 1));
        Path dir = Files.createTempDirectory("ple-bench-onnx");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ArrayNode results = json.putArray("results");
        try {
            for (String name : configs) {
                PleConfig cfg = BenchConfigs.get(name);
                for (int b : batchSizes) {
                    List<MultiDataSet> data = BenchData.batches(cfg, b, pool, seed, BenchData.Ids.UNIFORM);
                    Path file = dir.resolve(name + ".onnx");
                    try (PleModel model = PleModel.create(cfg)) {
                        model.exportOnnx(file, OnnxOptions.defaults());
                        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                            opts.setIntraOpNumThreads(threads);
                            opts.setInterOpNumThreads(1);
                            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                            try (OrtSession session = env.createSession(file.toString(), opts)) {
                                List<Map<String, OnnxTensor>> feeds = feeds(env, model.signature(), data);
                                try {
                                    results.add(measure(name, b, model, session, data, feeds, md));
                                } finally {
                                    feeds.forEach(f -> f.values().forEach(OnnxTensor::close));
                                }
                            }
                        }
                    } finally {
                        Files.deleteIfExists(file);
                        Files.deleteIfExists(dir.resolve(name + ".onnx.data"));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        md.add("");
        md.add("Both engines read the same random batches; PLE4J's arrays and ONNX Runtime's tensors are made before the "
                + "timing. The ratio column is the median over run pairs of PLE4J / ONNX Runtime (above 1: PLE4J faster).");
        List<Path> files = report.write("onnx", json, md);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1));
        return 0;
    }

    private ObjectNode measure(String name, int batch, PleModel model, OrtSession session, List<MultiDataSet> data,
                               List<Map<String, OnnxTensor>> feeds, List<String> md) throws OrtException {
        double diff = maxDifference(model, session, data.get(0), feeds.get(0));
        Consumer<MultiDataSet> ple = d -> model.predict(d.getFeatures());
        Consumer<Map<String, OnnxTensor>> ort = f -> {
            try (OrtSession.Result r = session.run(f)) {
                r.size();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        };
        PhaseTimer warm = new PhaseTimer(warmup, 1, runSeconds, steps, 5, 8192);
        int plePerRun = warm.measure(batch, data, ple).stepsPerRun();
        int ortPerRun = warm.measure(batch, feeds, ort).stepsPerRun();
        double[] pleSpeed = new double[runs];
        double[] ortSpeed = new double[runs];
        double[] ratio = new double[runs];
        for (int r = 0; r < runs; r++) {
            pleSpeed[r] = new PhaseTimer(0, 1, runSeconds, plePerRun, 5, 8192).measure(batch, data, ple)
                    .samplesPerSecond()[0];
            ortSpeed[r] = new PhaseTimer(0, 1, runSeconds, ortPerRun, 5, 8192).measure(batch, feeds, ort)
                    .samplesPerSecond()[0];
            ratio[r] = pleSpeed[r] / ortSpeed[r];
        }
        Summary p = Summary.of(pleSpeed);
        Summary o = Summary.of(ortSpeed);
        Summary q = Summary.of(ratio);
        String line = String.format(Locale.ROOT, "| %s | %d | %s | %s | %.2f [%.2f, %.2f] | %.1e |", name, batch,
                ThroughputCommand.range(p), ThroughputCommand.range(o), q.median(), q.min(), q.max(), diff);
        md.add(line);
        System.out.println(line);
        ObjectNode n = ConfigJson.mapper().createObjectNode();
        n.put("config", name);
        n.put("batchSize", batch);
        n.put("params", model.numParams());
        n.put("maxAbsDifference", diff);
        put(n.putObject("ple4j"), p, pleSpeed, plePerRun);
        put(n.putObject("onnxRuntime"), o, ortSpeed, ortPerRun);
        ObjectNode rr = n.putObject("ratio");
        rr.put("median", q.median());
        rr.put("min", q.min());
        rr.put("max", q.max());
        return n;
    }

    private static void put(ObjectNode o, Summary s, double[] speeds, int stepsPerRun) {
        o.put("stepsPerRun", stepsPerRun);
        ArrayNode a = o.putArray("samplesPerSecondRuns");
        for (double v : speeds) {
            a.add(v);
        }
        ObjectNode m = o.putObject("samplesPerSecond");
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
    }

    /** Largest |PLE4J - ONNX Runtime| over the tasks' outputs on one batch. */
    private static double maxDifference(PleModel model, OrtSession session, MultiDataSet batch, Map<String, OnnxTensor> feed)
            throws OrtException {
        Predictions p = model.predict(batch.getFeatures());
        double worst = 0;
        try (OrtSession.Result r = session.run(feed)) {
            for (String task : model.signature().tasks()) {
                OnnxValue v = r.get(GraphSignature.prediction(task)).orElseThrow();
                FloatBuffer f = ((OnnxTensor) v).getFloatBuffer();
                double[] e = p.asDoubles(task);
                for (int i = 0; i < e.length; i++) {
                    worst = Math.max(worst, Math.abs(e[i] - f.get(i)));
                }
            }
        }
        return worst;
    }

    /** One ONNX Runtime feed per batch, in the model's input names. */
    private static List<Map<String, OnnxTensor>> feeds(OrtEnvironment env, GraphSignature sig, List<MultiDataSet> data)
            throws OrtException {
        List<Map<String, OnnxTensor>> out = new ArrayList<>();
        for (MultiDataSet d : data) {
            Map<String, OnnxTensor> f = new LinkedHashMap<>();
            for (int i = 0; i < sig.featureInputs().size(); i++) {
                String input = sig.featureInputs().get(i);
                INDArray a = d.getFeatures(i);
                f.put(input, input.equals(GraphSignature.DENSE)
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(a.castTo(DataType.FLOAT).dup('c').data().asFloat()),
                        a.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(a.castTo(DataType.INT64).dup('c').data().asLong()),
                        a.shape()));
            }
            out.add(f);
        }
        return out;
    }
}
