package io.github.ple4j.cli;

import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.JobConfigException;
import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.Metric;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.TaskMetrics;
import io.github.ple4j.model.train.TrainingResult;
import io.github.ple4j.model.tune.ConfigOverrides;
import io.github.ple4j.model.tune.SearchSpace;
import io.github.ple4j.model.tune.Tuner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code ple tune}: a hyper-parameter search on the user's own data. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search hyper-parameters for a job: trials drawn from a search space (--space, JSON) are trained on "
                + "--train and scored on --valid, by random search or successive halving, with the same training seeds for "
                + "every trial. The search is resumable: run the same command again and it continues from the journal in "
                + "--out. Writes tune.json, the leaderboard tune.md and the best trial's model config best-config.json.",
                "Space parameters: learningRate, optimizer, dropout, l2, levels, expertsPerTask, sharedExperts, "
                        + "expertHidden, activation, gateBias, towerHidden, batchSize; kinds uniform, logUniform, int, "
                        + "choice, e.g. {\"learningRate\": {\"logUniform\": [1e-4, 1e-2]}, \"expertHidden\": "
                        + "{\"choice\": [[32], [64, 32]]}}."},
        footer = {"", "Example:", "  ple tune --config job.json --train train.csv --valid valid.csv --space space.json "
                + "--out tune --objective click.auc --trials 27 --max-epochs 9 --seeds 2 --minutes 120", "", ExitCodes.HELP})
final class TuneCommand implements Callable<Integer> {
    /** Space names this command applies itself (the rest go to {@link ConfigOverrides}). */
    static final Set<String> HANDLED = Set.of("batchSize");

    @ParentCommand
    PleCli root;
    @Mixin
    JobOptions jobOptions;
    @Option(names = "--train", required = true, paramLabel = "CSV", description = "Training data (a file, directory or glob).")
    Path train;
    @Option(names = "--valid", required = true, paramLabel = "CSV", description = "Validation data the trials are scored on.")
    Path valid;
    @Option(names = "--space", required = true, paramLabel = "FILE", description = "The search space (JSON).")
    Path spaceFile;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory of the journal and reports.")
    Path out;
    @Option(names = "--objective", defaultValue = "auc", paramLabel = "METRIC",
            description = "Validation metric to optimise: a metric averaged over tasks (auc, logloss, accuracy, mse, mae), "
                    + "TASK.METRIC, or loss. Default: ${DEFAULT-VALUE}.")
    String objective;
    @Option(names = "--strategy", defaultValue = "halving", description = "halving or random. Default: ${DEFAULT-VALUE}.")
    String strategy;
    @Option(names = "--trials", defaultValue = "20", description = "Trials drawn. Default: ${DEFAULT-VALUE}.")
    int trials;
    @Option(names = "--eta", defaultValue = "3", description = "Halving factor. Default: ${DEFAULT-VALUE}.")
    int eta;
    @Option(names = "--min-epochs", defaultValue = "1", description = "Epochs of the first halving rung. Default: ${DEFAULT-VALUE}.")
    int minEpochs;
    @Option(names = "--max-epochs", paramLabel = "N", description = "Epochs of the last rung. Default: the job's epochs.")
    Integer maxEpochs;
    @Option(names = "--seeds", defaultValue = "1", description = "Training seeds per trial. Default: ${DEFAULT-VALUE}.")
    int seeds;
    @Option(names = "--tune-seed", defaultValue = "1", description = "Seed of the trials' draws and the first training "
            + "seed (trials train with seeds S, S+1, ...; the job's model.seed is not used). Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--minutes", defaultValue = "0", description = "Evaluation-time budget (0: none). Default: ${DEFAULT-VALUE}.")
    double minutes;

