package io.github.ple4j.dl4j;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.graph.RecordingParams;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PLE layer's own execution (the two-phase plan) against SameDiff's session, its input gradient for layers
 * with parameters before it, and the packed parameter layout.
 */
class PleLayerExecutionTest {
    private static <T> T withPlan(boolean plan, Supplier<T> body) {
        String before = System.getProperty(PleLayerImpl.PLAN_PROPERTY);
        System.setProperty(PleLayerImpl.PLAN_PROPERTY, Boolean.toString(plan));
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(PleLayerImpl.PLAN_PROPERTY);
            } else {
                System.setProperty(PleLayerImpl.PLAN_PROPERTY, before);
            }
        }
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    /** Score, gradient and three Adam steps of the mixed config (ids, masks, L2, two levels) in DOUBLE. */
    @Test
    void planAndSessionGiveTheSameScoresGradientsAndTraining() {
        PleConfig config = PleComputationGraphTest.mixedConfig(ModelDataType.DOUBLE, Activation.TANH, OptimizerSpec.adam(1e-2));
        MultiDataSet batch = Data.batch(config, 5, 12, true, DataType.DOUBLE);
        List<Object[]> results = new ArrayList<>();
        for (boolean plan : new boolean[]{true, false}) {
            results.add(withPlan(plan, () -> {
                ComputationGraph cg = PleComputationGraph.create(config);
                cg.setInputs(batch.getFeatures());
                cg.setLabels(batch.getLabels());
                cg.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
                cg.computeGradientAndScore();
                Object[] r = {cg.score(), cg.gradient().gradient().dup(), null, null};
                for (int s = 0; s < 3; s++) {
                    cg.fit(batch);
                }
                r[2] = cg.params().dup();
                r[3] = cg.output(batch.getFeatures())[0].dup();
                return r;
            }));
        }
        Object[] plan = results.get(0);
        Object[] session = results.get(1);
        assertEquals((double) session[0], (double) plan[0], 1e-12, "score");
        assertTrue(maxDiff((INDArray) session[1], (INDArray) plan[1]) <= 1e-12, "gradient");
        assertTrue(maxDiff((INDArray) session[2], (INDArray) plan[2]) <= 1e-12, "parameters after 3 steps");
        assertTrue(maxDiff((INDArray) session[3], (INDArray) plan[3]) <= 1e-12, "predictions after 3 steps");
        assertTrue(maxDiff((INDArray) session[1], Nd4j.zerosLike((INDArray) session[1])) > 0, "a gradient at all");
    }

    /** Two binary tasks on 4 dense features, behind a dense layer with parameters of its own. */
    private static ComputationGraph behindDenseLayer(boolean inputGradient) {
        PleConfig config = PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.binary("b"))
                .extraction(ExtractionSpec.ple(1, 1, 1, 3).withActivation(Activation.TANH))
                .dataType(ModelDataType.DOUBLE).build();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).updater(new Sgd(1.0)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(4))
                .addLayer("pre", new DenseLayer.Builder().nIn(4).nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build(), "x")
                .addLayer(PleComputationGraph.NETWORK, new PleLayer(config, inputGradient), "pre");
        for (int k = 0; k < 2; k++) {
            String task = config.tasks().get(k).name();
            PleTaskLoss loss = new PleTaskLoss(TaskType.BINARY, 1.0);
            g.addVertex("logit/" + task, new SubsetVertex(k, k), PleComputationGraph.NETWORK)
                    .addLayer(task, new LossLayer.Builder().lossFunction(loss).activation(loss.activation()).build(),
                            "logit/" + task);
        }
        ComputationGraph cg = new ComputationGraph(g.setOutputs("a", "b").build());
        cg.init();
        return cg;
    }

    @Test
    void aLayerBeforeThePleLayerGetsItsGradientWhenAskedFor() {
        MultiDataSet batch = new MultiDataSet(new INDArray[]{Data.uniform(1, DataType.DOUBLE, 6, 4)},
                new INDArray[]{Nd4j.create(new double[][]{{1}, {0}, {1}, {1}, {0}, {0}}),
                        Nd4j.create(new double[][]{{0}, {0}, {1}, {0}, {1}, {1}})});
        DataType defaultType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);     // GradientCheckUtil insists
        try {
            ComputationGraph with = behindDenseLayer(true);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(with)
                    .inputs(batch.getFeatures()).labels(batch.getLabels())
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)),
                    "finite differences of the dense layer's parameters, through the PLE layer's input gradient");

            ComputationGraph without = behindDenseLayer(false);
            without.setInputs(batch.getFeatures());
            without.setLabels(batch.getLabels());
            without.computeGradientAndScore();
            INDArray pre = without.gradient().getGradientFor("pre_W");
            assertEquals(0.0, pre.amaxNumber().doubleValue(), "no input gradient: the dense layer gets none");
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
    }

    /**
     * The graph's parameter vector is every weight matrix in creation order, then every bias and table, each
     * row-major: the layout of the earlier one-DL4J-parameter-per-tensor layer, so graphs saved by it read the same.
     */
    @Test
    void parametersArePackedWeightsFirstAndViewsWriteThrough() {
        PleConfig config = PleComputationGraphTest.mixedConfig(ModelDataType.FLOAT, Activation.RELU, OptimizerSpec.adam(1e-3));
        ComputationGraph cg = PleComputationGraph.create(config);
        List<RecordingParams.Param> specs = PleComputationGraph.pleLayer(cg).parameterSpecs();
        try (PleModel model = PleModel.create(config)) {
            Map<String, INDArray> p = model.parameters();
            List<INDArray> parts = new ArrayList<>();
            specs.stream().filter(s -> s.kind() == RecordingParams.Kind.WEIGHT).forEach(s -> parts.add(p.get(s.name()).reshape(1, -1)));
            specs.stream().filter(s -> s.kind() != RecordingParams.Kind.WEIGHT).forEach(s -> parts.add(p.get(s.name()).reshape(1, -1)));
            assertEquals(Nd4j.hstack(parts.toArray(new INDArray[0])).reshape(-1), cg.params().reshape(-1));
            assertEquals(List.of("ple/network_W", "ple/network_b"), List.copyOf(cg.paramTable().keySet()));
            // The last bias (or table) element is the last element of the vector.
            RecordingParams.Param last = specs.stream().filter(s -> s.kind() != RecordingParams.Kind.WEIGHT)
                    .reduce((a, b) -> b).orElseThrow();
            INDArray view = WeightMapping.pleParameters(cg).get(last.name());
            view.putScalar(view.length() - 1, 42f);
            assertEquals(42f, cg.params().getFloat(cg.numParams() - 1));
        }
        assertFalse(cg.getConfiguration().toJson().contains("layerParams"), "the layout is derived, not stored");
    }

    /**
     * A graph saved by the earlier layer (one DL4J parameter per tensor; file written by that code from
     * {@code mixedConfig(FLOAT, RELU, adam(1e-2))} after two steps on {@code Data.batch(config, 4, 32, true, FLOAT)})
     * reads back into the packed layout and predicts what that code predicted.
     */
    @Test
    void graphsSavedWithOneDl4jParameterPerTensorStillLoad() throws Exception {
        ComputationGraph cg;
        try (java.io.InputStream in = getClass().getResourceAsStream("/golden/ple-graph-v1.zip")) {
            cg = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, true);
        }
        PleConfig config = PleComputationGraphTest.mixedConfig(ModelDataType.FLOAT, Activation.RELU, OptimizerSpec.adam(1e-2));
        assertEquals(config, PleComputationGraph.config(cg));
        assertEquals(List.of("ple/network_W", "ple/network_b"), List.copyOf(cg.paramTable().keySet()));
        MultiDataSet batch = Data.batch(config, 4, 32, true, DataType.FLOAT);
        INDArray[] out = cg.output(batch.getFeatures());
        List<String> expected = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                getClass().getResource("/golden/ple-graph-v1-predictions.csv").toURI()));
        assertEquals(32, expected.size());
        for (int i = 0; i < 32; i++) {
            String[] v = expected.get(i).split(",");
            assertEquals(Float.parseFloat(v[0]), out[0].getFloat(i, 0), 1e-6, "click_rate row " + i);
            assertEquals(Float.parseFloat(v[1]), out[1].getFloat(i, 0), 1e-6, "watch row " + i);
        }
        assertEquals(2 * cg.numParams(), cg.getUpdater().getStateViewArray().length(), "Adam's m and v came back");
        double before = cg.score(batch);
        cg.fit(batch);
        assertTrue(cg.score(batch) < before, "and training goes on");
    }
}
