package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.infer.Predictor;
import io.github.ple4j.model.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gather lookup (rows by id forward, their gradients scattered into the table backward, by the trainer) against
 * the one-hot lookup that SameDiff differentiates by itself: the same predictions, losses and gradients of every
 * parameter, tables included, to 1e-12 in double, for single-valued fields, shared tables, sum and mean bags (with
 * empty bags and repeated ids), with dense and sparse table training.
 */
class EmbeddingLookupTest {
    private static final int ROWS = 9;

    record Case(String name, PleConfig config) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static PleConfig.Builder base(InputSpec in, ExtractionSpec ex) {
        return PleConfig.builder().inputs(in).task(TaskSpec.binary("a", 3)).task(TaskSpec.regression("b", 2))
                .extraction(ex.withActivation(Activation.TANH)).seed(5).dataType(ModelDataType.DOUBLE);
    }

    static Stream<Case> cases() {
        CategoricalField user = new CategoricalField("user", 7, 3);
        CategoricalField item = new CategoricalField("item", 5, 2);
        CategoricalField history = new CategoricalField("history", 5, 2).withTable("item").asBag(4, Pooling.MEAN);
        CategoricalField tags = new CategoricalField("tags", 6, 3).asBag(3, Pooling.SUM);
        InputSpec shared = new InputSpec(2, List.of(user, item, history, tags));
        return Stream.of(
                new Case("single-valued", base(new InputSpec(3, List.of(user, item)), ExtractionSpec.ple(2, 1, 1, 3)).build()),
                new Case("shared-table-and-bags", base(shared, ExtractionSpec.ple(2, 1, 2, 3, 2)).build()),
                new Case("bags-only-mmoe", base(new InputSpec(0, List.of(tags, history.withTable("history"))),
                        ExtractionSpec.mmoe(3, 3)).build()),
                new Case("sparse-tables-dropout", base(shared, ExtractionSpec.cgc(1, 1, 3)).dropout(0.3)
                        .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam())).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gatherEqualsOneHot(Case c) {
        PleGraph oneHot = PleGraphBuilder.build(c.config(), EmbeddingLookup.ONE_HOT);
        PleGraph gather = PleGraphBuilder.build(c.config(), EmbeddingLookup.GATHER);
        assertEquals(oneHot.parameterNames().stream().sorted().toList(), gather.parameterNames().stream().sorted().toList());
        GraphTestSupport.randomizeParameters(oneHot, 17, 0.7);
        for (String p : oneHot.parameterNames()) {
            gather.sameDiff().getVariable(p).getArr().assign(oneHot.sameDiff().getVariable(p).getArr());
        }
        MultiDataSet data = GraphTestSupport.batch(c.config(), 23, ROWS, true);
        Map<String, INDArray> ph = new Feeds(gather).batch(data, null);
        List<String> outputs = oneHot.signature().predictionOutputs();
        Map<String, INDArray> expected = GraphTestSupport.outputs(oneHot.sameDiff(), ph, outputs.toArray(new String[0]));
        Map<String, INDArray> actual = GraphTestSupport.outputs(gather.sameDiff(), ph, outputs.toArray(new String[0]));
        for (String o : outputs) {
            assertClose(expected.get(o), actual.get(o), o);
        }
        // the execution plan, which pools bags with its own kernel (PleGraph#bags)
        try (Predictor p = new Predictor(gather, new Feeds(gather))) {
            INDArray[] features = data.getFeatures();
            Predictions planned = p.predict(features);
            for (String t : gather.signature().tasks()) {
                assertClose(expected.get(GraphSignature.prediction(t)), planned.task(t), "plan's prediction of " + t);
            }
        }
        try (Trainer a = new Trainer(oneHot, new Feeds(oneHot)); Trainer b = new Trainer(gather, new Feeds(gather))) {
            Map<String, INDArray> ga = a.gradients(data);
            Map<String, INDArray> gb = b.gradients(data);
            assertEquals(ga.keySet().stream().sorted().toList(), gb.keySet().stream().sorted().toList());
            boolean someTableRowMoved = false;
            for (String p : ga.keySet()) {
                assertClose(ga.get(p), gb.get(p), "gradient of " + p);
                if (p.startsWith("embedding/")) {
                    someTableRowMoved |= gb.get(p).amaxNumber().doubleValue() > 1e-6;
                }
            }
            assertTrue(someTableRowMoved, "the tables get gradients");
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertTrue(diff <= 1e-12 * scale, what + ": max difference " + diff);
    }
}
