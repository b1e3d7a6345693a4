package io.github.ple4j.cli;

import io.github.ple4j.model.io.ModelBundle;
import io.github.ple4j.model.train.FitState;
import io.github.ple4j.model.NativeSelection;
import io.github.ple4j.model.PleModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A resumed run reaches bit-identical final weights: from any checkpoint, and after a real SIGKILL of a child JVM. */
class ResumeTest {
    @TempDir
    Path dir;

    /** Bit-identical parameters (and the same counters and run state) of two model files. */
    static void assertSameWeights(Path expected, Path actual) throws IOException {
        assertSameParameters(expected, actual);
        try (PleModel a = PleModel.load(expected); PleModel b = PleModel.load(actual)) {
            assertEquals(a.epochsTrained(), b.epochsTrained(), "epochs");
            assertEquals(a.stepsTrained(), b.stepsTrained(), "steps");
            assertEquals(a.attachment(FitState.ATTACHMENT), b.attachment(FitState.ATTACHMENT));
        }
    }

    static String stepFile(long step) {
        return String.format(java.util.Locale.ROOT, "step-%012d.ple", step);
    }

    static FitState peekState(Path checkpoint) throws IOException {
        return FitState.fromJson(ModelBundle.peekAttachment(checkpoint, FitState.ATTACHMENT).orElseThrow());
    }

    /** The raw IEEE-754 bits of a FLOAT array's values, in C order. */
    static int[] bits(INDArray a) {
        float[] v = a.dup('c').reshape(a.length()).toFloatVector();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** Bit-identical parameters of two model files. */
    static void assertSameParameters(Path expected, Path actual) throws IOException {
        try (PleModel a = PleModel.load(expected); PleModel b = PleModel.load(actual)) {
            Map<String, INDArray> pa = a.parameters();
            Map<String, INDArray> pb = b.parameters();
            assertEquals(pa.keySet(), pb.keySet());
            for (String k : pa.keySet()) {
                assertArrayEquals(pa.get(k).shape(), pb.get(k).shape(), k);
                assertArrayEquals(bits(pa.get(k)), bits(pb.get(k)), "bits of " + k);
            }
        }
    }

    /**
     * An uninterrupted run with early stopping (best epoch restored) and checkpoints every 3 steps; then runs resumed
     * from a mid-epoch checkpoint and from an epoch-end checkpoint, each in a directory holding only that checkpoint
     * (and the best-epoch file it refers to), end with the same weights and print the same epoch results.
     */
    @Test
    void resumingFromAnyCheckpointGivesTheSameModel() throws IOException {
        Path train = Fixtures.data(dir, "train.csv", 150, 5);
        Path valid = Fixtures.data(dir, "valid.csv", 60, 6);
        Path job = Fixtures.job(dir, 3, 16,
                "\"earlyStopping\": {\"metric\": \"loss\", \"patience\": 3, \"minDelta\": 0, \"restoreBest\": true}");
        Path full = dir.resolve("full.ple");
        PleCli.Result a = expect(0, "train", "--config", job, "--train", train, "--valid", valid, "--out", full,
                "--checkpoint-every-steps", 3, "--keep-checkpoints", 100, "--quiet");
        Path ck = dir.resolve("full.ple.checkpoints");
        // 150 rows / 16 = 10 batches per epoch: step 12 is after batch 2 of epoch 2, step 20 the end of epoch 2.
        for (long step : new long[]{12, 20}) {
            Path resumeDir = Files.createDirectories(dir.resolve("resume-" + step));
            Path file = ck.resolve(stepFile(step));
            Files.copy(file, resumeDir.resolve(file.getFileName()));
            org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> assertSameParameters(file, full),
                    "control: the comparison tells an earlier checkpoint from the final model");
            FitState s = peekState(file);
            assertEquals(step == 12 ? 2 : 0, s.batchInEpoch());
            if (s.bestFile() != null) {
                Files.copy(ck.resolve(s.bestFile()), resumeDir.resolve(s.bestFile()));
            }
            Path out = dir.resolve("resumed-" + step + ".ple");
            PleCli.Result b = expect(0, "train", "--config", job, "--train", train, "--valid", valid, "--out", out,
                    "--checkpoint-dir", resumeDir, "--checkpoint-every-steps", 3, "--keep-checkpoints", 100, "--resume", "--quiet");
            assertTrue(b.out().contains("resuming from " + resumeDir.resolve(file.getFileName())), b.out());
            assertSameWeights(full, out);
            assertEquals(epochResults(a.out(), 3), epochResults(b.out(), 3), "epoch 3 results");
        }
    }

