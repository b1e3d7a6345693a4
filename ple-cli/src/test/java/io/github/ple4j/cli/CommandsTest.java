package io.github.ple4j.cli;

import io.github.ple4j.model.train.CheckpointDirectory;
import io.github.ple4j.model.train.FitState;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.model.PleModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands end to end, in-process, on one small trained model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsTest {
    @TempDir
    static Path dir;
    Path train;
    Path valid;
    Path test;
    Path job;
    Path model;

    @BeforeAll
    void trainOnce() throws IOException {
        train = Fixtures.data(dir, "train.csv", 300, 1);
        valid = Fixtures.data(dir, "valid.csv", 100, 2);
        test = Fixtures.data(dir, "test.csv", 80, 3);
        job = Fixtures.job(dir, 2, 32, null);
        model = dir.resolve("model.ple");
        PleCli.Result r = expect(0, "train", "--config", job, "--train", train, "--valid", valid, "--out", model,
                "--checkpoint-every-steps", 5, "--quiet");
        assertTrue(r.out().contains("epoch 1/2: train loss"), r.out());
        assertTrue(r.out().contains("epoch 2/2: train loss"), r.out());
        assertTrue(r.out().contains("| click auc "), "per-epoch validation metrics: " + r.out());
        assertTrue(r.out().contains("checkpoint step-"), r.out());
        assertTrue(r.out().contains("saved " + model), r.out());
    }

    @Test
    void trainWritesModelAndKeepsTheLastCheckpoints() throws IOException {
        assertTrue(Files.isRegularFile(model));
        Path ck = dir.resolve("model.ple.checkpoints");
        List<String> names;
        try (Stream<Path> s = Files.list(ck)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // 300 rows / 32 = 10 batches per epoch, 20 steps: checkpoints at 5, 10, 15, 20, the newest 3 kept.
        assertEquals(List.of(".lock", "step-000000000010.ple", "step-000000000015.ple", "step-000000000020.ple"), names);
        try (PleModel m = PleModel.load(ck.resolve("step-000000000015.ple"))) {
            assertEquals(15, m.stepsTrained());
            assertEquals(1, m.epochsTrained());
            FitState s = m.fitState().orElseThrow();
            assertEquals(5, s.batchInEpoch());
            assertTrue(DataFiles.of(m, ck).train().startsWith("bytes "));
        }
    }

    @Test
    void trainWithFlagsInsteadOfAConfig() {
        Path out = dir.resolve("flags.ple");
        PleCli.Result r = expect(0, "train", "--train", train, "--out", out, "--dense", "age,hours", "--ids", "occupation",
                "--one-hot", "region", "--binary-task", "click=click:1:0", "--regression-task", "dwell=dwell",
                "--epochs", 1, "--batch-size", 64, "--quiet");
        assertTrue(r.out().contains("epoch 1/1"), r.out());
        PleCli.Result i = expect(0, "inspect", "--model", out);
        assertTrue(i.out().contains("click (BINARY"), i.out());
        assertTrue(i.out().contains("dwell (REGRESSION"), i.out());
    }

    @Test
    void idColumnsCanTrainWithASparseEmbeddingOptimizer() throws IOException {
        Path out = dir.resolve("sparse.ple");
        expect(0, "train", "--train", train, "--out", out, "--dense", "age,hours", "--ids", "occupation,region",
                "--binary-task", "click=click:1:0", "--embedding-optimizer", "lazy_adam", "--epochs", 1, "--batch-size", 64,
                "--quiet");
        try (PleModel m = PleModel.load(out)) {
            assertEquals(io.github.ple4j.model.config.EmbeddingOptimizerSpec.lazyAdam(),
                    m.config().training().embeddingOptimizer());
            assertEquals(2, m.config().inputs().tables().size());
        }
        PleCli.Result bad = expect(ExitCodes.USAGE, "train", "--train", train, "--out", out, "--dense", "age",
                "--binary-task", "click=click", "--embedding-optimizer", "adam", "--quiet");
        assertTrue(bad.err().contains("--embedding-optimizer"), bad.err());
    }

    @Test
    void evaluatePrintsATableAndJson() throws IOException {
        Path json = dir.resolve("metrics.json");
        PleCli.Result r = expect(0, "evaluate", "--model", model, "--data", test, "--json", json);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("click ") && l.contains("BINARY")), r.out());
        assertTrue(r.out().contains("auc") && r.out().contains("logloss") && r.out().contains("mse"), r.out());
        JsonNode n = JobJson.mapper().readTree(Files.readString(json));
        assertEquals(80, n.get("tasks").get("click").get("count").asInt());
        double auc = n.get("tasks").get("click").get("auc").asDouble();
        assertTrue(auc > 0 && auc <= 1, "auc " + auc);
        assertTrue(n.get("tasks").get("dwell").get("mse").isNumber());
        assertTrue(n.get("tasks").get("dwell").get("auc").isNull());
        PleCli.Result j = expect(0, "evaluate", "--model", model, "--data", test, "--format", "json");
        assertEquals(n.get("tasks"), JobJson.mapper().readTree(j.out()).get("tasks"));
    }

    @Test
    void evaluateReportsBadRowsAndWritesNothing() throws IOException {
        Path bad = Fixtures.write(dir, "bad-test.csv", Files.readString(test).replaceFirst("\n3,([0-9.]+),([0-9.]+),", "\n3,$1,NaN,"));
        Path json = dir.resolve("bad-metrics.json");
        PleCli.Result r = expect(ExitCodes.BAD_DATA, "evaluate", "--model", model, "--data", bad, "--json", json);
        assertTrue(r.err().contains("bad-test.csv, line 5, column 3 (hours): expected a finite number but found 'NaN'"), r.err());
        assertCleanError(r);
        assertFalse(Files.exists(json));
    }

    @Test
    void predictWritesScoresAndTheFusedScore() throws IOException {
        Path out = dir.resolve("preds.csv");
        PleCli.Result r = expect(0, "predict", "--model", model, "--data", test, "--out", out, "--keep", "id",
                "--weights", "click=2");
        assertTrue(r.out().contains("wrote 80 prediction(s)"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals("line,id,click,dwell,score", lines.get(0));
        assertEquals(81, lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(String.valueOf(i + 1), f[0], "line numbers of the input (header is line 1)");
            assertEquals(String.valueOf(i - 1), f[1], "kept id column");
            double p = Double.parseDouble(f[2]);
            assertTrue(p > 0 && p < 1, lines.get(i));
            assertEquals(p * p, Double.parseDouble(f[4]), 1e-6, "Eq. 1 with weight 2: score = p^2");
        }
    }

    @Test
    void predictFindsColumnsByNameAndNeedsNoLabels() throws IOException {
        // Reordered columns, label columns absent, an extra column.
        List<String> src = Files.readAllLines(test);
        StringBuilder sb = new StringBuilder("region,extra,hours,occupation,age,id\n");
        for (String l : src.subList(1, src.size())) {
            String[] f = l.split(",", -1);
            sb.append(String.join(",", f[4], "x", f[2], f[3], f[1], f[0])).append('\n');
        }
        Path reordered = Fixtures.write(dir, "reordered.csv", sb.toString());
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        expect(0, "predict", "--model", model, "--data", test, "--out", a);
        expect(0, "predict", "--model", model, "--data", reordered, "--out", b);
        assertEquals(Files.readAllLines(a), Files.readAllLines(b));
    }

    @Test
    void inspectShowsFormatVersionAndParameterCounts() throws IOException {
        PleCli.Result r = expect(0, "inspect", "--model", model);
        assertTrue(r.out().contains("format         ple4j-model version " + io.github.ple4j.model.io.ModelBundle.FORMAT_VERSION), r.out());
        assertTrue(r.out().contains("parameters     "), r.out());
        assertTrue(r.out().contains("tower/click"), r.out());
        assertTrue(r.out().contains("\"extraction\""), "config JSON: " + r.out());
        JsonNode n = JobJson.mapper().readTree(expect(0, "inspect", "--model", model, "--json").out());
        assertEquals(io.github.ple4j.model.io.ModelBundle.FORMAT_VERSION, n.get("formatVersion").asInt());
        long sum = 0;
        for (JsonNode v : n.get("parameterBlocks")) {
            sum += v.asLong();
        }
        assertEquals(n.get("parameters").asLong(), sum);
        assertEquals(20, n.get("steps").asInt());
        assertTrue(n.get("fitState").get("complete").asBoolean());
    }

    @Test
    void everyCommandHasHelpWithTheExitCodes() {
        for (String c : List.of("train", "evaluate", "predict", "inspect", "export", "tune")) {
            PleCli.Result r = expect(0, c, "--help");
            assertTrue(r.out().contains("Usage: ple " + c), r.out());
            assertTrue(r.out().contains("Exit codes: 0 ok, 1 training diverged"), r.out());
        }
        assertTrue(expect(0, "--help").out().contains("Exit codes:"));
        assertTrue(expect(0, "--version").out().startsWith("PLE4J "));
    }

    @Test
    void usageErrorsExitWithTwoAndOneLine() {
        for (Object[] args : List.of(
                new Object[]{},
                new Object[]{"bogus"},
                new Object[]{"predict", "--model", model, "--data", test},
                new Object[]{"predict", "--model", model, "--data", test, "--out", dir.resolve("x.csv"), "--batch-size", "zero"},
                new Object[]{"predict", "--model", model, "--data", test, "--out", dir.resolve("x.csv"), "--weights", "dwell=1"},
                new Object[]{"predict", "--model", model, "--data", test, "--out", dir.resolve("x.csv"), "--weights", "nope=1"},
                new Object[]{"train", "--config", job, "--dense", "age", "--train", train, "--out", dir.resolve("u.ple")},
                new Object[]{"train", "--train", train, "--out", dir.resolve("u.ple")},
                new Object[]{"train", "--config", job, "--train", train, "--out", dir.resolve("u.ple"), "--resume", "--overwrite"})) {
            PleCli.Result r = expect(ExitCodes.USAGE, args);
            assertCleanError(r);
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(dir.resolve("x.csv")));
        assertFalse(Files.exists(dir.resolve("u.ple.checkpoints")), "a failed start leaves no checkpoint directory");
    }

    @Test
    void opAndBlasThreadsAreSetApart() {
        int ops = org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads();
        int blas = org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads();
        try {
            Path out = dir.resolve("threads.csv");
            PleCli.Result bad = expect(ExitCodes.USAGE, "predict", "--model", model, "--data", test, "--out", out,
                    "--op-threads", "0");
            assertEquals("error: --op-threads must be >= 1 but was 0", bad.err().strip());
            expect(0, "predict", "--model", model, "--data", test, "--out", out, "--threads", "2", "--op-threads", "1");
            assertEquals(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads(), "op threads");
            assertEquals(2, org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads(), "BLAS threads");
            expect(0, "predict", "--model", model, "--data", test, "--out", out, "--threads", "1");
            assertEquals(1, org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads(), "--threads sets both");
        } finally {
            io.github.ple4j.model.Backend.setThreads(ops, blas);
        }
    }

    @Test
    void verbosePrintsTheStackTrace() {
        PleCli.Result r = expect(ExitCodes.IO, "inspect", "--model", dir.resolve("missing.ple"), "--verbose");
        assertTrue(r.err().startsWith("error: cannot read model "), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void anEarlierRunIsNeverOverwrittenSilently() throws IOException {
        Path out = dir.resolve("again.ple");
        Path ck = dir.resolve("again.ple.checkpoints");
        Files.createDirectories(ck);
        Files.copy(dir.resolve("model.ple.checkpoints/step-000000000010.ple"), ck.resolve("step-000000000010.ple"));
        PleCli.Result r = expect(ExitCodes.USAGE, "train", "--config", job, "--train", train, "--out", out, "--quiet");
        assertTrue(r.err().contains("use --resume to continue it or --overwrite to start over"), r.err());
        assertTrue(Files.exists(ck.resolve("step-000000000010.ple")));
    }

    @Test
    void resumeRefusesAnotherJobOrOtherData() throws IOException {
        Path out = dir.resolve("other.ple");
        Path ck = dir.resolve("other.ple.checkpoints");
        Files.createDirectories(ck);
        Files.copy(dir.resolve("model.ple.checkpoints/step-000000000010.ple"), ck.resolve("step-000000000010.ple"));
        Path otherJob = Fixtures.write(dir, "other-job.json", Fixtures.job(3, 32, null));
        PleCli.Result r = expect(ExitCodes.USAGE, "train", "--config", otherJob, "--train", train, "--out", out, "--resume");
        assertTrue(r.err().contains("differs from the job of the checkpoint"), r.err());
        r = expect(ExitCodes.BAD_DATA, "train", "--train", valid, "--out", out, "--resume");
        assertTrue(r.err().contains("is not the training data of the checkpoint"), r.err());
        r = expect(ExitCodes.BAD_DATA, "train", "--train", train, "--out", out, "--resume");
        assertTrue(r.err().contains("no --valid was given but the checkpoint"), r.err());
        r = expect(ExitCodes.BAD_DATA, "train", "--train", train, "--valid", test, "--out", out, "--resume");
        assertTrue(r.err().contains("resuming needs the same validation data"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void twoRunsCannotShareACheckpointDirectory() throws IOException {
        Path out = dir.resolve("locked.ple");
        try (CheckpointDirectory held = CheckpointDirectory.open(dir.resolve("locked.ple.checkpoints"), 3)) {
            PleCli.Result r = expect(ExitCodes.IO, "train", "--config", job, "--train", train, "--out", out, "--quiet");
            assertTrue(r.err().contains("another training run is using the checkpoint directory"), r.err());
            assertCleanError(r);
        }
    }

    @Test
    void badTrainingDataNamesFileLineAndColumn() throws IOException {
        String text = Files.readString(train).replaceFirst("\n7,([0-9.]+),", "\n7,seven,");
        Path bad = Fixtures.write(dir, "bad-train.csv", text);
        Path out = dir.resolve("bad.ple");
        PleCli.Result r = expect(ExitCodes.BAD_DATA, "train", "--config", job, "--train", bad, "--out", out, "--quiet");
        assertTrue(r.err().contains("bad-train.csv, line 9, column 2 (age): expected a finite number but found 'seven'"), r.err());
        assertCleanError(r);
        assertFalse(Files.exists(out));
    }

    @Test
    void invalidJobConfigNamesTheJsonPath() throws IOException {
        Path bad = Fixtures.write(dir, "bad-job.json", Fixtures.job(2, 32, null).replace("\"type\": \"binary\"", "\"type\": \"ternary\""));
        PleCli.Result r = expect(ExitCodes.BAD_MODEL_OR_CONFIG, "train", "--config", bad, "--train", train,
                "--out", dir.resolve("j.ple"));
        assertTrue(r.err().contains("bad-job.json: invalid job config at $.csv.labels[0].type"), r.err());
        assertCleanError(r);
    }

    @Test
    void divergenceStopsNamingStepAndTaskAndKeepsTheLastGoodCheckpoint() throws IOException {
        // Row 45 (batch 5 of epoch 1 with 8 rows per batch, step 5) has a dwell label whose square overflows float.
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(train));
        String[] f = lines.get(45).split(",", -1);
        f[6] = "1e30";
        lines.set(45, String.join(",", f));
        Path bad = Fixtures.write(dir, "diverging.csv", String.join("\n", lines) + "\n");
        Path jobFile = Fixtures.write(dir, "job8.json", Fixtures.job(2, 8, null));
        Path out = dir.resolve("diverged.ple");
        // File order (no shuffle buffer), so that the bad row falls in a known step.
        PleCli.Result r = expect(ExitCodes.DIVERGED, "train", "--config", jobFile, "--train", bad, "--out", out,
                "--checkpoint-every-steps", 2, "--quiet", "--shuffle-buffer", 1);
        assertCleanError(r);
        String e = r.err();
        assertTrue(e.contains("training diverged at epoch 1, step 5 (batch 6 of the epoch)"), e);
        assertTrue(e.contains("dwell"), e);
        assertTrue(e.contains("the last good checkpoint is " + dir.resolve("diverged.ple.checkpoints/step-000000000004.ple")), e);
        assertFalse(Files.exists(out), "no model written");
        try (PleModel m = PleModel.load(dir.resolve("diverged.ple.checkpoints/step-000000000004.ple"))) {
            assertEquals(4, m.stepsTrained());
            m.parameters().values().forEach(a -> assertTrue(Double.isFinite(a.sumNumber().doubleValue())));
        }
    }

    /** minDelta 1e9: only the first epoch "improves", so training stops after epoch 2 and epoch 1 is restored. */
    @Test
    void earlyStoppingRestoresTheBestEpoch() throws IOException {
        Path esJob = Fixtures.write(dir, "es-job.json", Fixtures.job(3, 32,
                "\"earlyStopping\": {\"metric\": \"loss\", \"patience\": 1, \"minDelta\": 1e9, \"restoreBest\": true}"));
        Path out = dir.resolve("es.ple");
        PleCli.Result r = expect(0, "train", "--config", esJob, "--train", train, "--valid", valid, "--out", out, "--quiet");
        assertTrue(r.out().contains("early stop: loss did not improve for 1 epoch(s); best epoch 1"), r.out());
        assertTrue(r.out().contains("parameters of the best epoch 1 restored"), r.out());
        assertFalse(r.out().contains("epoch 3/3"), r.out());
        ResumeTest.assertSameParameters(dir.resolve("es.ple.checkpoints/best-epoch-0001.ple"), out);
        try (PleModel m = PleModel.load(out)) {
            assertEquals(2, m.epochsTrained(), "epoch 1's parameters, trained for 2 epochs");
            FitState s = m.fitState().orElseThrow();
            assertTrue(s.complete() && s.stoppedEarly());
            assertEquals(0, s.bestEpoch());
        }
        PleCli.Result noValid = expect(ExitCodes.USAGE, "train", "--config", esJob, "--train", train, "--out",
                dir.resolve("es2.ple"), "--quiet");
        assertTrue(noValid.err().contains("needs validation data: give --valid"), noValid.err());
    }
}
