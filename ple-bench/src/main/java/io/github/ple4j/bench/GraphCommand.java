package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.dl4j.PleLayerImpl;
import io.github.ple4j.dl4j.WeightMapping;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.infer.Predictions;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Training and inference samples/s of the DL4J ComputationGraph path (ple-dl4j, which ParallelWrapper and Spark
 * train: one graph per worker) beside {@link PleModel} on the same config, weights and batches, in one JVM. Three
 * engines are timed in alternating runs: {@code PleModel.fitBatch} / {@code predict}, {@code ComputationGraph.fit}
 * / {@code output} with the PLE layer on PLE4J's execution plan (the default), and the same with SameDiff's own
 * session ({@code -Dple4j.dl4j.plan=false}). The ratio is graph / PleModel per run pair. Writes {@code graph.json}
 * and {@code graph.md}.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "ComputationGraph (ple-dl4j) samples/s beside PleModel's on the same config, weights and batches.")
public final class GraphCommand implements Callable<Integer> {
    /** The engines, in the order they are timed within a round. */
    enum Engine {
        PLE_MODEL("PleModel"), GRAPH_PLAN("ComputationGraph, plan"), GRAPH_SESSION("ComputationGraph, SameDiff session");

        final String label;

        Engine(String label) {
            this.label = label;
        }
    }

