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
 * The paper's census-income comparison (Sec. 5.2, Table 5) with the MMoE paper's split: single-task, shared-bottom,
 * MMoE, CGC and PLE trained on census-income.data, early-stopped on the validation half of census-income.test (mean
 * AUC of the two tasks, best epoch restored) and scored on the test half; test AUC per task as mean, std and best over
 * seeds, the multi-task gain over single-task (Eq. 11), the per-seed paired difference of PLE against MMoE and
 * single-task, parameter counts and training time, with the paper's numbers beside ours.
 *
 * <p>Two input protocols: {@code one-hot} (the MMoE paper's: standardised numeric columns and one-hot nominal
 * columns, 535 wide) and {@code embedding} (torch-rechub's: nominal columns as ids with learned embeddings). With
 * {@code --tune SPACE}, every model is first tuned on the validation split with the same search and budget
 * ({@link CensusTuning}); the seeds then train the tuned config.
 */
@Command(name = "census", mixinStandardHelpOptions = true,
        description = "Reproduce the census-income comparison of the PLE paper (Table 5), optionally tuning every model.")
public final class CensusCommand implements Callable<Integer> {
    /** Table 5 of the PLE paper: test AUC of income (task 1) and never-married (task 2). */
    static final Map<String, double[]> PAPER = Map.of(
            "single-task", new double[]{0.9445, 0.9923},
            "MMoE", new double[]{0.9393, 0.9928},
            "PLE", new double[]{0.9522, 0.9945});

    @Option(names = "--data", description = "Directory with census-income.data.gz and .test.gz (default: ../shared/data/census-income)")
    Path data;
    @Option(names = "--protocol", split = ",", defaultValue = "one-hot",
            description = "Input protocols: one-hot and/or embedding. Default: ${DEFAULT-VALUE}")
    List<String> protocols;
    @Option(names = "--embedding-dim", defaultValue = "4",
            description = "Embedding width of the embedding protocol. Default: ${DEFAULT-VALUE}")
    int embeddingDim;
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
    @Option(names = "--experts-per-task", defaultValue = "3", description = "Task experts per level (CGC, PLE). Default: ${DEFAULT-VALUE}")
    int expertsPerTask;
    @Option(names = "--shared-experts", defaultValue = "2",
            description = "Shared experts per level (CGC, PLE; MMoE has 2 x experts-per-task + shared). Default: ${DEFAULT-VALUE}")
    int sharedExperts;
    @Option(names = "--expert-hidden", split = ",", defaultValue = "16",
            description = "Expert layer sizes (the bottom of single-task and shared-bottom). Default: ${DEFAULT-VALUE}")
    List<Integer> expertHidden;
    @Option(names = "--levels", defaultValue = "2", description = "Extraction levels of PLE. Default: ${DEFAULT-VALUE}")
    int levels;
    @Option(names = "--tower", split = ",", defaultValue = "8", description = "Tower layer sizes. Default: ${DEFAULT-VALUE}")
    List<Integer> tower;
    @Option(names = "--dropout", defaultValue = "0", description = "Dropout rate. Default: ${DEFAULT-VALUE}")
    double dropout;
    @Option(names = "--l2", defaultValue = "0", description = "L2 penalty of the weights. Default: ${DEFAULT-VALUE}")
    double l2;
    @Option(names = "--rows", defaultValue = "0",
            description = "Read only the first N rows of each file (0 = all). Default: ${DEFAULT-VALUE}")
    long rows;
    @Option(names = "--models", split = ",", description = "Subset of: single-task, shared-bottom, MMoE, CGC, PLE")
    List<String> only;
    @Option(names = "--parallel", description = "Run the protocols side by side, one Java thread each (with --threads 1: "
            + "one core each); the results equal a sequential run's.")
    boolean parallel;
    @Mixin
    CensusTuning tuning;
    @Mixin
    ReportOptions report;

    /** The five models with the size options (defaults: PaddleRec's census budget). */
    Map<String, ExtractionSpec> models() {
        Integer[] h = expertHidden.toArray(new Integer[0]);
        Map<String, ExtractionSpec> m = new LinkedHashMap<>();
        m.put("single-task", ExtractionSpec.singleTask(h));
        m.put("shared-bottom", ExtractionSpec.sharedBottom(h));
        m.put("MMoE", ExtractionSpec.mmoe(2 * expertsPerTask + sharedExperts, h));
        m.put("CGC", ExtractionSpec.cgc(expertsPerTask, sharedExperts, h));
        m.put("PLE", ExtractionSpec.ple(levels, expertsPerTask, sharedExperts, h));
        return m;
    }

    private static CensusIncome.Encoding encoding(String protocol) {
        return switch (protocol) {
            case "one-hot" -> CensusIncome.Encoding.ONE_HOT;
            case "embedding" -> CensusIncome.Encoding.IDS;
            default -> throw new IllegalArgumentException("--protocol: unknown protocol '" + protocol
                    + "'; the protocols are one-hot, embedding");
        };
    }

    /** Test AUCs of one model under one protocol: {@code [seed][task]}. */
    record ModelRun(String model, double[][] auc, long params, double epochs, double minutes, PleConfig config,
                    Map<String, Object> tuned) {
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
        protocols.forEach(CensusCommand::encoding);
        tuning.check();
        report.start();
        Path dir = data != null ? data : CensusIncome.defaultDirectory();
        ObjectNode json = Provenance.report("census");
        ObjectNode prov = Provenance.of(json);
        prov.put("dataDirectory", dir.toString());
        prov.put("dataSha256", CensusIncome.DATA_SHA256 + " " + CensusIncome.TEST_SHA256);
        prov.put("rowLimit", rows);
        prov.put("seeds", seeds);
        prov.put("learningRate", lr);
        prov.put("batch", batch);
        prov.put("patience", patience);
        prov.put("maxEpochs", epochs);
        tuning.describe(prov);
        ArrayNode rowsJson = json.putArray("results");
        ArrayNode protoJson = json.putArray("protocols");
        List<String> md = new ArrayList<>();
        md.add("# Census-income: test AUC (" + seeds + " seed(s))");
        md.add("");
        md.add("Paper (Table 5): single-task 0.9445 / 0.9923, MMoE 0.9393 / 0.9928, PLE 0.9522 / 0.9945 (income / marital)."
                + " (The paper prints an MMoE income gain of +0.0048 although its AUC is below single-task's.)");
        List<java.util.concurrent.Callable<ProtocolRun>> jobs = new ArrayList<>();
        for (String protocol : protocols) {
            jobs.add(() -> runProtocol(dir, protocol));
        }
        List<ProtocolRun> done = new ArrayList<>();
        if (parallel && jobs.size() > 1) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(jobs.size());
            try {
                for (java.util.concurrent.Future<ProtocolRun> f : pool.invokeAll(jobs)) {
                    done.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        } else {
            for (java.util.concurrent.Callable<ProtocolRun> j : jobs) {
                try {
                    done.add(j.call());
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (ProtocolRun p : done) {
            p.rows().forEach(rowsJson::add);
            CensusReport.protocol(md, protoJson.addObject(), p.protocol(), p.census(), this, p.runs());
            CensusReport.chart(report.directory(), p.protocol(), p.runs());
        }
        List<Path> files = report.write("census", json, md);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1));
        return 0;
    }

    /** One protocol's data, model runs and result rows. */
    record ProtocolRun(String protocol, CensusData census, List<ModelRun> runs, ArrayNode rows) {
    }

    private ProtocolRun runProtocol(Path dir, String protocol) throws IOException {
        CensusData census = CensusIncome.builder().directory(dir).encoding(encoding(protocol)).embeddingDim(embeddingDim)
                .rowLimit(rows).load();
        System.out.printf(Locale.ROOT, "census-income (%s) from %s: train %d, valid %d, test %d rows, input width %d, "
                        + "positive rates %s%n", protocol, dir, census.trainRows(), census.validRows(), census.testRows(),
                census.inputSpec().width(), census.positiveRates());
        ArrayNode rowsJson = ConfigJson.mapper().createArrayNode();
        List<ModelRun> runs = new ArrayList<>();
        for (Map.Entry<String, ExtractionSpec> e : models().entrySet()) {
            if (only == null || only.contains(e.getKey())) {
                runs.add(run(protocol, census, e.getKey(), e.getValue(), rowsJson));
            }
        }
        return new ProtocolRun(protocol, census, runs, rowsJson);
    }

    private PleConfig config(CensusData census, ExtractionSpec ex, long seed) {
        return PleConfig.builder().inputs(census.inputSpec()).tasks(Presets.censusTasks(tower.toArray(new Integer[0])))
                .extraction(ex).seed(seed).dropout(dropout).l2(l2)
                .training(new TrainingSpec(OptimizerSpec.adam(lr), epochs, null, EarlyStopping.on("auc", patience)))
                .build();
    }

    private ModelRun run(String protocol, CensusData census, String name, ExtractionSpec ex, ArrayNode rowsJson)
            throws IOException {
        PleConfig base = config(census, ex, 2020L);
        CensusTuning.Tuned tuned = tuning.tune(protocol, name, base, census, batch, report.directory());
        PleConfig chosen = tuned == null ? base : tuned.config();
        int batchSize = tuned == null ? batch : tuned.batchSize();
        double[][] a = new double[seeds][2];
        long params = 0;
        double minutes = 0;
        double epochsRun = 0;
        for (int s = 0; s < seeds; s++) {
            PleConfig cfg = chosen.withSeed(2020L + s);
            try (PleModel model = PleModel.create(cfg);
                 CensusData.Iterators it = census.iterators(cfg, batchSize)) {
                InMemoryBatches train = InMemoryBatches.cache(it.train(), 100L + s);
                InMemoryBatches valid = InMemoryBatches.cache(it.valid(), null);
                InMemoryBatches test = InMemoryBatches.cache(it.test(), null);
                long t0 = System.nanoTime();
                TrainingResult r = model.fit(train, valid, new ProgressListener(System.out).everySeconds(60));
                minutes += (System.nanoTime() - t0) / 60e9 / seeds;
                epochsRun += r.epochs().size() / (double) seeds;
                EvaluationReport rep = model.evaluate(test);
                a[s][0] = rep.metric(Presets.INCOME + ".auc");
                a[s][1] = rep.metric(Presets.MARITAL + ".auc");
                params = model.numParams();
                ObjectNode row = rowsJson.addObject();
                row.put("protocol", protocol);
                row.put("model", name);
                row.put("seed", cfg.seed());
                row.put("incomeAuc", a[s][0]);
                row.put("maritalAuc", a[s][1]);
                row.put("epochs", r.epochs().size());
                row.put("bestEpoch", r.bestEpoch());
                row.put("params", params);
                row.put("batch", batchSize);
                row.set("config", ConfigJson.mapper().valueToTree(cfg));
                System.out.printf(Locale.ROOT, "%s %s seed %d: test AUC income %.4f marital %.4f (%d epochs)%n", protocol,
                        name, cfg.seed(), a[s][0], a[s][1], r.epochs().size());
            }
        }
        return new ModelRun(name, a, params, epochsRun, minutes, chosen, tuned == null ? null : tuned.params());
    }

    /** Multi-task gain (Eq. 11) of a model's mean over single-task's, or NaN when single-task was not run. */
    static double gain(List<ModelRun> runs, ModelRun m, int task) {
        ModelRun single = runs.stream().filter(r -> r.model().equals("single-task")).findFirst().orElse(null);
        return single == null ? Double.NaN : MultiTaskGain.gain(mean(column(m.auc(), task)), mean(column(single.auc(), task)),
                true);
    }

    static double[] column(double[][] a, int c) {
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

    String settings(CensusData census) {
        return String.format(Locale.ROOT, "input width %d; experts %s, %d per task, %d shared, PLE %d levels, towers %s, "
                        + "dropout %s, L2 %s; Adam lr %s, batch %d, early stopping on mean validation AUC (patience %d, best "
                        + "epoch restored)", census.inputSpec().width(), expertHidden, expertsPerTask, sharedExperts, levels,
                tower, dropout, l2, lr, batch, patience);
    }
}