    /** The epoch line without its timing and checkpoint parts. */
    private static String epochResults(String out, int epoch) {
        return out.lines().filter(l -> l.startsWith("epoch " + epoch + "/")).map(l -> l.replaceAll(" \\| [0-9.]+s, .*", ""))
                .findFirst().orElseThrow(() -> new AssertionError("no epoch " + epoch + " line in\n" + out));
    }

    /**
     * A child JVM runs {@code ple train} (200 steps, a checkpoint every 10). Once it has written its second checkpoint
     * it is killed with SIGKILL ({@link Process#destroyForcibly()}); {@code ple train --resume} then finishes the run,
     * and the model equals, bit for bit, the one of an uninterrupted run with the same seed. A second child gets
     * SIGTERM ({@link Process#destroy()}) instead: it finishes its step, writes a checkpoint there, says so and exits
     * with 143; resuming that also ends with the same weights.
     */
    @Test
    void killedOrTerminatedRunsResumeToTheSameWeights() throws Exception {
        Path train = Fixtures.data(dir, "train.csv", 800, 7);
        Path job = Fixtures.job(dir, 2, 8, null);
        Path reference = dir.resolve("reference.ple");
        expect(0, "train", "--config", job, "--train", train, "--out", reference, "--checkpoint-every-steps", 10, "--quiet");

        // SIGKILL
        Path out = dir.resolve("killed.ple");
        Path ck = dir.resolve("killed.ple.checkpoints");
        Process p = startTraining(job, train, out);
        awaitCheckpointThen(p, ck.resolve(stepFile(20)), Process::destroyForcibly);
        assertEquals(137, p.exitValue(), "killed by SIGKILL (128 + 9)");
        assertFalse(Files.exists(out), "the killed run had not finished");
        long steps = peekState(newest(ck)).step();
        assertTrue(steps >= 20 && steps < 200, "killed mid-training, last checkpoint at step " + steps);
        PleCli.Result resumed = expect(0, "train", "--config", job, "--train", train, "--out", out,
                "--checkpoint-every-steps", 10, "--resume", "--quiet");
        assertTrue(resumed.out().contains("resuming from "), resumed.out());
        assertSameWeights(reference, out);

        // SIGTERM
        Path termOut = dir.resolve("terminated.ple");
        Path termCk = dir.resolve("terminated.ple.checkpoints");
        Process q = startTraining(job, train, termOut);
        awaitCheckpointThen(q, termCk.resolve(stepFile(10)), Process::destroy);
        String log = Files.readString(dir.resolve("terminated.ple.log"));
        assertEquals(143, q.exitValue(), "ended by SIGTERM (128 + 15) after the checkpoint:\n" + log);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("error: interrupted at epoch \\d, step (\\d+); checkpoint (\\S+) written").matcher(log);
        assertTrue(m.find(), log);
        assertEquals(Long.parseLong(m.group(1)), peekState(newest(termCk)).step(), "a checkpoint at the step it stopped");
        expect(0, "train", "--config", job, "--train", train, "--out", termOut, "--checkpoint-every-steps", 10, "--resume", "--quiet");
        assertSameWeights(reference, termOut);
    }

    private Process startTraining(Path job, Path train, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // the native build of this JVM: bit-identical results need the same kernels
                "-D" + NativeSelection.EXTENSION_PROPERTY + "=" + System.getProperty(NativeSelection.EXTENSION_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"), PleCli.class.getName(),
                "train", "--config", job.toString(), "--train", train.toString(), "--out", out.toString(),
                "--checkpoint-every-steps", "10", "--quiet"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName().toString().replace(".ple", ".ple.log")).toFile()).start();
    }

    private static void awaitCheckpointThen(Process p, Path checkpoint, java.util.function.Consumer<Process> stop)
            throws Exception {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(checkpoint)) {
                if (!p.isAlive()) {
                    fail("the child ended before it was stopped (exit " + p.exitValue() + ")");
                }
                if (System.nanoTime() > deadline) {
                    fail("no checkpoint " + checkpoint.getFileName() + " after 90 s");
                }
                Thread.sleep(10);
            }
            stop.accept(p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends");
        } finally {
            p.destroyForcibly();
        }
    }

    private static Path newest(Path ck) throws IOException {
        try (var s = Files.list(ck)) {
            return s.filter(p -> p.getFileName().toString().startsWith("step-") && p.toString().endsWith(".ple"))
                    .max(Path::compareTo).orElseThrow();
        }
    }

}
