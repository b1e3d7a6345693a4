package io.github.ple4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ple tune} on a small job: successive halving, the reports, resuming from the journal, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TuneCommandTest {
    Path dir;
    Path train;
    Path valid;
    Path job;
    Path space;

    @BeforeAll
    void data(@TempDir Path tmp) throws IOException {
        dir = tmp;
        train = Fixtures.data(dir, "train.csv", 300, 1);
        valid = Fixtures.data(dir, "valid.csv", 120, 2);
        job = Fixtures.job(dir, 2, 64, null);
        space = Fixtures.write(dir, "space.json", """
                {"learningRate": {"logUniform": [0.001, 0.05]},
                 "expertHidden": {"choice": [[4], [8, 4]]},
                 "batchSize": {"choice": [32, 64]}}
                """);
    }

    @Test
    void halvingSearchWritesTheLeaderboardAndResumes() throws IOException {
        Path out = dir.resolve("search");
        PleCli.Result r = expect(0, "tune", "--config", job, "--train", train, "--valid", valid, "--space", space, "--out", out,
                "--objective", "click.auc", "--trials", 4, "--eta", 2, "--min-epochs", 1, "--max-epochs", 2);
        assertTrue(r.out().contains("halving search, 4 trial(s), rungs of [1, 2] epochs with [4, 2] trial(s), 1 seed(s)"),
                r.out());
        assertEquals(6, r.out().lines().filter(l -> l.startsWith("trial ")).count(), "4 trials at 1 epoch, the best 2 at 2");
        assertTrue(r.out().contains("6 evaluation(s) (0 from the journal)"), r.out());

        JsonNode json = ConfigJson.mapper().readTree(out.resolve("tune.json").toFile());
        JsonNode best = json.get("leaderboard").get(0);
        assertEquals(1, best.get("rung").asInt());
        assertEquals(2, best.get("epochs").asInt());
        double top = best.get("mean").asDouble();
        assertTrue(top >= json.get("leaderboard").get(1).get("mean").asDouble());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "best: trial %d, click.auc %.5f", best.get("trial")
                .asInt(), top)), r.out());
        PleConfig bestConfig = ConfigJson.fromJson(Files.readString(out.resolve("best-config.json")), "best-config.json");
        assertEquals(best.get("params").get("learningRate").asDouble(), bestConfig.training().optimizer().learningRate());
        assertEquals(JobJson.mapper().convertValue(best.get("params").get("expertHidden"), List.class),
                bestConfig.extraction().expertHidden());
        assertTrue(Files.readString(out.resolve("tune.md")).contains("| 1 | " + best.get("trial").asInt() + " | 2 | "));

        PleCli.Result again = expect(0, "tune", "--config", job, "--train", train, "--valid", valid, "--space", space, "--out",
                out, "--objective", "click.auc", "--trials", 4, "--eta", 2, "--min-epochs", 1, "--max-epochs", 2);
        assertEquals(0, again.out().lines().filter(l -> l.startsWith("trial ")).count(), again.out());
        assertTrue(again.out().contains("6 evaluation(s) (6 from the journal)"), again.out());

        PleCli.Result other = expect(ExitCodes.USAGE, "tune", "--config", job, "--train", train, "--valid", valid, "--space",
                space, "--out", out, "--objective", "click.auc", "--trials", 5, "--eta", 2, "--max-epochs", 2);
        assertCleanError(other);
        assertTrue(other.err().contains("journal.jsonl belongs to another search"), other.err());
    }

    @Test
    void badSpacesAndObjectivesAreRefused() throws IOException {
        Path out = dir.resolve("bad");
        Path unknown = Fixtures.write(dir, "unknown.json", "{\"width\": {\"int\": [1, 4]}}");
        PleCli.Result u = expect(ExitCodes.USAGE, "tune", "--config", job, "--train", train, "--valid", valid, "--space",
                unknown, "--out", out);
        assertCleanError(u);
        assertTrue(u.err().contains("search space parameter 'width' is not a known hyper-parameter; the known ones are "
                + "[learningRate, optimizer, dropout, l2, levels, expertsPerTask, sharedExperts, expertHidden, activation, "
                + "gateBias, towerHidden, batchSize]"), u.err());
        Path broken = Fixtures.write(dir, "broken.json", "{\"dropout\": {\"uniform\": [0.5, 0.1]}}");
        PleCli.Result b = expect(ExitCodes.BAD_MODEL_OR_CONFIG, "tune", "--config", job, "--train", train, "--valid", valid,
                "--space", broken, "--out", out);
        assertTrue(b.err().contains(broken + ": parameter 'dropout': uniform needs low < high but was [0.5,0.1]"), b.err());
        PleCli.Result o = expect(ExitCodes.USAGE, "tune", "--config", job, "--train", train, "--valid", valid, "--space",
                space, "--out", out, "--objective", "buy.auc");
        assertTrue(o.err().contains("--objective names the task 'buy' but the job's tasks are [click, dwell]"), o.err());
        PleCli.Result m = expect(ExitCodes.USAGE, "tune", "--config", job, "--train", train, "--valid", valid, "--space",
                space, "--out", out, "--objective", "click.f1");
        assertTrue(m.err().contains("--objective: unknown metric 'f1'"), m.err());
    }
}
