package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.datavec.datasets.CensusData;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.train.InMemoryBatches;
import io.github.ple4j.model.train.TrainingResult;
import io.github.ple4j.model.tune.ConfigOverrides;
import io.github.ple4j.model.tune.SearchSpace;
import io.github.ple4j.model.tune.Tuner;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The census command's tuning (a picocli mixin): with {@code --tune SPACE}, each model is searched by {@link Tuner} on
 * the validation split (objective: mean validation AUC of the two tasks, or one task's with {@code --tune-objective})
 * with the same space, strategy, trials and minutes, then its seeds train the best trial's config. Space values that
 * would turn a baseline into another architecture are not applied to it: {@code levels}, {@code expertsPerTask} and
 * {@code sharedExperts} for single-task and shared-bottom, {@code levels} and {@code expertsPerTask} for MMoE (whose
 * {@code sharedExperts} is its expert count), {@code levels} for CGC. Journals go to
 * {@code --tune-dir/<protocol>/<model>}, so a stopped run resumes.
 */
final class CensusTuning {
    @Option(names = "--tune", paramLabel = "SPACE", description = "Tune every model first, over this search space (JSON).")
    Path space;
    @Option(names = "--tune-strategy", defaultValue = "halving", description = "halving or random. Default: ${DEFAULT-VALUE}")
    String strategy;
    @Option(names = "--tune-trials", defaultValue = "9", description = "Trials per model. Default: ${DEFAULT-VALUE}")
    int trials;
    @Option(names = "--tune-eta", defaultValue = "3", description = "Halving factor. Default: ${DEFAULT-VALUE}")
    int eta;
    @Option(names = "--tune-min-epochs", defaultValue = "1", description = "Epochs of the first rung. Default: ${DEFAULT-VALUE}")
    int minEpochs;
    @Option(names = "--tune-max-epochs", defaultValue = "9", description = "Epochs of the last rung. Default: ${DEFAULT-VALUE}")
    int maxEpochs;
    @Option(names = "--tune-seeds", defaultValue = "1", description = "Seeds per trial. Default: ${DEFAULT-VALUE}")
    int seeds;
    @Option(names = "--tune-minutes", defaultValue = "0",
            description = "Evaluation minutes per model and protocol (0: no limit). Default: ${DEFAULT-VALUE}")
    double minutes;
    @Option(names = "--tune-dir", paramLabel = "DIR", description = "Journals and leaderboards. Default: OUT/census-tune")
    Path dir;
    @Option(names = "--tune-objective", defaultValue = "auc",
            description = "Validation objective: auc (mean of the two tasks), income.auc or marital.auc. Default: ${DEFAULT-VALUE}")
    String objective;

    /** The chosen config of a model. */
    record Tuned(PleConfig config, int batchSize, Map<String, Object> params) {
    }

    private SearchSpace parsed;

    void check() throws IOException {
        if (space != null) {
            parsed = SearchSpace.read(space);
            settings();
        }
    }

    private Tuner.Settings settings() {
        Tuner.Strategy s = switch (strategy.toLowerCase(Locale.ROOT)) {
            case "halving" -> Tuner.Strategy.HALVING;
            case "random" -> Tuner.Strategy.RANDOM;
            default -> throw new IllegalArgumentException("--tune-strategy must be halving or random but was '" + strategy + "'");
        };
        if (!java.util.List.of("auc", "income.auc", "marital.auc").contains(objective)) {
            throw new IllegalArgumentException("--tune-objective must be auc, income.auc or marital.auc but was '" + objective
                    + "'");
        }
        return new Tuner.Settings(s, trials, eta, minEpochs, maxEpochs, seeds, 2020, minutes, objective, true);
    }

    void describe(ObjectNode prov) {
        if (parsed == null) {
            return;
        }
        ObjectNode t = prov.putObject("tuning");
        t.set("space", parsed.toJson());
        t.put("strategy", strategy);
        t.put("trials", trials);
        t.put("eta", eta);
        t.put("minEpochs", minEpochs);
        t.put("maxEpochs", maxEpochs);
        t.put("seeds", seeds);
        t.put("minutesPerModel", minutes);
        t.put("objective", objective.equals("auc") ? "mean validation AUC of income and marital" : "validation " + objective);
    }

    /** Space names a model keeps fixed (they would make it another architecture). */
    static Set<String> fixed(String model) {
        return switch (model) {
            case "single-task", "shared-bottom" -> Set.of("levels", "expertsPerTask", "sharedExperts", "batchSize");
            case "MMoE" -> Set.of("levels", "expertsPerTask", "batchSize");
            case "CGC" -> Set.of("levels", "batchSize");
            default -> Set.of("batchSize");
        };
    }

    /** Tunes a model, or returns null without {@code --tune}. */
    Tuned tune(String protocol, String model, PleConfig base, CensusData census, int batch, Path out) throws IOException {
        if (parsed == null) {
            return null;
        }
        Set<String> skip = fixed(model);
        Tuner.Objective fn = (params, epochs, seed) -> {
            PleConfig cfg = ConfigOverrides.apply(base, params, skip).withSeed(seed);
            cfg = cfg.withTraining(cfg.training().withEpochs(epochs));
            int b = ConfigOverrides.batchSize(params, batch);
            try (PleModel m = PleModel.create(cfg); CensusData.Iterators it = census.iterators(cfg, b)) {
                InMemoryBatches train = InMemoryBatches.cache(it.train(), 100L + seed);
                InMemoryBatches valid = InMemoryBatches.cache(it.valid(), null);
                TrainingResult r = m.fit(train, valid);
                valid.reset();
                EvaluationReport rep = m.evaluate(valid);
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("income.auc", rep.metric("income.auc"));
                metrics.put("marital.auc", rep.metric("marital.auc"));
                return new Tuner.Evaluation(rep.metric(objective), metrics, r.epochs().size());
            }
        };
        Path d = (dir != null ? dir : out.resolve("census-tune")).resolve(protocol).resolve(model);
        Tuner.Result r = Tuner.run(settings(), parsed, fn, d, line -> System.out.println(protocol + " " + model + " "
                + line));
        Tuner.Entry best = r.best();
        Map<String, Object> used = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : best.params().entrySet()) {
            if (!skip.contains(e.getKey()) || e.getKey().equals("batchSize")) {
                used.put(e.getKey(), ConfigJson.mapper().convertValue(e.getValue(), Object.class));
            }
        }
        used.put("validationAuc", best.mean());
        used.put("trial", best.trial());
        System.out.printf(Locale.ROOT, "%s %s tuned: trial %d, validation %s %.5f at %d epochs, %s (%s)%n", protocol, model,
                best.trial(), objective, best.mean(), best.epochs(), used, d.resolve("tune.md"));
        PleConfig chosen = ConfigOverrides.apply(base, best.params(), skip);
        int b = ConfigOverrides.batchSize(best.params(), batch);
        return new Tuned(chosen, b, used);
    }
}
