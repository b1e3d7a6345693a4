package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.config.ConfigJson;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A hyper-parameter search: trials drawn from a {@link SearchSpace}, each evaluated with the same {@code seeds}
 * seeds (so trials are compared on paired runs) by an {@link Objective} that trains for a number of epochs and
 * returns a validation figure.
 *
 * <ul>
 *   <li>{@link Strategy#RANDOM}: every trial trains for {@code maxEpochs}.</li>
 *   <li>{@link Strategy#HALVING} (successive halving, Jamieson and Talwalkar 2016; Li et al. 2018): rung k trains
 *       for {@code min(maxEpochs, minEpochs * eta^k)} epochs; rung 0 takes every trial, each later rung the best
 *       {@code ceil(n / eta^k)} of the rung before, until a rung reaches {@code maxEpochs}. Each rung trains its trials
 *       from scratch with its budget, so a trial's result at a rung does not depend on the rungs before it.</li>
 * </ul>
 * The budget is the trials and, optionally, minutes of evaluation time (summed over the journal, so a resumed search
 * keeps its budget): when it is spent no new evaluation starts and the leaderboard holds what was finished.
 *
 * <p><b>Resumable.</b> Every finished evaluation is appended to {@code journal.jsonl} in the output directory and
 * forced to disk; a search started again with the same settings and space skips what the journal holds and ends
 * with the same leaderboard as an uninterrupted one (a torn last line, from a kill mid-write, is dropped). A journal
 * of another search is refused. Results: {@code tune.json} and the leaderboard {@code tune.md}, rewritten after
 * every rung.
 */
public final class Tuner {
    /** Name of the journal file in the output directory. */
    public static final String JOURNAL = "journal.jsonl";

    /** How trials are given their epochs. */
    public enum Strategy { RANDOM, HALVING }

    /**
     * The search's settings.
     *
     * @param strategy        random search or successive halving
     * @param trials          trials drawn (rung 0's size under halving)
     * @param eta             halving factor (>= 2; unused by random search)
     * @param minEpochs       epochs of rung 0 under halving
     * @param maxEpochs       epochs of the last rung (of every trial under random search)
     * @param seeds           training seeds per evaluation, the same for every trial
     * @param seed            seed of the trials' values and first training seed (seed, seed + 1, ...)
     * @param minutes         evaluation-time budget in minutes; 0: no limit
     * @param objective       what the objective returns, for reports (e.g. "auc" or "income.auc")
     * @param higherIsBetter  whether larger objective values are better
     */
    public record Settings(Strategy strategy, int trials, int eta, int minEpochs, int maxEpochs, int seeds, long seed,
                           double minutes, String objective, boolean higherIsBetter) {
        public Settings {
            if (strategy == null) {
                throw new IllegalArgumentException("tune strategy must be random or halving");
            }
            positive("trials", trials);
            positive("minEpochs", minEpochs);
            positive("maxEpochs", maxEpochs);
            positive("seeds", seeds);
            if (strategy == Strategy.HALVING && eta < 2) {
                throw new IllegalArgumentException("tune eta must be >= 2 but was " + eta);
            }
            if (minEpochs > maxEpochs) {
                throw new IllegalArgumentException("tune minEpochs (" + minEpochs + ") must be <= maxEpochs (" + maxEpochs + ")");
            }
            if (!(minutes >= 0) || Double.isInfinite(minutes)) {
                throw new IllegalArgumentException("tune minutes must be >= 0 (0: no limit) but was " + minutes);
            }
        }

        private static void positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException("tune " + name + " must be >= 1 but was " + v);
            }
        }

        /** Epochs of each rung, in order. */
        public List<Integer> rungEpochs() {
            List<Integer> out = new ArrayList<>();
            if (strategy == Strategy.RANDOM) {
                out.add(maxEpochs);
                return out;
            }
            long e = minEpochs;
            while (true) {
                out.add((int) Math.min(maxEpochs, e));
                if (e >= maxEpochs) {
                    return out;
                }
                e *= eta;
            }
        }

        /** Trials in each rung. */
        public List<Integer> rungSizes() {
            List<Integer> out = new ArrayList<>();
            long div = 1;
            for (int k = 0; k < rungEpochs().size(); k++) {
                out.add((int) Math.max(1, (trials + div - 1) / div));
                div *= eta;
            }
            return out;
        }
    }

    /** One evaluation's outcome. */
    public record Evaluation(double objective, Map<String, Double> metrics, int epochsRun) {
        public Evaluation {
            metrics = metrics == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(metrics));
        }
    }

    /** Trains one trial for {@code epochs} epochs with training seed {@code seed} and evaluates it. */
    @FunctionalInterface
    public interface Objective {
        Evaluation evaluate(Map<String, JsonNode> params, int epochs, long seed) throws Exception;
    }

    /**
     * A trial's standing: its highest rung with every seed evaluated.
     *
     * @param perSeed objective per seed, in seed order
     */
    public record Entry(int trial, Map<String, JsonNode> params, int rung, int epochs, double mean, double std,
                        double[] perSeed) {
    }

    /**
     * A search's outcome.
     *
     * @param leaderboard     trials by highest rung, then objective (best first)
     * @param evaluations     evaluations in the journal
     * @param fromJournal     of those, evaluations found in the journal when the search started
     * @param budgetExhausted whether the minutes ran out before the search was complete
     */
    public record Result(List<Entry> leaderboard, int evaluations, int fromJournal, boolean budgetExhausted) {
        /** The best trial. */
        public Entry best() {
            return leaderboard.get(0);
        }
    }

    private record Key(int trial, int rung, int seedIndex) {
    }

    private record Done(Evaluation evaluation, double seconds) {
    }

    private final Settings settings;
    private final SearchSpace space;
    private final Path dir;
    private final Consumer<String> log;
    private final LongSupplier nanoClock;
    private final Map<Key, Done> done = new HashMap<>();
    private double secondsUsed;

    private Tuner(Settings settings, SearchSpace space, Path dir, Consumer<String> log, LongSupplier nanoClock) {
        this.settings = settings;
        this.space = space;
        this.dir = dir;
        this.log = log;
        this.nanoClock = nanoClock;
    }

    /**
     * Runs (or resumes) a search, writing its journal and reports into {@code dir}.
     *
     * @param log receives a progress line per evaluation; null for none
     */
    public static Result run(Settings settings, SearchSpace space, Objective objective, Path dir, Consumer<String> log)
            throws IOException {
        return run(settings, space, objective, dir, log, System::nanoTime);
    }

    static Result run(Settings settings, SearchSpace space, Objective objective, Path dir, Consumer<String> log,
                      LongSupplier nanoClock) throws IOException {
        Files.createDirectories(dir);
        Tuner t = new Tuner(settings, space, dir, log, nanoClock);
        int resumed = t.readJournal();
        boolean exhausted = t.search(objective);
        List<Entry> board = t.leaderboard();
        if (board.isEmpty()) {
            throw new IllegalStateException("the tuning budget (" + settings.minutes() + " minutes) ended before any trial "
                    + "was evaluated with all " + settings.seeds() + " seed(s)");
        }
        Result r = new Result(board, t.done.size(), resumed, exhausted);
        TuneReport.write(dir, settings, space, r);
        return r;
    }

    private ObjectNode header() {
        ObjectNode h = ConfigJson.mapper().createObjectNode();
        ObjectNode s = h.putObject("settings");
        s.put("strategy", settings.strategy().name().toLowerCase(Locale.ROOT));
        s.put("trials", settings.trials());
        s.put("eta", settings.eta());
        s.put("minEpochs", settings.minEpochs());
        s.put("maxEpochs", settings.maxEpochs());
        s.put("seeds", settings.seeds());
        s.put("seed", settings.seed());
        s.put("objective", settings.objective());
        s.put("higherIsBetter", settings.higherIsBetter());
        h.set("space", space.toJson());
        return h;
    }

    /** Loads the journal's evaluations; returns how many. */
    private int readJournal() throws IOException {
        Path file = dir.resolve(JOURNAL);
        ObjectNode header = header();
        if (!Files.exists(file)) {
            append(file, header.toString());
            return 0;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        JsonNode first = lines.isEmpty() ? null : parse(lines.get(0));
        if (first == null) {
            throw new IllegalArgumentException(file + ": not a tuning journal (its first line is not a search header)");
        }
        JsonNode expected = parse(header.toString());      // numbers as the journal's reader types them
        for (String part : List.of("settings", "space")) {
            if (!expected.get(part).equals(first.get(part))) {
                throw new IllegalArgumentException(file + " belongs to another search: its " + part + " are "
                        + first.get(part) + " but this search's are " + header.get(part)
                        + "; give another output directory, or the same settings to resume");
            }
        }
        long good = lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1;
        for (int i = 1; i < lines.size(); i++) {
            JsonNode n = parse(lines.get(i));
            if (n == null) {
                if (i == lines.size() - 1) {     // torn by a kill mid-write: drop it
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(good);
                    }
                    break;
                }
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is not valid JSON");
            }
            good += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.get("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            Done d = new Done(new Evaluation(n.get("objective").asDouble(), metrics, n.get("epochsRun").asInt()),
                    n.get("seconds").asDouble());
            done.put(new Key(n.get("trial").asInt(), n.get("rung").asInt(), n.get("seedIndex").asInt()), d);
            secondsUsed += d.seconds();
        }
        return done.size();
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode n = ConfigJson.mapper().readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void append(Path file, String line) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Runs every rung; returns true when the time budget stopped it. */
    private boolean search(Objective objective) throws IOException {
        List<Integer> epochs = settings.rungEpochs();
        List<Integer> sizes = settings.rungSizes();
        List<Integer> trials = new ArrayList<>();
        for (int i = 0; i < settings.trials(); i++) {
            trials.add(i);
        }
        for (int rung = 0; rung < epochs.size(); rung++) {
            if (rung > 0) {
                trials = best(trials, rung - 1, sizes.get(rung));
            }
            for (int trial : trials) {
                Map<String, JsonNode> params = space.sample(settings.seed(), trial);
                for (int s = 0; s < settings.seeds(); s++) {
                    Key key = new Key(trial, rung, s);
                    if (done.containsKey(key)) {
                        continue;
                    }
                    if (settings.minutes() > 0 && secondsUsed >= settings.minutes() * 60) {
                        return true;
                    }
                    long seed = settings.seed() + s;
                    long t0 = nanoClock.getAsLong();
                    Evaluation e;
                    try {
                        e = objective.evaluate(params, epochs.get(rung), seed);
                    } catch (RuntimeException | IOException x) {
                        throw x;
                    } catch (Exception x) {
                        throw new IllegalStateException("trial " + trial + " (" + params + ") failed: " + x.getMessage(), x);
                    }
                    double seconds = (nanoClock.getAsLong() - t0) / 1e9;
                    secondsUsed += seconds;
                    done.put(key, new Done(e, seconds));
                    ObjectNode line = ConfigJson.mapper().createObjectNode();
                    line.put("trial", trial);
                    line.put("rung", rung);
                    line.put("epochs", epochs.get(rung));
                    line.put("seedIndex", s);
                    line.put("seed", seed);
                    ObjectNode p = line.putObject("params");
                    params.forEach(p::set);
                    line.put("objective", e.objective());
                    ObjectNode m = line.putObject("metrics");
                    e.metrics().forEach(m::put);
                    line.put("epochsRun", e.epochsRun());
                    line.put("seconds", seconds);
                    append(dir.resolve(JOURNAL), line.toString());
                    if (log != null) {
                        log.accept(String.format(Locale.ROOT, "trial %d rung %d (%d epochs) seed %d: %s %.5f in %.1f s; %s",
                                trial, rung, epochs.get(rung), seed, settings.objective(), e.objective(), seconds, params));
                    }
                }
            }
            List<Entry> board = leaderboard();
            if (!board.isEmpty()) {
                TuneReport.write(dir, settings, space, new Result(board, done.size(), 0, false));
            }
        }
        return false;
    }

    /** The best {@code n} of {@code trials} by their mean objective at {@code rung} (ties: lower trial first). */
    private List<Integer> best(List<Integer> trials, int rung, int n) {
        List<Integer> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingDouble((Integer t) -> score(mean(t, rung))).thenComparingInt(t -> t));
        return new ArrayList<>(sorted.subList(0, Math.min(n, sorted.size())));
    }

    /** Sort key: smaller is better. */
    private double score(double mean) {
        return Double.isNaN(mean) ? Double.POSITIVE_INFINITY : settings.higherIsBetter() ? -mean : mean;
    }

    private double mean(int trial, int rung) {
        double[] v = perSeed(trial, rung);
        return v == null ? Double.NaN : mean(v);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private double[] perSeed(int trial, int rung) {
        double[] v = new double[settings.seeds()];
        for (int s = 0; s < v.length; s++) {
            Done d = done.get(new Key(trial, rung, s));
            if (d == null) {
                return null;
            }
            v[s] = d.evaluation().objective();
        }
        return v;
    }

    private List<Entry> leaderboard() {
        List<Integer> epochs = settings.rungEpochs();
        List<Entry> out = new ArrayList<>();
        for (int t = 0; t < settings.trials(); t++) {
            for (int rung = epochs.size() - 1; rung >= 0; rung--) {
                double[] v = perSeed(t, rung);
                if (v != null) {
                    double m = mean(v);
                    double ss = 0;
                    for (double x : v) {
                        ss += (x - m) * (x - m);
                    }
                    out.add(new Entry(t, space.sample(settings.seed(), t), rung, epochs.get(rung), m,
                            v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0, v));
                    break;
                }
            }
        }
        out.sort(Comparator.comparingInt((Entry e) -> -e.rung()).thenComparingDouble(e -> score(e.mean()))
                .thenComparingInt(Entry::trial));
        return out;
    }
}
