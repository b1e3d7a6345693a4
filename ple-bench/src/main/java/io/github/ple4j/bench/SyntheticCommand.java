package io.github.ple4j.bench;

import io.github.ple4j.model.eval.GateUsage;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.datavec.ArraysIterator;
import io.github.ple4j.datavec.datasets.SyntheticDataSets;
import io.github.ple4j.datavec.datasets.SyntheticTasks;
import io.github.ple4j.datavec.datasets.SyntheticTasksSpec;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.Architecture;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.MultiTaskGain;
import io.github.ple4j.model.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The paper's synthetic experiment (Sec. 5.1.1, Fig. 7; data of MMoE Sec. 3.2): two regression tasks whose
 * correlation is set by p; every model is trained on the same data and its test MSE per task and its
 * multi-task gain over single-task (Eq. 11, MSE: lower is better) are reported, with the gate utilisation of
 * the gated models (Fig. 8) over the test set. Writes {@code synthetic.json}, {@code synthetic.md} and the
 * charts of {@link SyntheticCharts} to the report directory.
 */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = "Compare single-task, shared-bottom, MMoE, CGC and PLE on synthetic tasks of controlled correlation.")
public final class SyntheticCommand implements Callable<Integer> {
    @Option(names = "--correlation", split = ",", defaultValue = "0.5",
            description = "Task correlations p (comma-separated). Default: ${DEFAULT-VALUE}")
    List<Double> correlations;
    @Option(names = "--dim", defaultValue = "100", description = "Input dimension d. Default: ${DEFAULT-VALUE}")
    int dim;
    @Option(names = "--train", defaultValue = "10000", description = "Training rows. Default: ${DEFAULT-VALUE}")
    int train;
    @Option(names = "--valid", defaultValue = "3000", description = "Validation rows. Default: ${DEFAULT-VALUE}")
    int valid;
    @Option(names = "--test", defaultValue = "3000", description = "Test rows. Default: ${DEFAULT-VALUE}")
    int test;
    @Option(names = "--epochs", defaultValue = "20",
            description = "Maximum epochs (early stopping on validation loss). Default: ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--batch", defaultValue = "128", description = "Batch size. Default: ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--lr", defaultValue = "0.003", description = "Adam learning rate. Default: ${DEFAULT-VALUE}")
    double lr;
    @Option(names = "--seeds", defaultValue = "1", description = "Number of seeds per model. Default: ${DEFAULT-VALUE}")
    int seeds;
    @Mixin
    ReportOptions report;

    /** The compared models: equal expert budget (4 experts of width 16 where experts are shared). */
    static Map<String, ExtractionSpec> models() {
        return BenchConfigs.comparedModels(1, 2, 16);
    }

