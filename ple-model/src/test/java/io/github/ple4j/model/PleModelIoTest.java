package io.github.ple4j.model;

import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.io.BundleZip;
import io.github.ple4j.model.io.MalformedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving, loading and resuming whole models. */
class PleModelIoTest {
    private static final int F = 6;

    private static PleConfig ple(double dropout, LossWeighting weighting) {
        return PleConfig.builder().denseInputs(F)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8))
                .dropout(dropout)
                .seed(11)
                .training(TrainingSpec.defaults().withEpochs(2).withOptimizer(OptimizerSpec.adam(0.01))
                        .withWeighting(weighting))
                .build();
    }

    private static MultiDataSetIterator train() {
        return TestData.batches(TestData.twoBinaryTasks(1, 240, F, DataType.FLOAT), 60);
    }

    private static INDArray probe() {
        return TestData.twoBinaryTasks(9, 50, F, DataType.FLOAT).getFeatures(0);
    }

    /** Exact (bitwise, via double widening) values of every parameter. */
    private static void assertSameParameters(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k).shape(), actual.get(k).shape(), k);
            assertArrayEquals(expected.get(k).reshape(-1).toDoubleVector(), actual.get(k).reshape(-1).toDoubleVector(), k);
        }
    }

    private static boolean sameParameters(Map<String, INDArray> x, Map<String, INDArray> y) {
        for (String k : x.keySet()) {
            if (!java.util.Arrays.equals(x.get(k).reshape(-1).toDoubleVector(), y.get(k).reshape(-1).toDoubleVector())) {
                return false;
            }
        }
        return true;
    }

    private static void assertSamePredictions(Predictions expected, Predictions actual) {
        assertEquals(expected.tasks(), actual.tasks());
        for (String t : expected.tasks()) {
            assertArrayEquals(expected.asDoubles(t), actual.asDoubles(t), t);
        }
    }

    // ---- round trip

    @Test
    void trainedPleRoundTrip(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ple.ple");
        PleConfig cfg = ple(0.0, LossWeighting.fixed());
        Predictions before;
        Map<String, INDArray> params;
        long numParams;
        try (PleModel m = PleModel.create(cfg)) {
            Predictions fresh = m.predict(probe());
            m.fit(train(), null);
            before = m.predict(probe());
            // Training changed the predictions, so the comparison below is not of an untrained model.
            assertFalse(java.util.Arrays.equals(fresh.asDoubles("a"), before.asDoubles("a")));
            params = m.parameters();
            numParams = m.numParams();
            m.save(f, SaveOptions.parametersOnly());
        }
        try (PleModel back = PleModel.load(f)) {
            assertEquals(cfg, back.config());
            assertEquals(numParams, back.numParams());
            assertSameParameters(params, back.parameters());
            assertSamePredictions(before, back.predict(probe()));
            assertEquals(DataType.FLOAT, back.predict(probe()).task("a").dataType());
        }
    }

    @Test
    void categoricalRoundTrip(@TempDir Path dir) throws IOException {
        PleConfig cfg = PleConfig.builder()
                .inputs(new InputSpec(3, List.of(new CategoricalField("city", 5, 2), new CategoricalField("dev", 3, 2))))
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.regression("r"))
                .extraction(ExtractionSpec.cgc(1, 1, 6))
                .training(TrainingSpec.defaults().withOptimizer(OptimizerSpec.adam(0.05)))
                .build();
        int n = 64;
        SplittableRandom r = new SplittableRandom(5);
        double[] ids = new double[n * 2];
        double[] ya = new double[n];
        double[] yr = new double[n];
        for (int i = 0; i < n; i++) {
            ids[2 * i] = r.nextInt(5);
            ids[2 * i + 1] = r.nextInt(3);
            ya[i] = ids[2 * i] >= 2 ? 1 : 0;
            yr[i] = ids[2 * i + 1] - 1;
        }
        INDArray x = TestData.uniform(3, DataType.FLOAT, 1, n, 3);
        INDArray c = Nd4j.create(ids, new long[]{n, 2}, 'c').castTo(DataType.FLOAT);
        MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x, c}, new INDArray[]{
                Nd4j.create(ya, new long[]{n, 1}, 'c').castTo(DataType.FLOAT),
                Nd4j.create(yr, new long[]{n, 1}, 'c').castTo(DataType.FLOAT)});
        Path f = dir.resolve("cat.ple");
        Predictions before;
        Map<String, INDArray> params;
        try (PleModel m = PleModel.create(cfg)) {
            INDArray table0 = m.parameters().get("embedding/city");
            for (int i = 0; i < 5; i++) {
                m.fitBatch(batch);
            }
            INDArray table = m.parameters().get("embedding/city");
            assertArrayEquals(new long[]{5, 2}, table.shape());
            assertFalse(java.util.Arrays.equals(table0.reshape(-1).toDoubleVector(), table.reshape(-1).toDoubleVector()),
                    "embeddings were trained");
            before = m.predict(x, c);
            params = m.parameters();
            m.save(f);
        }
        try (PleModel back = PleModel.load(f)) {
            assertEquals(cfg, back.config());
            assertSameParameters(params, back.parameters());
            assertSamePredictions(before, back.predict(x, c));
            assertEquals(0, back.epochsTrained(), "fitBatch does not complete epochs");
        }
    }

    @Test
    void doubleModelRoundTrip(@TempDir Path dir) throws IOException {
        PleConfig cfg = ple(0.0, LossWeighting.fixed()).withDataType(ModelDataType.DOUBLE);
        Path f = dir.resolve("d.ple");
        INDArray x = probe().castTo(DataType.DOUBLE);
        Predictions before;
        try (PleModel m = PleModel.create(cfg)) {
            m.fitBatch(TestData.twoBinaryTasks(1, 60, F, DataType.DOUBLE));
            before = m.predict(x);
            m.save(f, SaveOptions.parametersOnly());
        }
        assertTrue(new String(BundleZip.entries(f).get("params/0.npy"), 0, 30, StandardCharsets.US_ASCII)
                .contains("'<f8'"));
        try (PleModel back = PleModel.load(f)) {
            assertEquals(DataType.DOUBLE, back.parameters().values().iterator().next().dataType());
            assertSamePredictions(before, back.predict(x));
        }
    }

    // ---- resume

    private static void resumeMatchesUninterrupted(PleConfig cfg, Path dir) throws IOException {
        Map<String, INDArray> expected;
        try (PleModel a = PleModel.create(cfg)) {
            a.fit(train(), null);
            assertEquals(2, a.epochsTrained());
            expected = a.parameters();
        }
        Path f = dir.resolve("half.ple");
        Map<String, INDArray> afterOne;
        try (PleModel b = PleModel.create(cfg)) {
            b.fit(train(), null, FitOptions.builder().epochs(b.epochsTrained() + 1).build());
            afterOne = b.parameters();
            b.save(f);
        }
        try (PleModel b = PleModel.load(f)) {
            assertEquals(1, b.epochsTrained());
            assertSameParameters(afterOne, b.parameters());
            b.fit(train(), null, FitOptions.builder().epochs(b.epochsTrained() + 1).build());
            assertEquals(2, b.epochsTrained());
            assertSameParameters(expected, b.parameters());
        }
        assertFalse(sameParameters(afterOne, expected), "the second epoch changed the parameters");
    }

    @Test
    void resumeIsBitIdentical(@TempDir Path dir) throws IOException {
        resumeMatchesUninterrupted(ple(0.0, LossWeighting.fixed()), dir);
    }

    @Test
    void resumeWithDropoutIsBitIdentical(@TempDir Path dir) throws IOException {
        resumeMatchesUninterrupted(ple(0.2, LossWeighting.fixed()), dir);
    }

    @Test
    void resumeWithStepDecayAndUncertaintyIsBitIdentical(@TempDir Path dir) throws IOException {
        resumeMatchesUninterrupted(ple(0.0, new LossWeighting.DynamicDecay(0.9, Map.of("b", 0.7),
                LossWeighting.DecayUnit.STEP)), dir);
        resumeMatchesUninterrupted(ple(0.0, new LossWeighting.Uncertainty(0.3)), dir.resolve("u"));
    }

    @Test
    void resumeWithFitContinuesToConfiguredEpochs(@TempDir Path dir) throws IOException {
        PleConfig cfg = ple(0.0, LossWeighting.fixed());
        Path f = dir.resolve("m.ple");
        try (PleModel b = PleModel.create(cfg)) {
            b.fit(train(), null, FitOptions.builder().epochs(b.epochsTrained() + 1).build());
            b.save(f);
        }
        try (PleModel b = PleModel.load(f)) {
            assertEquals(1, b.fit(train(), null).epochs().size());
            assertEquals(2, b.epochsTrained());
        }
    }

    @Test
    void withoutUpdaterStateTrainingDoesNotResumeExactly(@TempDir Path dir) throws IOException {
        PleConfig cfg = ple(0.0, LossWeighting.fixed());
        Map<String, INDArray> expected;
        try (PleModel a = PleModel.create(cfg)) {
            a.fit(train(), null);
            expected = a.parameters();
        }
        Path f = dir.resolve("noupdater.ple");
        try (PleModel b = PleModel.create(cfg)) {
            b.fit(train(), null, FitOptions.builder().epochs(b.epochsTrained() + 1).build());
            b.save(f, SaveOptions.parametersOnly());
        }
        assertEquals(0, BundleZip.json(BundleZip.entries(f), "manifest.json").get("updaterState").size());
        assertEquals(1, BundleZip.json(BundleZip.entries(f), "manifest.json").get("epoch").asInt());
        try (PleModel b = PleModel.load(f)) {
            // The counters are stored either way; only the optimiser moments are lost.
            assertEquals(1, b.epochsTrained());
            b.fit(train(), null, FitOptions.builder().epochs(b.epochsTrained() + 1).build());
            assertFalse(sameParameters(expected, b.parameters()), "Adam moments were not saved, so the runs differ");
        }
    }

    @Test
    void untrainedModelSavedWithUpdaterStateHasNoState(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("fresh.ple");
        try (PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()))) {
            m.save(f);
        }
        assertEquals(0, BundleZip.json(BundleZip.entries(f), "manifest.json").get("updaterState").size());
        try (PleModel m = PleModel.load(f)) {
            assertEquals(0, m.epochsTrained());
        }
    }

    @Test
    void updaterStateForUnknownParameterRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.ple");
        try (PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()))) {
            m.fitBatch(TestData.twoBinaryTasks(1, 30, F, DataType.FLOAT));
            m.save(f);
        }
        Path g = dir.resolve("bad.ple");
        BundleZip.editJson(f, g, "manifest.json",
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("updaterState").get(0)).put("name", "nope"));
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> PleModel.load(g));
        assertEquals(g + ": bundle has optimiser state for 'nope' that the configured optimiser does not keep",
                e.getMessage());
    }

    @Test
    void partialUpdaterStateRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.ple");
        try (PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()))) {
            m.fitBatch(TestData.twoBinaryTasks(1, 30, F, DataType.FLOAT));
            m.save(f);
        }
        Path g = dir.resolve("partial.ple");
        String[] dropped = new String[1];
        BundleZip.editJson(f, g, "manifest.json", m -> {
            com.fasterxml.jackson.databind.node.ArrayNode u = (com.fasterxml.jackson.databind.node.ArrayNode) m.get("updaterState");
            dropped[0] = u.get(1).get("name").asText();
            u.remove(1);
        });
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> PleModel.load(g));
        assertEquals(g + ": bundle has optimiser state for some parameters but not for '" + dropped[0] + "'",
                e.getMessage());
    }

    @Test
    void fitAfterAllEpochsThrows(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("done.ple");
        try (PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()))) {
            m.fit(train(), null);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fit(train(), null));
            assertEquals("the model has already trained 2 epoch(s) and training.epochs is 2; "
                    + "ask for more with FitOptions.builder().epochs(n)", e.getMessage());
            m.save(f);
        }
        try (PleModel m = PleModel.load(f)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fit(train(), null));
            assertEquals("the model has already trained 2 epoch(s) and training.epochs is 2; "
                    + "ask for more with FitOptions.builder().epochs(n)", e.getMessage());
            m.fit(train(), null, FitOptions.builder().epochs(m.epochsTrained() + 1).build());
            assertEquals(3, m.epochsTrained());
        }
    }

    @Test
    void fitOptionsRejectZeroEpochs() {
        try (PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(train(), null, FitOptions.builder().epochs(m.epochsTrained() + 0).build()));
            assertEquals("epochs must be >= 1 but was 0", e.getMessage());
            assertEquals(0, m.epochsTrained());
        }
    }

    // ---- close

    @Test
    void closedModelRejectsUse(@TempDir Path dir) {
        PleModel m = PleModel.create(ple(0.0, LossWeighting.fixed()));
        m.predict(probe());
        m.close();
        m.close();
        List<org.junit.jupiter.api.function.Executable> uses = List.of(
                () -> m.predict(probe()),
                () -> m.fit(train(), null),
                () -> m.fit(train(), null, FitOptions.builder().epochs(m.epochsTrained() + 1).build()),
                () -> m.fitBatch(TestData.twoBinaryTasks(1, 10, F, DataType.FLOAT)),
                () -> m.evaluate(train()),
                () -> m.gateWeights(probe()),
                () -> m.parameters(),
                () -> m.sameDiff(),
                () -> m.save(dir.resolve("closed.ple"), SaveOptions.parametersOnly()));
        for (org.junit.jupiter.api.function.Executable u : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, u);
            assertEquals("the model is closed", e.getMessage());
        }
        assertFalse(java.nio.file.Files.exists(dir.resolve("closed.ple")));
        m.close();
    }

    @Test
    void attachmentsRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path f = dir.resolve("a.ple");
        try (PleModel m = PleModel.create(io.github.ple4j.model.config.PleConfig.builder().denseInputs(3)
                .task(io.github.ple4j.model.config.TaskSpec.binary("a"))
                .extraction(io.github.ple4j.model.config.ExtractionSpec.mmoe(2, 2)).build())) {
            m.attach("preprocessing", "{\"mean\":[1.5]}");
            org.junit.jupiter.api.Assertions.assertEquals(
                    "attachment name must be 1-64 lower-case letters, digits or '-' but was '../x'",
                    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> m.attach("../x", "{}")).getMessage());
            m.save(f, SaveOptions.parametersOnly());
        }
        try (PleModel back = PleModel.load(f)) {
            org.junit.jupiter.api.Assertions.assertEquals("{\"mean\":[1.5]}", back.attachment("preprocessing").orElseThrow());
            org.junit.jupiter.api.Assertions.assertTrue(back.attachment("other").isEmpty());
        }
    }
}
