package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.config.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search engine on an objective whose value is known: schedules, resume, budget, journal checks. */
class TunerTest {
    @TempDir
    Path dir;

    private static final SearchSpace SPACE = SearchSpace.parse(
            "{\"learningRate\": {\"logUniform\": [1e-4, 1e-1]}, \"width\": {\"choice\": [8, 16, 32]}}", "space.json");

    /** A figure that peaks at lr 0.003 and grows with epochs; seed adds +-0.001. */
    private static double value(Map<String, JsonNode> p, int epochs, long seed) {
        double lr = p.get("learningRate").asDouble();
        return -Math.abs(Math.log10(lr) - Math.log10(0.003)) + 0.01 * epochs + (seed % 2 == 0 ? 0.001 : -0.001);
    }

    private static final class Recording implements Tuner.Objective {
        final List<String> calls = new ArrayList<>();
        int failAfter = Integer.MAX_VALUE;

        @Override
        public Tuner.Evaluation evaluate(Map<String, JsonNode> params, int epochs, long seed) {
            if (calls.size() >= failAfter) {
                throw new IllegalStateException("killed");
            }
            calls.add(params.get("learningRate").asDouble() + "@" + epochs + "/" + seed);
            return new Tuner.Evaluation(value(params, epochs, seed), Map.of("auc", value(params, epochs, seed)), epochs);
        }
    }

    private static Tuner.Settings halving(int trials) {
        return new Tuner.Settings(Tuner.Strategy.HALVING, trials, 3, 1, 9, 2, 42, 0, "auc", true);
    }

    @Test
    void successiveHalvingRungs() throws IOException {
        Tuner.Settings s = halving(9);
        assertEquals(List.of(1, 3, 9), s.rungEpochs());
        assertEquals(List.of(9, 3, 1), s.rungSizes());
        assertEquals(List.of(2, 6, 8), new Tuner.Settings(Tuner.Strategy.HALVING, 10, 3, 2, 8, 1, 1, 0, "auc", true)
                .rungEpochs());
        assertEquals(List.of(10, 4, 2), new Tuner.Settings(Tuner.Strategy.HALVING, 10, 3, 2, 8, 1, 1, 0, "auc", true)
                .rungSizes());
        assertEquals(List.of(7), new Tuner.Settings(Tuner.Strategy.RANDOM, 5, 0, 1, 7, 1, 1, 0, "auc", true).rungEpochs());

        Recording obj = new Recording();
        Tuner.Result r = Tuner.run(s, SPACE, obj, dir, null);
        assertEquals((9 + 3 + 1) * 2, obj.calls.size(), "9 trials, then the best 3, then the best 1, 2 seeds each");
        assertEquals(26, r.evaluations());
        // the winner is the trial whose learning rate is closest to 0.003 (in log) among the 9
        int expected = 0;
        double bestDist = Double.MAX_VALUE;
        for (int t = 0; t < 9; t++) {
            double d = Math.abs(Math.log10(SPACE.sample(42, t).get("learningRate").asDouble()) - Math.log10(0.003));
            if (d < bestDist) {
                bestDist = d;
                expected = t;
            }
        }
        Tuner.Entry best = r.best();
        assertEquals(expected, best.trial());
        assertEquals(2, best.rung());
        assertEquals(9, best.epochs());
        double v0 = value(best.params(), 9, 42);
        double v1 = value(best.params(), 9, 43);
        assertArrayEquals(new double[]{v0, v1}, best.perSeed(), 1e-15);
        assertEquals((v0 + v1) / 2, best.mean(), 1e-15);
        assertEquals(Math.abs(v0 - v1) / Math.sqrt(2), best.std(), 1e-12);
        assertEquals(9, r.leaderboard().size(), "every trial is ranked, by the highest rung it reached");
        assertEquals(List.of(2, 1, 1, 0, 0, 0, 0, 0, 0), r.leaderboard().stream().map(Tuner.Entry::rung).toList());
        JsonNode json = ConfigJson.mapper().readTree(dir.resolve("tune.json").toFile());
        assertEquals(expected, json.get("leaderboard").get(0).get("trial").asInt());
        String md = Files.readString(dir.resolve("tune.md"));
        assertTrue(md.contains("| 1 | " + expected + " | 9 | "), md);
    }

