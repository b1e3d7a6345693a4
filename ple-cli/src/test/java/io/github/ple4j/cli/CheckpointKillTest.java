package io.github.ple4j.cli;

import io.github.ple4j.model.NativeSelection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGKILL in the middle of writing a checkpoint: a child JVM trains a model with a 10^6-row table (checkpoints of
 * about 100 MB, so the write takes long enough to be caught), and is killed while its temporary checkpoint file
 * exists. {@code --resume} removes the partly written file, says so, continues from the previous checkpoint and
 * ends with the weights of an uninterrupted run. Tagged slow: three runs write several such checkpoints.
 */
@Tag("slow")
class CheckpointKillTest {
    @TempDir
    Path dir;

    @Test
    void killedWhileWritingACheckpointResumesFromThePreviousOne() throws Exception {
        Path train = Fixtures.data(dir, "train.csv", 240, 3);
        Path job = Fixtures.write(dir, "big-table.json", Fixtures.job(2, 8, "\"embeddingOptimizer\": {\"type\": \"lazy_adam\"}")
                .replace("\"ids\": [\"occupation\"],", "\"ids\": [\"occupation\"], \"buckets\": {\"occupation\": 1000000}, "
                        + "\"embeddingDim\": 8,"));
        Path reference = dir.resolve("reference.ple");
        expect(0, "train", "--config", job, "--train", train, "--out", reference, "--checkpoint-every-steps", 20, "--quiet");

        Path out = dir.resolve("killed.ple");
        Path ck = dir.resolve("killed.ple.checkpoints");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-D" + NativeSelection.EXTENSION_PROPERTY + "=" + System.getProperty(NativeSelection.EXTENSION_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"), PleCli.class.getName(), "train", "--config", job.toString(),
                "--train", train.toString(), "--out", out.toString(), "--checkpoint-every-steps", "20", "--quiet"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            // 30 steps per epoch: checkpoints at steps 20 and 30 complete, then kill during the write of step 40's.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (temporaryFiles(ck, "step-000000000040.ple").isEmpty()) {
                if (!p.isAlive()) {
                    fail("the child ended before its step-40 checkpoint was caught being written (exit " + p.exitValue()
                            + "):\n" + Files.readString(dir.resolve("child.log")));
                }
                if (System.nanoTime() > deadline) {
                    fail("no step-40 checkpoint write seen in 180 s");
                }
                Thread.sleep(2);
            }
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertFalse(temporaryFiles(ck, "step-").isEmpty(), "killed with the temporary file in place");
        assertFalse(Files.exists(ck.resolve("step-000000000040.ple")), "the step-40 checkpoint was never completed");
        PleCli.Result r = expect(0, "train", "--config", job, "--train", train, "--out", out, "--checkpoint-every-steps", 20,
                "--resume", "--quiet");
        assertTrue(r.err().contains("note: removed 1 partly written checkpoint file(s) left by an interrupted run"), r.err());
        assertTrue(r.out().contains("resuming from " + ck.resolve("step-000000000030.ple")), r.out());
        assertTrue(temporaryFiles(ck, "step-").isEmpty());
        ResumeTest.assertSameWeights(reference, out);
    }

    private static List<Path> temporaryFiles(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }
}