    @Option(names = "--config", split = ",", defaultValue = "paddle-census,large",
            description = "Named configs (as throughput's; dense or single-valued ids up to 100,000). Default: ${DEFAULT-VALUE}")
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
    @Option(names = "--no-session", description = "Leave out the SameDiff-session engine (slow on large configs)")
    boolean noSession;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws IOException {
        if (warmup < 0 || runs < 1 || pool < 1 || !(runSeconds > 0) || (steps != null && steps < 1)
                || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("need --warmup >= 0, --runs >= 1, --pool >= 1, --run-seconds > 0, "
                    + "--steps >= 1 and --batch sizes >= 1");
        }
        configs.forEach(BenchConfigs::get);
        int threads = report.start();
        ObjectNode json = Provenance.report("graph");
        ObjectNode prov = Provenance.of(json);
        prov.put("threads", threads);
        prov.put("warmupRuns", warmup);
        prov.put("timedRuns", runs);
        prov.put("runSeconds", runSeconds);
        prov.put("pool", pool);
        prov.put("seed", seed);
        prov.put("pleModelTrainStep", "PleModel.fitBatch: forward, backward, finiteness checks, optimiser update");
        prov.put("graphTrainStep", "ComputationGraph.fit(MultiDataSet): DL4J's forward, loss layers, backward, updater");
        prov.put("inferStep", "PleModel.predict / ComputationGraph.output on the same features");
        List<Engine> engines = new ArrayList<>(List.of(Engine.values()));
        if (noSession) {
            engines.remove(Engine.GRAPH_SESSION);
        }
        List<String> md = new ArrayList<>();
        md.add("# ComputationGraph beside PleModel (samples/s, median [min, max] of " + runs + " alternating runs; "
                + threads + " thread(s))");
        md.add("");
        md.add("| config | batch | phase | " + String.join(" | ", engines.stream().map(e -> e.label).toList())
                + " | graph (plan) / PleModel |" + (noSession ? "" : " graph (session) / PleModel |"));
        md.add("| --- | ---: | --- |" + " ---: |".repeat(engines.size() + (noSession ? 1 : 2)));
        System.out.println(md.get(md.size() - 2));
        System.out.println(md.get(md.size() - 1));
        ArrayNode results = json.putArray("results");
        String before = System.getProperty(PleLayerImpl.PLAN_PROPERTY);
        try {
            for (String name : configs) {
                PleConfig cfg = BenchConfigs.get(name);
                for (int b : batchSizes) {
                    List<org.nd4j.linalg.dataset.api.MultiDataSet> data = BenchData.batches(cfg, b, pool, seed,
                            BenchData.Ids.UNIFORM);
                    List<org.nd4j.linalg.dataset.api.MultiDataSet> graphData = graphBatches(cfg, data);
                    try (PleModel model = PleModel.create(cfg)) {
                        ComputationGraph cg = WeightMapping.toComputationGraph(model);
                        try {
                            ObjectNode row = results.addObject();
                            row.put("config", name);
                            row.set("configJson", ConfigJson.mapper().valueToTree(cfg));
                            row.put("batchSize", b);
                            row.put("params", model.numParams());
                            row.put("maxAbsDifferenceFresh", maxDifference(model, cg, data.get(0), graphData.get(0)));
                            Map<Engine, Consumer<Integer>> train = new LinkedHashMap<>();
                            train.put(Engine.PLE_MODEL, i -> model.fitBatch(data.get(i)));
                            train.put(Engine.GRAPH_PLAN, i -> cg.fit(graphData.get(i)));
                            train.put(Engine.GRAPH_SESSION, i -> cg.fit(graphData.get(i)));
                            Map<Engine, Consumer<Integer>> infer = new LinkedHashMap<>();
                            infer.put(Engine.PLE_MODEL, i -> model.predict(data.get(i).getFeatures()));
                            infer.put(Engine.GRAPH_PLAN, i -> cg.output(graphData.get(i).getFeatures()));
                            infer.put(Engine.GRAPH_SESSION, i -> cg.output(graphData.get(i).getFeatures()));
                            phase(row.putObject("train"), name, b, "train", engines, train, md);
                            phase(row.putObject("infer"), name, b, "infer", engines, infer, md);
                        } finally {
                            cg.getLayer(io.github.ple4j.dl4j.PleComputationGraph.NETWORK).close();
                            cg.close();
                        }
                    }
                }
            }
        } finally {
            setPlan(before);
        }
        md.add("");
        md.add("Same config, initial weights (maxAbsDifferenceFresh in the JSON: predictions before training) and batches "
                + "for every engine; each engine trains its own copy. The ratios are medians over rounds of graph / PleModel "
                + "(1.0 = as fast as PleModel). ParallelWrapper and Spark run one such graph per worker.");
        List<Path> files = report.write("graph", json, md);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1));
        return 0;
    }

    private void phase(ObjectNode out, String name, int batch, String phase, List<Engine> engines,
                       Map<Engine, Consumer<Integer>> step, List<String> md) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < pool; i++) {
            indices.add(i);
        }
        Map<Engine, Integer> perRun = new LinkedHashMap<>();
        for (Engine e : engines) {
            setPlan(e);
            perRun.put(e, new PhaseTimer(warmup, 1, runSeconds, steps, 5, 16384).measure(batch, indices, step.get(e))
                    .stepsPerRun());
        }
        Map<Engine, double[]> speed = new LinkedHashMap<>();
        engines.forEach(e -> speed.put(e, new double[runs]));
        for (int r = 0; r < runs; r++) {
            for (Engine e : engines) {
                setPlan(e);
                speed.get(e)[r] = new PhaseTimer(0, 1, runSeconds, perRun.get(e), 5, 16384)
                        .measure(batch, indices, step.get(e)).samplesPerSecond()[0];
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", name, batch, phase));
        for (Engine e : engines) {
            Summary s = Summary.of(speed.get(e));
            line.append(' ').append(ThroughputCommand.range(s)).append(" |");
            ObjectNode o = out.putObject(e.name().toLowerCase(Locale.ROOT));
            o.put("engine", e.label);
            o.put("stepsPerRun", perRun.get(e));
            ArrayNode a = o.putArray("samplesPerSecondRuns");
            for (double v : speed.get(e)) {
                a.add(v);
            }
            o.put("samplesPerSecondMedian", s.median());
        }
        for (Engine e : engines) {
            if (e == Engine.PLE_MODEL) {
                continue;
            }
            double[] ratio = new double[runs];
            for (int r = 0; r < runs; r++) {
                ratio[r] = speed.get(e)[r] / speed.get(Engine.PLE_MODEL)[r];
            }
            Summary q = Summary.of(ratio);
            out.put(e == Engine.GRAPH_PLAN ? "planOverPleModel" : "sessionOverPleModel", q.median());
            line.append(String.format(Locale.ROOT, " %.2f [%.2f, %.2f] |", q.median(), q.min(), q.max()));
        }
        md.add(line.toString());
        System.out.println(line);
    }

    private static void setPlan(Engine e) {
        setPlan(e == Engine.GRAPH_SESSION ? "false" : "true");
    }

    private static void setPlan(String value) {
        if (value == null) {
            System.clearProperty(PleLayerImpl.PLAN_PROPERTY);
        } else {
            System.setProperty(PleLayerImpl.PLAN_PROPERTY, value);
        }
    }

    /**
     * The graph's batches: the same arrays in the model's floating-point type (DL4J's merge vertex takes one data
     * type, so the ids become numbers), labels likewise.
     */
    static List<org.nd4j.linalg.dataset.api.MultiDataSet> graphBatches(PleConfig cfg,
                                                                       List<org.nd4j.linalg.dataset.api.MultiDataSet> data) {
        DataType dt = cfg.dataType().nd4j();
        List<org.nd4j.linalg.dataset.api.MultiDataSet> out = new ArrayList<>();
        for (org.nd4j.linalg.dataset.api.MultiDataSet d : data) {
            INDArray[] f = new INDArray[d.numFeatureArrays()];
            for (int i = 0; i < f.length; i++) {
                f[i] = d.getFeatures(i).castTo(dt);
            }
            INDArray[] l = new INDArray[d.numLabelsArrays()];
            for (int i = 0; i < l.length; i++) {
                l[i] = d.getLabels(i).castTo(dt);
            }
            out.add(new MultiDataSet(f, l, null, d.getLabelsMaskArrays()));
        }
        return out;
    }

    /** Largest |PleModel - graph| over the tasks' predictions on one batch. */
    private static double maxDifference(PleModel model, ComputationGraph cg, org.nd4j.linalg.dataset.api.MultiDataSet d,
                                        org.nd4j.linalg.dataset.api.MultiDataSet g) {
        Predictions p = model.predict(d.getFeatures());
        INDArray[] out = cg.output(g.getFeatures());
        double worst = 0;
        List<String> tasks = model.signature().tasks();
        for (int k = 0; k < tasks.size(); k++) {
            double[] e = p.asDoubles(tasks.get(k));
            double[] a = out[k].castTo(DataType.DOUBLE).dup().data().asDouble();
            for (int i = 0; i < e.length; i++) {
                worst = Math.max(worst, Math.abs(e[i] - a[i]));
            }
        }
        return worst;
    }
}
