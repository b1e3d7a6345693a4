package io.github.ple4j.cli;

import io.github.ple4j.datavec.datasets.AliCcpLike;
import io.github.ple4j.model.train.FitState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recommender logs end to end through the CLI: the README's example job on Ali-CCP-like logs in gzip part files,
 * the purchase task on its sample space, shuffled streaming with resume, and the errors of the new job fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsTest {
    /** The example job config the README points to. */
    static final Path EXAMPLE = Path.of("..", "docs", "examples", "ali-ccp-like.json");

    Path dir;
    Path train;
    Path valid;
    List<String[]> trainRows;

    @BeforeAll
    void generate(@TempDir Path tmp) throws IOException {
        dir = tmp;
        List<Path> parts = AliCcpLike.write(new AliCcpLike.Spec(900, 300, 400, 1.1, true, 3, true, 5), dir, "train");
        train = dir.resolve("train");
        assertEquals(3, parts.size());
        valid = AliCcpLike.write(new AliCcpLike.Spec(300, 300, 400, 1.1, true, 1, false, 6), dir, "valid").get(0);
        trainRows = new ArrayList<>();
        for (Path p : parts) {
            trainRows.addAll(read(p));
        }
    }

    /** The data rows of a part, split at commas (the generator writes no quotes). */
    private static List<String[]> read(Path part) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(part.toString().endsWith(".gz")
                ? new GZIPInputStream(Files.newInputStream(part)) : Files.newInputStream(part), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                rows.add(l.split(",", -1));
            }
        }
        return rows;
    }

    private long clicked() {
        int click = AliCcpLike.columns(true).indexOf("click");
        return trainRows.stream().filter(f -> f[click].equals("1")).count();
    }

    @Test
    void theExampleJobTrainsEvaluatesAndPredictsOnShardedLogs() throws IOException {
        Path model = dir.resolve("example.ple");
        PleCli.Result t = expect(0, "train", "--config", EXAMPLE, "--train", train, "--valid", valid, "--out", model,
                "--epochs", 1, "--quiet");
        assertTrue(t.out().contains("on " + train + " (3 parts): 900 rows"), t.out());
        assertTrue(t.out().contains("task 'purchase' is defined on rows with click in [1]: " + clicked()
                + " labelled row(s) of 900"), t.out());

        PleCli.Result e = expect(0, "evaluate", "--model", model, "--data", train.resolve("part-*.csv.gz"), "--format", "json");
        com.fasterxml.jackson.databind.JsonNode json = io.github.ple4j.cli.job.JobJson.mapper().readTree(e.out());
        long purchaseCount = json.get("tasks").get("purchase").get("count").asLong();
        assertEquals(900, json.get("tasks").get("click").get("count").asLong());
        assertEquals(clicked(), purchaseCount, "purchase is evaluated on the clicked rows only");

        Path preds = dir.resolve("preds.csv");
        expect(0, "predict", "--model", model, "--data", train, "--out", preds);
        List<String> lines = Files.readAllLines(preds);
        assertEquals("part,line,click,purchase", lines.get(0));
        assertEquals(901, lines.size(), "every row is scored, clicked or not");
        assertEquals("part-00000.csv.gz,2", lines.get(1).substring(0, lines.get(1).indexOf(',', 18)));
        assertTrue(lines.get(900).startsWith("part-00002.csv.gz,301,"), lines.get(900));
    }

    @Test
    void sampleSpaceTrainsTheSameModelAsAHandBlankedFile() throws IOException {
        List<String> cols = AliCcpLike.columns(true);
        int click = cols.indexOf("click");
        int purchase = cols.indexOf("purchase");
        StringBuilder ruled = new StringBuilder(String.join(",", cols)).append('\n');
        StringBuilder blanked = new StringBuilder(String.join(",", cols)).append('\n');
        for (String[] f : trainRows) {
            ruled.append(String.join(",", f)).append('\n');
            String[] g = f.clone();
            if (!g[click].equals("1")) {
                g[purchase] = "";
            }
            blanked.append(String.join(",", g)).append('\n');
        }
        Path a = Fixtures.write(dir, "ruled.csv", ruled.toString());
        Path b = Fixtures.write(dir, "blanked.csv", blanked.toString());
        String job = Files.readString(EXAMPLE);
        Path noSpace = Fixtures.write(dir, "no-space.json",
                job.replace(",\n       \"sampleSpace\": {\"column\": \"click\", \"values\": [\"1\"]}", ""));
        assertTrue(!Files.readString(noSpace).contains("sampleSpace"), "the job without the rule");
        expect(0, "train", "--config", EXAMPLE, "--train", a, "--out", dir.resolve("ruled.ple"), "--epochs", 1, "--quiet");
        expect(0, "train", "--config", noSpace, "--train", b, "--out", dir.resolve("blanked.ple"), "--epochs", 1, "--quiet");
        ResumeTest.assertSameParameters(dir.resolve("blanked.ple"), dir.resolve("ruled.ple"));
    }

    @Test
    void aRunResumedWithTheShuffleBufferPartlyDrainedReachesTheSameWeights() throws IOException {
        Path job = Fixtures.write(dir, "small-buffer.json", Files.readString(EXAMPLE)
                .replace("\"bufferRows\": 10000", "\"bufferRows\": 100").replace("\"batchSize\": 256", "\"batchSize\": 32"));
        Path full = dir.resolve("full.ple");
        expect(0, "train", "--config", job, "--train", train, "--out", full, "--checkpoint-every-steps", 5,
                "--keep-checkpoints", 100, "--quiet");
        // 900 rows / 32 = 29 batches per epoch: step 35 is batch 6 of epoch 2 (192 rows read through a 100-row buffer).
        Path ck = dir.resolve("full.ple.checkpoints");
        Path resumeDir = Files.createDirectories(dir.resolve("resume"));
        Path file = ck.resolve(ResumeTest.stepFile(35));
        Files.copy(file, resumeDir.resolve(file.getFileName()));
        FitState s = ResumeTest.peekState(file);
        assertEquals(1, s.epoch());
        assertEquals(6, s.batchInEpoch());
        Path out = dir.resolve("resumed.ple");
        expect(0, "train", "--config", job, "--train", train, "--out", out, "--checkpoint-dir", resumeDir, "--resume", "--quiet");
        ResumeTest.assertSameWeights(full, out);
        Path seed2 = dir.resolve("seed2.ple");
        expect(0, "train", "--config", job, "--train", train, "--out", seed2, "--shuffle-seed", 99, "--quiet");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> ResumeTest.assertSameParameters(full, seed2),
                "another shuffle seed, another order, other weights");
    }

    private PleCli.Result badJob(int code, String from, String to) throws IOException {
        String job = Files.readString(EXAMPLE);
        assertTrue(job.contains(from), from);
        Path f = Fixtures.write(dir, "bad.json", job.replace(from, to));
        PleCli.Result r = expect(code, "train", "--config", f, "--train", train, "--out", dir.resolve("bad.ple"), "--quiet");
        assertCleanError(r);
        return r;
    }

    @Test
    void badJobFieldsAndShardsAreNamed() throws IOException {
        PleCli.Result r = badJob(ExitCodes.BAD_MODEL_OR_CONFIG, "\"buckets\": {\"user_id\": 200000}", "\"buckets\": {\"user_id\": 0}");
        assertTrue(r.err().contains("buckets.user_id must be >= 1 but was 0"), r.err());
        r = badJob(ExitCodes.BAD_MODEL_OR_CONFIG, "\"maxBagLength\": 20,", "\"maxBagLength\": 20, \"separators\": {\"price\": \";\"},");
        assertTrue(r.err().contains("separators names the column 'price' but it is not one of the bags columns [history, tags]"),
                r.err());
        r = badJob(ExitCodes.BAD_MODEL_OR_CONFIG, "\"sampleSpace\": {\"column\": \"click\"", "\"sampleSpace\": {\"column\": \"clik\"");
        assertTrue(r.err().contains("csv.labels[1].sampleSpace.column names the column 'clik' but the data has no such "
                + "column; its columns are [user_id, item_id"), r.err());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        PleCli.Result e = expect(ExitCodes.IO, "train", "--config", EXAMPLE, "--train", empty, "--out", dir.resolve("e.ple"));
        assertTrue(e.err().contains(empty + ": the directory holds no .csv or .csv.gz part file (it is empty)"), e.err());

        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        List<String> cols = AliCcpLike.columns(true);
        Files.writeString(mixed.resolve("a.csv"), String.join(",", cols) + "\n" + String.join(",", trainRows.get(0)) + "\n");
        List<String> swapped = new ArrayList<>(cols);
        java.util.Collections.swap(swapped, 0, 1);
        Files.writeString(mixed.resolve("b.csv"), String.join(",", swapped) + "\n" + String.join(",", trainRows.get(1)) + "\n");
        PleCli.Result h = expect(ExitCodes.BAD_DATA, "train", "--config", EXAMPLE, "--train", mixed, "--out", dir.resolve("h.ple"));
        assertTrue(h.err().contains(mixed.resolve("b.csv") + ", line 1: the header " + swapped + " differs from the header "
                + cols + " of the first part " + mixed.resolve("a.csv")), h.err());

        Path badValue = Files.createDirectories(dir.resolve("bad-value"));
        StringBuilder second = new StringBuilder(String.join(",", cols)).append('\n');
        for (int i = 0; i < 5; i++) {
            String[] f = trainRows.get(i).clone();
            if (i == 3) {
                f[cols.indexOf("price")] = "cheap";
            }
            second.append(String.join(",", f)).append('\n');
        }
        Files.writeString(badValue.resolve("part-0.csv"), String.join(",", cols) + "\n" + String.join(",", trainRows.get(9)) + "\n");
        Files.writeString(badValue.resolve("part-1.csv"), second.toString());
        PleCli.Result v = expect(ExitCodes.BAD_DATA, "train", "--config", EXAMPLE, "--train", badValue, "--out", dir.resolve("v.ple"));
        assertTrue(v.err().contains(badValue.resolve("part-1.csv") + ", line 5, column 6 (price): expected a finite number "
                + "but found 'cheap'"), v.err());
    }

    @Test
    void flagsDescribeTheSameJob() {
        Path model = dir.resolve("flags.ple");
        PleCli.Result t = expect(0, "train", "--train", train, "--out", model, "--dense", "price,user_activity,item_ctr",
                "--ids", "user_id,item_id", "--bags", "history,tags", "--max-bag-length", 3, "--hash", "user_id=500",
                "--max-vocabulary", 100, "--binary-task", "click=click", "--binary-task", "purchase=purchase",
                "--sample-space", "purchase=click:1", "--epochs", 1, "--shuffle-buffer", 50, "--quiet");
        assertTrue(t.out().contains("task 'purchase' is defined on rows with click in [1]: " + clicked()
                + " labelled row(s) of 900"), t.out());
        assertTrue(t.out().contains("row(s) of bag column 'history' had more than 3 values; they keep their first 3"), t.out());
        PleCli.Result space = expect(ExitCodes.USAGE, "train", "--train", train, "--out", model, "--dense", "price",
                "--binary-task", "click=click", "--binary-task", "purchase=purchase", "--sample-space", "purchase=click");
        assertTrue(space.err().contains("--sample-space must be TASK=COLUMN:VALUE,.. but was 'purchase=click'"), space.err());
        PleCli.Result task = expect(ExitCodes.USAGE, "train", "--train", train, "--out", model, "--dense", "price",
                "--binary-task", "click=click", "--sample-space", "cvr=click:1");
        assertTrue(task.err().contains("--sample-space cvr=click:1: no task 'cvr'; the tasks are [click]"), task.err());
        PleCli.Result hash = expect(ExitCodes.USAGE, "train", "--train", train, "--out", model, "--ids", "user_id",
                "--binary-task", "click=click", "--hash", "user_id=many");
        assertTrue(hash.err().contains("--hash must be COLUMN=BUCKETS with a whole number of buckets but was 'user_id=many'"),
                hash.err());
        PleCli.Result notId = expect(ExitCodes.USAGE, "train", "--train", train, "--out", model, "--ids", "user_id",
                "--dense", "price", "--binary-task", "click=click", "--hash", "price=10");
        assertTrue(notId.err().contains("buckets names the column 'price' but it is not one of the ids or bags columns [user_id]"),
                notId.err());
    }
}