    @Override
    public Integer call() {
        PrintWriter stdout = root.spec.commandLine().getOut();
        List<Path> trainShards = CsvFiles.shards(train);
        List<Path> validShards = CsvFiles.shards(valid);
        root.applyThreads();
        JobConfig job = jobOptions.job(false);
        if (job == null) {
            throw JobOptions.noJob();
        }
        SearchSpace space;
        try {
            space = SearchSpace.read(spaceFile);
        } catch (IOException e) {
            throw CliException.io("cannot read " + spaceFile + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        List<String> cols = CsvFiles.columns(trainShards, job.csv());
        FittedPipeline fitted = jobOptions.fit(job, trainShards, cols);
        CsvFiles.checkHeader(validShards, job.csv(), cols);
        PleConfig base = jobOptions.modelConfig(job, fitted);
        checkObjective(base);
        Tuner.Settings settings;
        try {
            settings = new Tuner.Settings(strategy(), trials, eta, minEpochs, maxEpochs == null ? base.training().epochs()
                    : maxEpochs, seeds, seed, minutes, objective, EvaluationReport.higherIsBetter(objective));
            // every trial's values must make a model before anything trains
            for (int t = 0; t < trials; t++) {
                Map<String, com.fasterxml.jackson.databind.JsonNode> p = space.sample(seed, t);
                ConfigOverrides.apply(base, p, HANDLED);
                ConfigOverrides.batchSize(p, job.batchSize());
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        stdout.printf(Locale.ROOT, "tuning %s on %s (%,d rows), scored on %s by validation %s: %s search, %d trial(s), rungs "
                        + "of %s epochs with %s trial(s), %d seed(s)%s%n", base.architecture(), train, fitted.summary().rows(),
                valid, objective, settings.strategy().name().toLowerCase(Locale.ROOT), trials, settings.rungEpochs(),
                settings.rungSizes(), seeds, minutes > 0 ? ", budget " + minutes + " minutes" : "");
        stdout.flush();
        Tuner.Objective fn = (params, epochs, trainingSeed) -> {
            PleConfig cfg = ConfigOverrides.apply(base, params, HANDLED).withSeed(trainingSeed);
            cfg = cfg.withTraining(cfg.training().withEpochs(epochs));
            int batch = ConfigOverrides.batchSize(params, job.batchSize());
            try (PleModel model = PleModel.create(cfg);
                 CloseableMultiDataSetIterator trainIt = fitted.iterator(CsvFiles.trainingReader(trainShards, job), cfg, batch);
                 CloseableMultiDataSetIterator validIt = fitted.iterator(CsvFiles.reader(validShards, job.csv(), null), cfg,
                         batch)) {
                // validation every epoch only when early stopping needs it; otherwise once, after training
                TrainingResult r = model.fit(trainIt, cfg.training().earlyStopping() == null ? null : validIt);
                validIt.reset();
                EvaluationReport rep = model.evaluate(validIt);
                Map<String, Double> metrics = new LinkedHashMap<>();
                rep.tasks().forEach((task, m) -> metrics(task, m, metrics));
                return new Tuner.Evaluation(rep.metric(objective), metrics, r.epochs().size());
            }
        };
        Tuner.Result result;
        try {
            result = Tuner.run(settings, space, fn, out, line -> {
                stdout.println(line);
                stdout.flush();
            });
            Tuner.Entry best = result.best();
            PleConfig bestConfig = ConfigOverrides.apply(base, best.params(), HANDLED);
            Files.writeString(out.resolve("best-config.json"), ConfigJson.toJson(bestConfig) + "\n");
            stdout.printf(Locale.ROOT, "best: trial %d, %s %.5f ± %.5f over %d seed(s) at %d epochs: %s%n", best.trial(),
                    objective, best.mean(), best.std(), seeds, best.epochs(), best.params());
            stdout.printf(Locale.ROOT, "%d evaluation(s) (%d from the journal)%s; wrote %s, %s and %s%n",
                    result.evaluations(), result.fromJournal(), result.budgetExhausted() ? "; the budget ran out first" : "",
                    out.resolve("tune.md"), out.resolve("tune.json"), out.resolve("best-config.json"));
        } catch (IOException e) {
            throw CliException.io("cannot write the tuning files in " + out + ": " + e, e);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidDataException) {
                throw e;
            }
            throw CliException.usage(e.getMessage());
        }
        stdout.flush();
        return ExitCodes.OK;
    }

    private static void metrics(String task, TaskMetrics m, Map<String, Double> out) {
        for (String k : Metric.keys()) {
            double v = m.get(k);
            if (!Double.isNaN(v)) {
                out.put(task + "." + k, v);
            }
        }
    }

    private Tuner.Strategy strategy() {
        return switch (strategy.toLowerCase(Locale.ROOT)) {
            case "halving" -> Tuner.Strategy.HALVING;
            case "random" -> Tuner.Strategy.RANDOM;
            default -> throw CliException.usage("--strategy must be halving or random but was '" + strategy + "'");
        };
    }

    private void checkObjective(PleConfig base) {
        String o = objective.toLowerCase(Locale.ROOT);
        int dot = objective.lastIndexOf('.');
        String metric = dot < 0 ? o : o.substring(dot + 1);
        if (!o.equals("loss") && Metric.of(metric).isEmpty()) {
            throw CliException.usage("--objective: unknown metric '" + metric + "'; the metrics are " + Metric.keys()
                    + " (averaged over the tasks, or TASK.METRIC), or loss");
        }
        if (dot >= 0) {
            String task = objective.substring(0, dot);
            if (base.tasks().stream().noneMatch(t -> t.name().equals(task))) {
                throw CliException.usage("--objective names the task '" + task + "' but the job's tasks are "
                        + base.tasks().stream().map(t -> t.name()).toList());
            }
        }
    }
}