    @Test
    void aKilledSearchResumesFromItsJournalToTheSameLeaderboard() throws IOException {
        Recording whole = new Recording();
        Tuner.Result reference = Tuner.run(halving(6), SPACE, whole, dir.resolve("whole"), null);

        Recording first = new Recording();
        first.failAfter = 7;
        Path d = dir.resolve("killed");
        assertThrows(IllegalStateException.class, () -> Tuner.run(halving(6), SPACE, first, d, null));
        // a kill in the middle of writing a line leaves a torn last line
        Files.writeString(d.resolve(Tuner.JOURNAL), "{\"trial\": 3, \"ru", java.nio.file.StandardOpenOption.APPEND);
        Recording second = new Recording();
        Tuner.Result resumed = Tuner.run(halving(6), SPACE, second, d, null);
        assertEquals(7, resumed.fromJournal());
        assertEquals(whole.calls.size() - 7, second.calls.size());
        assertEquals(whole.calls.subList(7, whole.calls.size()), second.calls);
        assertEquals(reference.leaderboard().stream().map(Tuner.Entry::trial).toList(),
                resumed.leaderboard().stream().map(Tuner.Entry::trial).toList());
        assertEquals(reference.best().mean(), resumed.best().mean(), 0);
        // a third run has nothing left to do
        Recording third = new Recording();
        Tuner.run(halving(6), SPACE, third, d, null);
        assertEquals(0, third.calls.size());
    }

    @Test
    void aJournalOfAnotherSearchIsRefused() throws IOException {
        Tuner.run(halving(3), SPACE, new Recording(), dir, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tuner.run(halving(4), SPACE, new Recording(), dir, null));
        assertTrue(e.getMessage().startsWith(dir.resolve(Tuner.JOURNAL) + " belongs to another search: its settings are "
                + "{\"strategy\":\"halving\",\"trials\":3,"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; give another output directory, or the same settings to resume"));
    }

    @Test
    void theMinutesBudgetStopsNewEvaluations() throws IOException {
        AtomicLong clock = new AtomicLong();
        Tuner.Objective minute = (p, epochs, seed) -> {
            clock.addAndGet(60_000_000_000L);
            return new Tuner.Evaluation(value(p, epochs, seed), Map.of(), epochs);
        };
        Tuner.Settings s = new Tuner.Settings(Tuner.Strategy.RANDOM, 10, 0, 1, 5, 1, 7, 2.5, "auc", true);
        Tuner.Result r = Tuner.run(s, SPACE, minute, dir, null, clock::get);
        assertEquals(3, r.evaluations(), "starts at 0, 1 and 2 minutes; at 3 the 2.5 minutes are spent");
        assertTrue(r.budgetExhausted());
        assertEquals(3, r.leaderboard().size());
        assertTrue(Files.readString(dir.resolve("tune.md")).contains("(the budget ran out first)"));
    }

    @Test
    void lowerIsBetterObjectivesRankAscending() throws IOException {
        Tuner.Settings s = new Tuner.Settings(Tuner.Strategy.RANDOM, 5, 0, 1, 2, 1, 3, 0, "logloss", false);
        Tuner.Result r = Tuner.run(s, SPACE, new Recording(), dir, null);
        for (int i = 1; i < r.leaderboard().size(); i++) {
            assertTrue(r.leaderboard().get(i - 1).mean() <= r.leaderboard().get(i).mean());
        }
        assertFalse(r.budgetExhausted());
    }

    @Test
    void settingsAreChecked() {
        assertEquals("tune eta must be >= 2 but was 1", assertThrows(IllegalArgumentException.class,
                () -> new Tuner.Settings(Tuner.Strategy.HALVING, 4, 1, 1, 9, 1, 1, 0, "auc", true)).getMessage());
        assertEquals("tune minEpochs (5) must be <= maxEpochs (3)", assertThrows(IllegalArgumentException.class,
                () -> new Tuner.Settings(Tuner.Strategy.HALVING, 4, 2, 5, 3, 1, 1, 0, "auc", true)).getMessage());
        assertEquals("tune trials must be >= 1 but was 0", assertThrows(IllegalArgumentException.class,
                () -> new Tuner.Settings(Tuner.Strategy.RANDOM, 0, 2, 1, 3, 1, 1, 0, "auc", true)).getMessage());
    }
}
