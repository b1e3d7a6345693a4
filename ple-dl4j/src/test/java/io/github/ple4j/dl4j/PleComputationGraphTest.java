package io.github.ple4j.dl4j;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.infer.Predictions;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingGraphTrainer;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PleComputationGraphTest {
    /** Dense and categorical inputs, a binary and a regression task with '_' in names, 2 PLE levels, gate bias, L2. */
    static PleConfig mixedConfig(ModelDataType dt, Activation act, OptimizerSpec opt) {
        return PleConfig.builder()
                .inputs(new InputSpec(4, List.of(new CategoricalField("user_id", 6, 3), new CategoricalField("item", 4, 2))))
                .task(new TaskSpec("click_rate", io.github.ple4j.model.config.TaskType.BINARY, 1.0, List.of(5)))
                .task(new TaskSpec("watch", io.github.ple4j.model.config.TaskType.REGRESSION, 0.5, List.of()))
                .extraction(ExtractionSpec.ple(2, 2, 1, 6, 4).withActivation(act))
                .gate(new GateSpec(true))
                .l2(1e-3)
                .dataType(dt)
                .training(TrainingSpec.defaults().withOptimizer(opt))
                .build();
    }

    static PleConfig twoBinary(double lr) {
        return PleConfig.builder().denseInputs(6)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 2, 1, 8))
                .training(TrainingSpec.defaults().withOptimizer(OptimizerSpec.adam(lr)))
                .build();
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertEquals(List.of(expected.shape()[0], expected.shape()[1]), List.of(actual.shape()[0], actual.shape()[1]), what);
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tol, what + ": max difference " + diff + " > " + tol);
    }

    private static void assertSamePredictions(PleModel model, ComputationGraph cg, MultiDataSet batch, double tol) {
        Predictions p = model.predict(batch.getFeatures());
        INDArray[] out = cg.output(batch.getFeatures());
        List<String> tasks = model.signature().tasks();
        for (int k = 0; k < tasks.size(); k++) {
            assertClose(p.task(tasks.get(k)), out[k], tol, "task " + tasks.get(k));
        }
    }

    @Test
    void freshGraphComputesTheFreshModel() {
        PleConfig config = mixedConfig(ModelDataType.FLOAT, Activation.RELU, OptimizerSpec.adam(1e-3));
        ComputationGraph cg = PleComputationGraph.create(config);
        try (PleModel model = PleModel.create(config)) {
            assertEquals(model.numParams(), cg.numParams());
            assertEquals(List.of("click_rate", "watch"), cg.getConfiguration().getNetworkOutputs());
            Map<String, INDArray> graphParams = WeightMapping.pleParameters(cg);
            model.parameters().forEach((n, a) -> assertEquals(a, graphParams.get(n), n));
            assertSamePredictions(model, cg, Data.batch(config, 3, 17, false, DataType.FLOAT), 1e-6);
        }
    }

    /** Only categorical inputs: one graph input, no merge vertex; one task: a single output. */
    @Test
    void categoricalOnlySingleTaskGraphComputesTheModel() {
        PleConfig config = PleConfig.builder()
                .inputs(new InputSpec(0, List.of(new CategoricalField("city", 7, 3), new CategoricalField("device", 3, 2))))
                .task(TaskSpec.regression("watch_time", 4))
                .extraction(ExtractionSpec.mmoe(3, 5))
                .build();
        ComputationGraph cg = PleComputationGraph.create(config);
        assertEquals(List.of(PleComputationGraph.CATEGORICAL_INPUT), cg.getConfiguration().getNetworkInputs());
        try (PleModel model = PleModel.create(config)) {
            assertEquals(model.numParams(), cg.numParams());
            MultiDataSet batch = Data.batch(config, 8, 20, false, DataType.FLOAT);
            cg.fit(batch);
            WeightMapping.copy(cg, model);
            assertSamePredictions(model, cg, batch, 1e-6);
        }
    }

    /**
     * Same objective: with masks, unequal task weights and L2, one SGD step of the graph and of the SameDiff model
     * start from the same loss and end at the same parameters.
     */
    @Test
    void graphAndModelOptimiseTheSameObjective() {
        PleConfig config = mixedConfig(ModelDataType.DOUBLE, Activation.TANH, new OptimizerSpec(OptimizerSpec.Type.SGD, 0.1));
        MultiDataSet batch = Data.batch(config, 5, 12, true, DataType.DOUBLE);
        ComputationGraph cg = PleComputationGraph.create(config);
        try (PleModel model = PleModel.create(config)) {
            double graphScore = cg.score(batch);
            double modelLoss = model.fitBatch(batch);
            assertEquals(modelLoss, graphScore, 1e-10);
            cg.fit(batch);
            Map<String, INDArray> graphParams = WeightMapping.pleParameters(cg);
            model.parameters().forEach((n, a) -> assertClose(a.reshape(1, -1), graphParams.get(n).reshape(1, -1), 1e-10, n));
        }
    }

    @Test
    void trainedWeightsMoveToTheModelAndBack() {
        PleConfig config = twoBinary(0.01);
        ComputationGraph cg = PleComputationGraph.create(config);
        cg.fit(Data.batches(Data.twoBinaryTasks(1, 512, 6, DataType.FLOAT), 64), 2);
        MultiDataSet test = Data.twoBinaryTasks(9, 100, 6, DataType.FLOAT);
        try (PleModel model = WeightMapping.toPleModel(cg)) {
            assertSamePredictions(model, cg, test, 1e-5);
            model.fitBatch(Data.twoBinaryTasks(2, 64, 6, DataType.FLOAT));        // the model moves on
            ComputationGraph back = WeightMapping.toComputationGraph(model);
            assertSamePredictions(model, back, test, 1e-5);
            INDArray before = cg.output(test.getFeatures())[0];
            WeightMapping.copy(model, cg);
            assertTrue(before.sub(cg.output(test.getFeatures())[0]).amaxNumber().doubleValue() > 0, "copy changed the graph");
            assertSamePredictions(model, cg, test, 1e-5);
        }
    }

    @Test
    void mismatchedParametersAreRejectedBeforeCopying() {
        ComputationGraph cg = PleComputationGraph.create(twoBinary(0.01));
        PleConfig other = twoBinary(0.01).withExtraction(ExtractionSpec.ple(2, 2, 1, 7));
        try (PleModel model = PleModel.create(other)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightMapping.copy(cg, model));
            assertTrue(e.getMessage().startsWith("parameter '"), e.getMessage());
            assertTrue(e.getMessage().contains(" in the graph but "), e.getMessage());
        }
    }

    @Test
    void fitLowersTheLoss() {
        PleConfig config = twoBinary(0.01);
        ComputationGraph cg = PleComputationGraph.create(config);
        MultiDataSet valid = Data.twoBinaryTasks(2, 500, 6, DataType.FLOAT);
        double before = cg.score(valid);
        cg.fit(Data.batches(Data.twoBinaryTasks(1, 2000, 6, DataType.FLOAT), 128), 3);
        double after = cg.score(valid);
        assertTrue(after < 0.6 * before, "loss " + before + " -> " + after);
    }

    /** Finite differences of the whole graph (inputs, PLE layer, masked task losses, L2) in DOUBLE with tanh. */
    @Test
    void gradientCheck() {
        PleConfig config = PleConfig.builder()
                .inputs(new InputSpec(3, List.of(new CategoricalField("user_id", 4, 2))))
                .task(new TaskSpec("click_rate", io.github.ple4j.model.config.TaskType.BINARY, 1.0, List.of(3)))
                .task(new TaskSpec("watch", io.github.ple4j.model.config.TaskType.REGRESSION, 0.5, List.of()))
                .extraction(ExtractionSpec.ple(2, 1, 1, 4, 3).withActivation(Activation.TANH))
                .gate(new GateSpec(true)).l2(1e-2).dataType(ModelDataType.DOUBLE)
                .build();
        ComputationGraph cg = PleComputationGraph.create(
                config.withTraining(config.training().withOptimizer(new OptimizerSpec(OptimizerSpec.Type.SGD, 1.0))));
        MultiDataSet batch = Data.batch(config, 11, 6, true, DataType.DOUBLE);
        DataType defaultType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);     // GradientCheckUtil insists
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(cg)
                    .inputs(batch.getFeatures()).labels(batch.getLabels()).labelMask(batch.getLabelsMaskArrays())
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
            assertTrue(ok);
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
    }

    @Test
    void earlyStoppingGraphTrainerRuns() {
        ComputationGraph cg = PleComputationGraph.create(twoBinary(0.01));
        var valid = Data.batches(Data.twoBinaryTasks(2, 300, 6, DataType.FLOAT), 300);
        EarlyStoppingConfiguration<ComputationGraph> es = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(3))
                .scoreCalculator(new DataSetLossCalculator(valid, true))
                .modelSaver(new InMemoryModelSaver<>())
                .build();
        EarlyStoppingResult<ComputationGraph> r = new EarlyStoppingGraphTrainer(es, cg,
                Data.batches(Data.twoBinaryTasks(1, 1000, 6, DataType.FLOAT), 100), null).fit();
        assertEquals(3, r.getTotalEpochs());
        Map<Integer, Double> scores = r.getScoreVsEpoch();
        assertTrue(scores.get(2) < scores.get(0), "validation loss falls: " + scores);
        // getBestModelScore() is the restored model's score() field, 0 in DL4J 1.0.0-M2.1; check the model itself.
        double best = scores.get(r.getBestModelEpoch());
        assertEquals(best, r.getBestModel().score(Data.twoBinaryTasks(2, 300, 6, DataType.FLOAT)), 1e-5);
    }

    @Test
    void modelSerializerRoundTrip(@TempDir Path dir) throws Exception {
        PleConfig config = mixedConfig(ModelDataType.FLOAT, Activation.RELU, OptimizerSpec.adam(1e-2));
        ComputationGraph cg = PleComputationGraph.create(config);
        MultiDataSet batch = Data.batch(config, 4, 32, true, DataType.FLOAT);
        cg.fit(batch);
        File file = dir.resolve("ple.zip").toFile();
        ModelSerializer.writeModel(cg, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(cg.getConfiguration(), restored.getConfiguration());
        assertEquals(config, PleComputationGraph.config(restored));
        INDArray[] a = cg.output(batch.getFeatures());
        INDArray[] b = restored.output(batch.getFeatures());
        for (int k = 0; k < a.length; k++) {
            assertEquals(a[k], b[k]);
        }
        assertEquals(cg.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        cg.fit(batch);
        restored.fit(batch);
        assertEquals(cg.params(), restored.params(), "training continues identically");
    }

    @Test
    void unsupportedConfigsAreRejected() {
        PleConfig base = twoBinary(0.01);
        PleConfig dropout = PleConfig.builder().denseInputs(6).task(TaskSpec.binary("a")).extraction(ExtractionSpec.mmoe(2, 4))
                .dropout(0.2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(dropout));
        assertEquals("this PleConfig cannot be built as a DL4J ComputationGraph: dropout is 0.2 (the DL4J graph has no "
                + "dropout; set dropout to 0 or train with PleModel)", e.getMessage());
        PleConfig decay = base.withTraining(base.training().withWeighting(
                new LossWeighting.DynamicDecay(0.9, Map.of(), LossWeighting.DecayUnit.EPOCH)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(decay))
                .getMessage().contains("training.weighting is dynamic-decay"));
        PleConfig uncertainty = base.withTraining(base.training().withWeighting(new LossWeighting.Uncertainty(0)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(uncertainty))
                .getMessage().contains("training.weighting is uncertainty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PleComputationGraph.create(base.withDataType(ModelDataType.HALF)))
                .getMessage().contains("dataType is HALF"));
    }

    @Test
    void largeVocabulariesBagsAndSparseOptimisersPointToPleModel() {
        PleConfig large = PleConfig.builder().inputs(new InputSpec(2, List.of(new CategoricalField("user", 100_001, 4))))
                .task(TaskSpec.binary("a", 2)).extraction(ExtractionSpec.mmoe(2, 4)).build();
        assertEquals("this PleConfig cannot be built as a DL4J ComputationGraph: categorical field 'user' has 100001 ids, "
                + "above the 100000 the DL4J graph allows (it looks ids up as one-hot products with dense gradients; "
                + "PleModel looks them up sparsely)",
                assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(large)).getMessage());
        PleConfig bag = large.withInputs(new InputSpec(2, List.of(new CategoricalField("tags", 10, 4).asBag(3, Pooling.SUM))));
        assertEquals("this PleConfig cannot be built as a DL4J ComputationGraph: categorical field 'tags' is a bag of ids "
                + "(the DL4J graph takes one id per field; train bag fields with PleModel)",
                assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(bag)).getMessage());
        PleConfig sparse = large.withInputs(new InputSpec(2, List.of(new CategoricalField("user", 10, 4))))
                .withTraining(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam()));
        assertEquals("this PleConfig cannot be built as a DL4J ComputationGraph: training.embeddingOptimizer is LAZY_ADAM "
                + "(DL4J's updaters are dense; use DENSE or train with PleModel)",
                assertThrows(IllegalArgumentException.class, () -> PleComputationGraph.create(sparse)).getMessage());
    }
}
