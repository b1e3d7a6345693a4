package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.datavec.datasets.CensusData;
import io.github.ple4j.datavec.datasets.CensusIncome;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.MultiTaskGain;
import io.github.ple4j.model.train.InMemoryBatches;
import io.github.ple4j.model.train.ProgressListener;
import io.github.ple4j.model.train.TrainingResult;
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

/**
 * The paper's census-income comparison (Sec. 5.2, Table 5) with the MMoE paper's protocol: single-task,
 * shared-bottom, MMoE, CGC and PLE (2 levels) trained on census-income.data, early-stopped on the
 * validation half of census-income.test (mean AUC of the two tasks, best epoch restored) and scored on the
 * test half; test AUC per task as mean, std and best over seeds, the multi-task gain over single-task (Eq.
 * 11), parameter counts and training time, with the paper's numbers printed beside ours.
 */
@Command(name = "census", mixinStandardHelpOptions = true,
        description = "Reproduce the census-income comparison of the PLE paper (Table 5).")
public final class CensusCommand implements Callable<Integer> {
    /** Table 5 of the PLE paper: test AUC of income (task 1) and never-married (task 2). */
    static final Map<String, double[]> PAPER = Map.of(
            "single-task", new double[]{0.9445, 0.9923},
            "MMoE", new double[]{0.9393, 0.9928},
            "PLE", new double[]{0.9522, 0.9945});

    @Option(names = "--data", description = "Directory with census-income.data.gz and .test.gz (default: ../shared/data/census-income)")
    Path data;
    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per model. Default: ${DEFAULT-VALUE}")
    int seeds;
    @Option(names = "--epochs", defaultValue = "30", description = "Maximum epochs. Default: ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--patience", defaultValue = "3", description = "Early-stopping patience (epochs). Default: ${DEFAULT-VALUE}")
    int patience;
    @Option(names = "--batch", defaultValue = "256", description = "Batch size. Default: ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate. Default: ${DEFAULT-VALUE}")
    double lr;
    @Option(names = "--rows", defaultValue = "0",
            description = "Read only the first N rows of each file (0 = all). Default: ${DEFAULT-VALUE}")
    long rows;
    @Option(names = "--models", split = ",", description = "Subset of: single-task, shared-bottom, MMoE, CGC, PLE")
    List<String> only;
    @Mixin
    ReportOptions report;

    /** PaddleRec's census budget: 8 experts of width 16 per level where experts exist, towers of 8. */
    static Map<String, ExtractionSpec> models() {
        return BenchConfigs.comparedModels(3, 2, 16);
    }