    @Override
    public Integer call() throws IOException {
        report.start();
        ObjectNode json = Provenance.report("synthetic");
        ObjectNode prov = Provenance.of(json);
        ArrayNode rows = json.putArray("results");
        List<SyntheticCharts.ModelResult> results = new ArrayList<>();
        List<String> gateLines = new ArrayList<>();
        List<String> md = new ArrayList<>();
        md.add("# Synthetic tasks: test MSE per task (mean over " + seeds + " seed(s))");
        md.add("");
        md.add("d = " + dim + ", train/valid/test = " + train + "/" + valid + "/" + test + ", Adam lr " + lr + ", batch " + batch
                + ", early stopping on validation loss. MTL gain = single-task MSE - model MSE (paper Eq. 11).");
        md.add("");
        List<String> header = List.of("| p | model | params | MSE task1 | MSE task2 | gain task1 | gain task2 | epochs | seconds |",
                "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        md.addAll(header);
        for (double p : correlations) {
            SyntheticTasks gen = new SyntheticTasks(SyntheticTasksSpec.defaults(p, 7).withDimension(dim));
            SyntheticTasks.Sample tr = gen.generate(train, 11);
            SyntheticTasks.Sample va = gen.generate(valid, 12);
            SyntheticTasks.Sample te = gen.generate(test, 13);
            System.out.printf(Locale.ROOT, "p = %.2f: measured label correlation %.3f%n", p, gen.measuredCorrelation(tr));
            header.forEach(System.out::println);
            double[] single = null;
            for (Map.Entry<String, ExtractionSpec> e : models().entrySet()) {
                double[] mse = new double[2];
                long params = 0;
                double secs = 0;
                int epochsRun = 0;
                List<GateUsage> gates = List.of();
                for (int s = 0; s < seeds; s++) {
                    PleConfig cfg = PleConfig.builder().denseInputs(dim)
                            .task(TaskSpec.regression("task1", 8)).task(TaskSpec.regression("task2", 8))
                            .extraction(e.getValue()).seed(1000L + s)
                            .training(new TrainingSpec(OptimizerSpec.adam(lr), epochs, null, EarlyStopping.on("loss", 3)))
                            .build();
                    try (PleModel model = PleModel.create(cfg)) {
                        ArraysIterator trIt = SyntheticDataSets.iterator(model.signature(), tr, batch, 100L + s);
                        ArraysIterator vaIt = SyntheticDataSets.iterator(model.signature(), va, 1024, null);
                        long t0 = System.nanoTime();
                        TrainingResult r = model.fit(trIt, vaIt);
                        secs += (System.nanoTime() - t0) / 1e9 / seeds;
                        epochsRun += r.epochs().size();
                        EvaluationReport rep = model.evaluate(SyntheticDataSets.iterator(model.signature(), te, 1024, null));
                        mse[0] += rep.tasks().get("task1").mse() / seeds;
                        mse[1] += rep.tasks().get("task2").mse() / seeds;
                        params = model.numParams();
                        if (s == 0) {
                            gates = model.gateUsage(SyntheticDataSets.iterator(model.signature(), te, 1024, null));
                            ObjectNode row = rows.addObject();
                            row.put("correlation", p);
                            row.put("model", e.getKey());
                            row.set("config", ConfigJson.mapper().valueToTree(cfg));
                        }
                    }
                }
                if (e.getValue().architecture() == Architecture.SINGLE_TASK) {
                    single = mse.clone();
                }
                double g1 = single == null ? Double.NaN : MultiTaskGain.gain(mse[0], single[0], false);
                double g2 = single == null ? Double.NaN : MultiTaskGain.gain(mse[1], single[1], false);
                ObjectNode row = (ObjectNode) rows.get(rows.size() - 1);
                row.put("params", params);
                row.put("mseTask1", mse[0]);
                row.put("mseTask2", mse[1]);
                row.put("gainTask1", g1);
                row.put("gainTask2", g2);
                row.put("meanEpochs", epochsRun / (double) seeds);
                row.put("meanSeconds", secs);
                row.set("gates", gatesJson(gates));
                results.add(new SyntheticCharts.ModelResult(p, e.getKey(), e.getValue().architecture(), mse,
                        new double[]{g1, g2}, gates));
                gateLines.addAll(gateTable(p, e.getKey(), gates));
                String line = String.format(Locale.ROOT, "| %.2f | %s | %,d | %.4f | %.4f | %s | %s | %.1f | %.1f |", p,
                        e.getKey(), params, mse[0], mse[1], gain(g1), gain(g2), epochsRun / (double) seeds, secs);
                md.add(line);
                System.out.println(line);
            }
        }
        List<Path> charts = SyntheticCharts.write(results, report.directory());
        if (!gateLines.isEmpty()) {
            md.add("");
            md.add("## Gate utilisation on the test set (first seed): mean ± std of the weight per expert");
            md.add("");
            md.add("| p | model | level | gate | weights |");
            md.add("| ---: | --- | ---: | --- | --- |");
            md.addAll(gateLines);
        }
        md.add("");
        md.add("Charts: " + String.join(", ", charts.stream().map(c -> "`" + c.getFileName() + "`").toList())
                + (correlations.size() < 2 ? " (the MTL-gain-vs-correlation chart needs two or more --correlation values)" : ""));
        List<Path> files = report.write("synthetic", json, md);
        System.out.println("wrote " + files.get(0) + ", " + files.get(1) + " and " + charts.size() + " chart(s)");
        return 0;
    }

    /** Gate statistics as JSON: one object per gate with its experts and mean and std per expert. */
    /** A gain for the tables: signed, or "-" without a single-task baseline to compare with. */
    static String gain(double g) {
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%+.4f", g);
    }

    static ArrayNode gatesJson(List<GateUsage> gates) {
        ArrayNode a = ConfigJson.mapper().createArrayNode();
        for (GateUsage g : gates) {
            ObjectNode o = a.addObject();
            o.put("output", g.output());
            o.put("level", g.level());
            o.put("owner", g.owner());
            o.put("samples", g.samples());
            ArrayNode experts = o.putArray("experts");
            g.experts().forEach(experts::add);
            ArrayNode mean = o.putArray("mean");
            for (double v : g.mean()) {
                mean.add(v);
            }
            ArrayNode std = o.putArray("std");
            for (double v : g.std()) {
                std.add(v);
            }
        }
        return a;
    }

    private static List<String> gateTable(double p, String model, List<GateUsage> gates) {
        List<String> lines = new ArrayList<>();
        for (GateUsage g : gates) {
            StringBuilder w = new StringBuilder();
            double[] mean = g.mean();
            double[] std = g.std();
            for (int i = 0; i < mean.length; i++) {
                w.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f ± %.2f", g.experts().get(i), mean[i], std[i]));
            }
            lines.add(String.format(Locale.ROOT, "| %.2f | %s | %d | %s | %s |", p, model, g.level() + 1, g.owner(), w));
        }
        return lines;
    }
}
