package io.github.ple4j.model;

import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.train.EpochResult;
import io.github.ple4j.model.train.NonFiniteLossException;
import io.github.ple4j.model.train.ProgressListener;
import io.github.ple4j.model.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingTest {
    private static PleConfig config(int epochs, EarlyStopping es, double lr) {
        return PleConfig.builder().denseInputs(6)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 2, 1, 8))
                .training(new TrainingSpec(OptimizerSpec.adam(lr), epochs, null, es))
                .build();
    }

    /** Two learnable tasks: the loss falls every epoch and both tasks reach AUC > 0.97 on held-out data. */
    @Test
    void learnsTwoRelatedTasks() {
        try (PleModel m = PleModel.create(config(5, null, 0.01))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            TrainingResult r = m.fit(TestData.batches(TestData.twoBinaryTasks(1, 2000, 6, DataType.FLOAT), 128),
                    TestData.batches(TestData.twoBinaryTasks(2, 500, 6, DataType.FLOAT), 250),
                    new ProgressListener(new PrintStream(buf, true, StandardCharsets.UTF_8)).everySeconds(0));
            assertEquals(5, r.epochs().size());
            for (int e = 1; e < 5; e++) {
                assertTrue(r.epochs().get(e).trainLoss() < r.epochs().get(e - 1).trainLoss(), "epoch " + e);
            }
            EvaluationReport test = m.evaluate(TestData.batches(TestData.twoBinaryTasks(3, 1000, 6, DataType.FLOAT), 500));
            assertTrue(test.tasks().get("a").auc() > 0.97, test.toTable());
            assertTrue(test.tasks().get("b").auc() > 0.97, test.toTable());
            assertEquals(1000, test.tasks().get("a").count());
            String progress = buf.toString(StandardCharsets.UTF_8);
            assertTrue(progress.matches("(?s)epoch 1/5 batch 1 loss [0-9.]+ \\[a [0-9.]+ b [0-9.]+] [0-9,]+ samples/s ETA \\?.*"),
                    progress);
            assertTrue(progress.contains("epoch 2/5 batch 16/16 "), "ETA needs the batch count from epoch 1");
            assertTrue(progress.contains("training ended after 5 epoch(s); best epoch 5"), progress);
        }
    }

    private static MultiDataSet noise(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y1 = new double[n];
        double[] y2 = new double[n];
        for (int i = 0; i < n; i++) {
            y1[i] = r.nextInt(2);
            y2[i] = r.nextInt(2);
        }
        return new MultiDataSet(new INDArray[]{TestData.uniform(seed, DataType.FLOAT, 1, n, 6)},
                new INDArray[]{Nd4j.create(y1, new long[]{n, 1}, 'c').castTo(DataType.FLOAT),
                        Nd4j.create(y2, new long[]{n, 1}, 'c').castTo(DataType.FLOAT)});
    }

    /** Labels are noise, so the model overfits: the best validation loss comes early and is restored. */
    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        try (PleModel m = PleModel.create(config(12, new EarlyStopping("loss", 100, 0, true), 0.05))) {
            var valid = TestData.batches(noise(8, 300), 300);
            TrainingResult r = m.fit(TestData.batches(noise(7, 100), 25), valid);
            assertEquals(12, r.epochs().size());
            assertFalse(r.stoppedEarly());
            assertTrue(r.bestEpoch() < 11, "validation loss should be best before the last epoch: " + r);
            assertTrue(r.restoredBest());
            double best = r.epochs().stream().mapToDouble(EpochResult::monitored).min().orElseThrow();
            assertEquals(best, r.bestValue());
            assertEquals(best, m.evaluate(valid).loss(), 1e-6, "the restored parameters reproduce the best loss");
        }
    }

    @Test
    void earlyStoppingStopsAfterPatience() {
        try (PleModel m = PleModel.create(config(30, EarlyStopping.on("loss", 2), 0.05))) {
            TrainingResult r = m.fit(TestData.batches(noise(7, 100), 25), TestData.batches(noise(8, 300), 300));
            assertTrue(r.stoppedEarly());
            assertEquals(r.bestEpoch() + 3, r.epochs().size(), "stops 2 epochs after the best");
        }
    }

    @Test
    void earlyStoppingWithoutValidationDataIsRejected() {
        try (PleModel m = PleModel.create(config(3, EarlyStopping.on("auc", 2), 0.01))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(TestData.batches(noise(7, 100), 25), null));
            assertEquals("training.earlyStopping is set (metric 'auc') but no validation data was given", e.getMessage());
        }
    }

    /** An overflowing input makes the loss infinite: training stops and no parameter changes. */
    @Test
    void nonFiniteLossStopsBeforeUpdating() {
        try (PleModel m = PleModel.create(config(1, null, 0.01))) {
            MultiDataSet bad = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            bad.getFeatures(0).muli(3e38f);
            Map<String, INDArray> before = m.parameters();
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> m.fitBatch(bad));
            assertTrue(e.getMessage().matches("non-finite (loss|gradient).* at epoch 0, step 0.*parameters were not updated"),
                    e.getMessage());
            m.parameters().forEach((k, v) -> assertEquals(before.get(k), v, k));
        }
    }

    @Test
    void badLabelsAreReportedWithTaskAndRow() {
        try (PleModel m = PleModel.create(config(1, null, 0.01))) {
            MultiDataSet bad = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            bad.getLabels(1).putScalar(3, 0, 2.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.fitBatch(bad));
            assertEquals("labels for task 'b' row 3: expected 0 or 1 (BINARY task) but found 2.0", e.getMessage());
        }
    }

    @Test
    void wrongFeatureShapeIsReported() {
        try (PleModel m = PleModel.create(config(1, null, 0.01))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.predict(Nd4j.zeros(DataType.FLOAT, 4, 5)));
            assertEquals("feature array 'input/dense' must have shape [batch, 6] but has shape [4, 5]", e.getMessage());
        }
    }
}