    @Override
    public Integer call() throws IOException {
        if (only != null) {
            for (String m : only) {
                if (!models().containsKey(m)) {
                    throw new IllegalArgumentException("--models: unknown model '" + m + "'; the models are "
                            + String.join(", ", models().keySet()));
                }
            }
        }
        report.start();
        Path dir = data != null ? data : CensusIncome.defaultDirectory();
        CensusData census = CensusIncome.builder().directory(dir).encoding(CensusIncome.Encoding.ONE_HOT)
                .rowLimit(rows).load();
        System.out.printf(Locale.ROOT, "census-income from %s: train %d, valid %d, test %d rows, input width %d, positive rates %s%n",
                dir, census.trainRows(), census.validRows(), census.testRows(), census.inputSpec().width(), census.positiveRates());
        ObjectNode json = Provenance.report("census");
        ObjectNode prov = Provenance.of(json);
        prov.put("dataDirectory", dir.toString());
        prov.put("dataSha256", CensusIncome.DATA_SHA256 + " " + CensusIncome.TEST_SHA256);
        prov.put("rowLimit", rows);
        prov.put("seeds", seeds);
        ArrayNode rowsJson = json.putArray("results");

        Map<String, double[][]> auc = new LinkedHashMap<>();   // model -> [seed][task]
        List<String> md = new ArrayList<>();
        md.add("# Census-income: test AUC (" + seeds + " seed(s))");
        md.add("");
        md.add("Train " + census.trainRows() + " rows, validation " + census.validRows() + ", test " + census.testRows()
                + "; one-hot input of width " + census.inputSpec().width() + "; Adam lr " + lr + ", batch " + batch
                + ", early stopping on mean validation AUC (patience " + patience + ", best epoch restored).");
        md.add("");
        List<String> header = List.of("| model | params | income AUC mean ± std (best) | marital AUC mean ± std (best) "
                + "| gain income | gain marital | paper income | paper marital | epochs | minutes |",
                "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        md.addAll(header);
        for (Map.Entry<String, ExtractionSpec> e : models().entrySet()) {
            if (only != null && !only.contains(e.getKey())) {
                continue;
            }
            double[][] a = new double[seeds][2];
            long params = 0;
            double minutes = 0;
            double epochsRun = 0;
            for (int s = 0; s < seeds; s++) {
                PleConfig cfg = PleConfig.builder().inputs(census.inputSpec()).tasks(Presets.censusTasks(8))
                        .extraction(e.getValue()).seed(2020L + s)
                        .training(new TrainingSpec(OptimizerSpec.adam(lr), epochs, null,
                                EarlyStopping.on("auc", patience)))
                        .build();
                try (PleModel model = PleModel.create(cfg);
                     CensusData.Iterators it = census.iterators(cfg, batch)) {
                    InMemoryBatches train = InMemoryBatches.cache(it.train(), 100L + s);
                    InMemoryBatches valid = InMemoryBatches.cache(it.valid(), null);
                    InMemoryBatches test = InMemoryBatches.cache(it.test(), null);
                    long t0 = System.nanoTime();
                    TrainingResult r = model.fit(train, valid, new ProgressListener(System.out).everySeconds(60));
                    minutes += (System.nanoTime() - t0) / 60e9 / seeds;
                    epochsRun += r.epochs().size() / (double) seeds;
                    EvaluationReport rep = model.evaluate(test);
                    a[s][0] = rep.metric("income.auc");
                    a[s][1] = rep.metric("marital.auc");
                    params = model.numParams();
                    ObjectNode row = rowsJson.addObject();
                    row.put("model", e.getKey());
                    row.put("seed", cfg.seed());
                    row.put("incomeAuc", a[s][0]);
                    row.put("maritalAuc", a[s][1]);
                    row.put("epochs", r.epochs().size());
                    row.put("bestEpoch", r.bestEpoch());
                    row.put("params", params);
                    row.set("config", ConfigJson.mapper().valueToTree(cfg));
                    System.out.printf(Locale.ROOT, "%s seed %d: test AUC income %.4f marital %.4f (%d epochs)%n",
                            e.getKey(), cfg.seed(), a[s][0], a[s][1], r.epochs().size());
                }
            }
            auc.put(e.getKey(), a);
            Summary inc = Summary.of(column(a, 0));
            Summary mar = Summary.of(column(a, 1));
            boolean haveSingle = auc.containsKey("single-task");
            double g1 = !haveSingle ? Double.NaN : MultiTaskGain.gain(mean(column(a, 0)), mean(column(auc.get("single-task"), 0)), true);
            double g2 = !haveSingle ? Double.NaN : MultiTaskGain.gain(mean(column(a, 1)), mean(column(auc.get("single-task"), 1)), true);
            double[] paper = PAPER.get(e.getKey());
            String line = String.format(Locale.ROOT,
                    "| %s | %,d | %.4f ± %.4f (%.4f) | %.4f ± %.4f (%.4f) | %s | %s | %s | %s | %.1f | %.1f |",
                    e.getKey(), params, mean(column(a, 0)), std(column(a, 0)), inc.max(), mean(column(a, 1)), std(column(a, 1)),
                    mar.max(), SyntheticCommand.gain(g1), SyntheticCommand.gain(g2), paper == null ? "-"
                            : String.format(Locale.ROOT, "%.4f", paper[0]),
                    paper == null ? "-" : String.format(Locale.ROOT, "%.4f", paper[1]), epochsRun, minutes);
            md.add(line);
            header.forEach(System.out::println);   // progress lines come between the rows
            System.out.println(line);
        }
        md.add("");
        md.add("Paper (Table 5): single-task 0.9445 / 0.9923, MMoE 0.9393 / 0.9928, PLE 0.9522 / 0.9945. (The paper prints an "
                + "MMoE income gain of +0.0048 although its AUC is below single-task's.)");
        List<Path> files = report.write("census", json, md);
        List<Charts.Point> points = new ArrayList<>();
        auc.forEach((m, a) -> points.add(new Charts.Point(m, mean(column(a, 0)), mean(column(a, 1)))));
        Path png = Charts.writePng(Charts.seesaw("Census-income: test AUC (mean over seeds)", "income AUC", "marital AUC", points),
                report.directory().resolve("census-seesaw.png"));
        System.out.println("wrote " + files.get(0) + ", " + files.get(1) + " and " + png);
        return 0;
    }

    private static double[] column(double[][] a, int c) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i][c];
        }
        return v;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (0 for one value). */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
