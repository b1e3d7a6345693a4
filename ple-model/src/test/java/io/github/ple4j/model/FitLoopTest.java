package io.github.ple4j.model;

import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.train.CheckpointDirectory;
import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.train.FitState;
import io.github.ple4j.model.train.NonFiniteLossException;
import io.github.ple4j.model.train.StepInfo;
import io.github.ple4j.model.train.TrainingListener;
import io.github.ple4j.model.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one epoch loop ({@link io.github.ple4j.model.train.FitLoop}): checkpoints, a stop request, resuming
 * mid-epoch bit-identically, restore-best from memory and from a checkpoint file, and divergence.
 */
class FitLoopTest {
    private static final MultiDataSet DATA = TestData.twoBinaryTasks(3, 96, 6, DataType.FLOAT);
    private static final MultiDataSet VALID = TestData.twoBinaryTasks(4, 64, 6, DataType.FLOAT);

    private static PleConfig config(EarlyStopping es) {
        return PleConfig.builder().denseInputs(6).task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8)).dropout(0.2)
                .training(new TrainingSpec(OptimizerSpec.adam(0.01), 3, null, es)).build();
    }

    private static MultiDataSetIterator train() {
        return TestData.batches(DATA, 16);   // 6 batches per epoch
    }

    private static void assertSameParameters(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), k));
    }

    /** Raises the stop request once the model has done {@code steps} steps. */
    private static final class StopAfter implements TrainingListener {
        final long steps;
        final AtomicLong done = new AtomicLong();

        StopAfter(long steps) {
            this.steps = steps;
        }

        @Override
        public void onStep(StepInfo s) {
            done.set(s.step() + 1);
        }

        boolean stop() {
            return done.get() >= steps;
        }
    }

    @Test
    void interruptedFitResumedFromItsCheckpointEqualsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Map<String, INDArray> expected;
        try (PleModel a = PleModel.create(config(null))) {
            TrainingResult r = a.fit(train(), null);
            assertEquals(3, r.epochs().size());
            assertFalse(r.interrupted());
            expected = a.parameters();
        }
        Path ckDir = dir.resolve("ck");
        try (CheckpointDirectory ck = CheckpointDirectory.open(ckDir, 2); PleModel b = PleModel.create(config(null))) {
            StopAfter stop = new StopAfter(8);   // inside the second epoch
            TrainingResult r = b.fit(train(), null, FitOptions.builder().listener(stop).stopWhen(stop::stop)
                    .checkpoints(ck).checkpointEverySteps(5).build());
            assertTrue(r.interrupted());
            assertEquals(1, r.epochs().size(), "the first epoch completed");
            assertEquals(ckDir.resolve("step-000000000008.ple"), r.lastCheckpoint());
            assertEquals(List.of(ckDir.resolve("step-000000000006.ple"), ckDir.resolve("step-000000000008.ple")),
                    ck.list(), "epoch end (6) and stop (8) kept; step 5 pruned beyond keep=2");
        }
        List<String> warnings = new ArrayList<>();
        try (CheckpointDirectory ck = CheckpointDirectory.open(ckDir, 2)) {
            CheckpointDirectory.Checkpoint last = ck.latest(warnings::add).orElseThrow();
            assertEquals(new FitState(FitState.VERSION, 1, 8, 2, last.state().lossSum(), last.state().taskLossSum(), 32,
                    null, -1, 1, null, false, false), last.state());
            try (PleModel c = last.model()) {
                TrainingResult r = c.fit(train(), null, FitOptions.builder().checkpoints(ck).resume(true).build());
                assertFalse(r.interrupted());
                assertEquals(List.of(1, 2), r.epochs().stream().map(e -> e.epoch()).toList());
                assertEquals(64, r.epochs().get(0).samples(), "the resumed epoch trains its last 4 batches");
                assertEquals(18, c.stepsTrained());
                assertSameParameters(expected, c.parameters());
                assertTrue(c.fitState().orElseThrow().complete());
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void aCorruptNewestCheckpointIsSkippedWithAWarning(@TempDir Path dir) throws IOException {
        try (CheckpointDirectory ck = CheckpointDirectory.open(dir, 3); PleModel m = PleModel.create(config(null))) {
            m.fit(train(), null, FitOptions.builder().checkpoints(ck).epochs(2).build());
            Path newest = ck.newest().orElseThrow();
            byte[] bytes = Files.readAllBytes(newest);
            Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            List<String> warnings = new ArrayList<>();
            CheckpointDirectory.Checkpoint c = ck.latest(warnings::add).orElseThrow();
            try (PleModel loaded = c.model()) {
                assertEquals(dir.resolve("step-000000000006.ple"), c.file());
                assertEquals(1, loaded.epochsTrained());
            }
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).startsWith("skipping checkpoint step-000000000012.ple: "), warnings.get(0));
        }
    }

    /**
     * A checkpoint that cannot be written (here its name is taken by a directory, as a full disk or a lost mount
     * would make the write fail) stops the fit with the file named, leaves the previous checkpoint intact and
     * loadable, and leaves no temporary file behind.
     */
    @Test
    void aFailedCheckpointWriteStopsTheFitAndKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
        try (CheckpointDirectory ck = CheckpointDirectory.open(dir, 3); PleModel m = PleModel.create(config(null))) {
            TrainingListener block = new TrainingListener() {
                @Override
                public void onStep(StepInfo s) {
                    if (s.step() == 6) {
                        try {
                            Files.createDirectories(dir.resolve("step-000000000010.ple").resolve("in-the-way"));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            };
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> m.fit(train(), null,
                    FitOptions.builder().checkpoints(ck).checkpointEverySteps(5).listener(block).build()));
            assertTrue(e.getMessage().startsWith("cannot write checkpoint " + dir.resolve("step-000000000010.ple")),
                    e.getMessage());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                        "no temporary file left");
            }
            List<String> warnings = new ArrayList<>();
            CheckpointDirectory.Checkpoint c = ck.latest(warnings::add).orElseThrow();
            try (PleModel loaded = c.model()) {
                assertEquals(dir.resolve("step-000000000006.ple"), c.file(), "the epoch-end checkpoint before it");
                assertEquals(6, loaded.stepsTrained());
            }
            // the directory in the way has a checkpoint's name: it is reported and skipped
            assertEquals(List.of("skipping checkpoint step-000000000010.ple: " + dir.resolve("step-000000000010.ple")
                    + ": no such model file"), warnings);
        }
    }

    @Test
    void aSecondRunCannotUseALockedDirectory(@TempDir Path dir) {
        try (CheckpointDirectory ck = CheckpointDirectory.open(dir, 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CheckpointDirectory.open(dir, 1));
            assertEquals("another training run is using the checkpoint directory " + dir + " (it holds "
                    + dir.resolve(".lock") + ")", e.getMessage());
        }
    }

    /** Only the first epoch counts as an improvement (minDelta is huge), so the fit ends on epoch 0's parameters. */
    private static final EarlyStopping FIRST_EPOCH_BEST = new EarlyStopping("loss", 5, 1e9, true);

    @Test
    void restoreBestGivesTheBestEpochsParametersFromMemoryAndFromACheckpointFile(@TempDir Path dir) {
        Map<String, INDArray> afterFirst;
        try (PleModel one = PleModel.create(config(null))) {
            one.fit(train(), null, FitOptions.builder().epochs(1).build());
            afterFirst = one.parameters();
        }
        try (PleModel mem = PleModel.create(config(FIRST_EPOCH_BEST))) {
            TrainingResult r = mem.fit(train(), TestData.batches(VALID, 32));
            assertTrue(r.restoredBest());
            assertEquals(0, r.bestEpoch());
            assertEquals(3, mem.epochsTrained(), "the counters stay at the last epoch");
            assertSameParameters(afterFirst, mem.parameters());
        }
        try (CheckpointDirectory ck = CheckpointDirectory.open(dir, 1);
             PleModel file = PleModel.create(config(FIRST_EPOCH_BEST))) {
            TrainingResult r = file.fit(train(), TestData.batches(VALID, 32), FitOptions.builder().checkpoints(ck).build());
            assertTrue(r.restoredBest());
            assertTrue(Files.isRegularFile(dir.resolve("best-epoch-0001.ple")));
            assertSameParameters(afterFirst, file.parameters());
        }
    }

    @Test
    void earlyStoppingWithoutValidationDataIsRefused() {
        try (PleModel m = PleModel.create(config(FIRST_EPOCH_BEST))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.fit(train(), null));
            assertEquals("training.earlyStopping is set (metric 'loss') but no validation data was given", e.getMessage());
        }
    }

    @Test
    void resumeWithoutAFitStateIsRefused() {
        try (PleModel m = PleModel.create(config(null))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> m.fit(train(), null, FitOptions.builder().resume(true).build()));
            assertEquals("FitOptions.resume is set but the model has no saved fit state (load it from a checkpoint "
                    + "written by fit)", e.getMessage());
        }
    }

    @Test
    void fitBatchIsOneStepOfTheLoop() {
        try (PleModel a = PleModel.create(config(null)); PleModel b = PleModel.create(config(null))) {
            a.fit(train(), null, FitOptions.builder().epochs(1).build());
            MultiDataSetIterator it = train();
            while (it.hasNext()) {
                b.fitBatch(it.next());
            }
            assertEquals(6, b.stepsTrained());
            assertEquals(0, b.epochsTrained(), "fitBatch does not count epochs");
            assertSameParameters(a.parameters(), b.parameters());
        }
    }

    @Test
    void nonFiniteLossNamesStepAndTasks() {
        try (PleModel m = PleModel.create(config(null))) {
            MultiDataSet good = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            m.fitBatch(good);
            MultiDataSet bad = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            bad.getFeatures(0).muli(3e38f);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> m.fitBatch(bad));
            assertEquals(1, e.step());
            assertEquals(0, e.epoch());
            assertEquals(List.of("a", "b"), List.copyOf(e.taskLoss().keySet()));
            assertTrue(e.parameter() != null || !e.nonFiniteTasks().isEmpty(), e.getMessage());
            assertEquals(1, m.stepsTrained(), "the failing step is not counted");
        }
    }
}
