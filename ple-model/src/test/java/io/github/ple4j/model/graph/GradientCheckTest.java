package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.opentest4j.AssertionFailedError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference check of SameDiff's analytic gradient of "loss/total" w.r.t. every element of every trainable
 * parameter, for every model variant and loss option, in DOUBLE with tanh activations, and for a PLE with each of the
 * other expert activations.
 */
public class GradientCheckTest {
    private static final int ROWS = 7;

    /**
     * One variant.
     *
     * @param name         display name
     * @param config       the model
     * @param masked       feed label masks with zeros
     * @param dropoutMasks feed fixed 0/2 dropout masks instead of Feeds' ones
     * @param lossWeights  weights fed to the "loss/weights" placeholder (dynamic decay), or null
     */
    public record Case(String name, PleConfig config, boolean masked, boolean dropoutMasks, double[] lossWeights) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static PleConfig.Builder base(ExtractionSpec ex, TaskSpec... tasks) {
        return PleConfig.builder().denseInputs(4).tasks(List.of(tasks)).extraction(ex.withActivation(Activation.TANH))
                .seed(11).dataType(ModelDataType.DOUBLE);
    }

    private static TaskSpec[] twoBinary() {
        return new TaskSpec[]{TaskSpec.binary("a", 3), TaskSpec.binary("b", 2)};
    }

    private static TrainingSpec weighting(LossWeighting w) {
        return TrainingSpec.defaults().withWeighting(w);
    }

    public static Stream<Case> cases() {
        PleConfig decay = base(ExtractionSpec.cgc(2, 1, 3), TaskSpec.binary("a", 3).withLossWeight(1.5),
                TaskSpec.binary("b", 2).withLossWeight(0.8))
                .training(weighting(new LossWeighting.DynamicDecay(0.9, Map.of("b", 0.5), LossWeighting.DecayUnit.STEP)))
                .build();
        return Stream.of(
                new Case("single-task", base(ExtractionSpec.singleTask(3), twoBinary()).build(), false, false, null),
                new Case("shared-bottom", base(ExtractionSpec.sharedBottom(3), twoBinary()).build(), false, false, null),
                new Case("mmoe-3", base(ExtractionSpec.mmoe(3, 3), twoBinary()).build(), false, false, null),
                new Case("cgc-2+1", base(ExtractionSpec.cgc(2, 1, 3), twoBinary()).build(), false, false, null),
                new Case("ple-2-levels-rank3", base(ExtractionSpec.ple(2, 2, 2, 3, 2), twoBinary()).build(),
                        false, false, null),
                new Case("ple-gate-bias", base(ExtractionSpec.ple(2, 1, 2, 3), twoBinary()).gate(new GateSpec(true)).build(),
                        false, false, null),
                new Case("categorical", base(ExtractionSpec.ple(2, 1, 1, 3), twoBinary())
                        .inputs(new InputSpec(3, List.of(new CategoricalField("c1", 5, 2), new CategoricalField("c2", 4, 3))))
                        .build(), false, false, null),
                new Case("bags-sum-mean-shared-table", base(ExtractionSpec.cgc(1, 1, 3), twoBinary())
                        .inputs(new InputSpec(2, List.of(new CategoricalField("item", 5, 2),
                                new CategoricalField("history", 5, 2).withTable("item").asBag(3, Pooling.MEAN),
                                new CategoricalField("tags", 4, 3).asBag(2, Pooling.SUM))))
                        .build(), false, false, null),
                new Case("label-masks", base(ExtractionSpec.ple(2, 1, 1, 3), twoBinary()).build(), true, false, null),
                new Case("dropout", base(ExtractionSpec.ple(2, 1, 1, 3, 2), twoBinary()).dropout(0.5).build(),
                        false, true, null),
                new Case("l2", base(ExtractionSpec.cgc(1, 2, 3, 2), twoBinary()).l2(0.3).build(), false, false, null),
                new Case("fixed-weights", base(ExtractionSpec.cgc(2, 1, 3), TaskSpec.binary("a", 3).withLossWeight(2.5),
                        TaskSpec.binary("b", 2).withLossWeight(0.3)).build(), false, false, null),
                new Case("dynamic-decay", decay, false, false, decay.taskWeightsAt(0, 3)),
                new Case("uncertainty", base(ExtractionSpec.cgc(1, 1, 3), TaskSpec.binary("a", 3).withLossWeight(1.5),
                        TaskSpec.regression("r", 2)).training(weighting(new LossWeighting.Uncertainty(0.2))).build(),
                        true, false, null),
                new Case("regression+binary", base(ExtractionSpec.ple(2, 1, 1, 3), TaskSpec.regression("r", 3),
                        TaskSpec.binary("b", 2)).build(), false, false, null),
                new Case("ple-no-shared-2-levels", base(ExtractionSpec.ple(2, 2, 0, 3), twoBinary()).build(),
                        false, false, null),
                new Case("stacked-mmoe-2-levels", base(ExtractionSpec.ple(2, 0, 3, 3), twoBinary()).build(),
                        false, false, null),
                new Case("three-tasks", base(ExtractionSpec.ple(2, 1, 1, 3, 2), TaskSpec.binary("a", 2),
                        TaskSpec.regression("r"), TaskSpec.binary("c", 3)).build(), true, false, null),
                new Case("ple-3-levels", base(ExtractionSpec.ple(3, 1, 1, 3), twoBinary()).build(), false, false, null),
                activation(Activation.RELU), activation(Activation.LEAKY_RELU), activation(Activation.ELU),
                activation(Activation.GELU), activation(Activation.SIGMOID));
    }

    /**
     * A two-level PLE with another expert activation. For the kinked ones (ReLU, leaky ReLU) the check is valid
     * because with these seeds no pre-activation lies within the finite-difference step of 0 (a point at the kink
     * would make the central difference disagree, and the check fail).
     */
    private static Case activation(Activation a) {
        return new Case("activation-" + a.name().toLowerCase(java.util.Locale.ROOT),
                base(ExtractionSpec.ple(2, 1, 1, 3, 2), twoBinary()).extraction(ExtractionSpec.ple(2, 1, 1, 3, 2).withActivation(a))
                        .build(), false, false, null);
    }

    /** Placeholders of a case, with fixed 0/2 dropout masks when asked. */
    public static Map<String, INDArray> placeholders(PleGraph g, Case c) {
        MultiDataSet data = GraphTestSupport.batch(c.config(), 5, ROWS, c.masked());
        Map<String, INDArray> ph = new Feeds(g).batch(data, c.lossWeights());
        if (c.dropoutMasks()) {
            int site = 0;
            for (DropoutSite s : g.dropoutSites()) {
                INDArray m = Nd4j.zeros(g.sameDiff().getVariable(s.placeholder()).dataType(), s.shapeFor(ROWS));
                for (long i = 0; i < m.length(); i++) {
                    m.putScalar(i, (i * 7 + site * 3) % 5 < 3 ? 2.0 : 0.0);   // mostly kept, some dropped
                }
                ph.put(s.placeholder(), m);
                site++;
            }
        }
        return ph;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesCentralDifferences(Case c) {
        PleGraph g = PleGraphBuilder.build(c.config(), EmbeddingLookup.ONE_HOT);   // differentiable by SameDiff alone
        GraphTestSupport.randomizeParameters(g, 3, 0.8);
        SameDiff sd = g.sameDiff();
        Map<String, INDArray> ph = placeholders(g, c);
        List<String> params = g.parameterNames();

        FiniteDifference.Report r = new FiniteDifference().check(sd, ph, GraphSignature.TOTAL_LOSS, params);

        assertEquals(g.numParams(), r.elementsChecked(), "every element of every parameter is checked");
        assertTrue(r.maxAbsAnalytic() > 1e-3, "the gradient is not trivially zero: " + r);
        if (c.dropoutMasks()) {
            assertFalse(g.dropoutSites().isEmpty());
        }
    }

    @Test
    void variantsHaveTheParametersTheyClaim() {
        Map<String, Case> byName = new LinkedHashMap<>();
        cases().forEach(c -> byName.put(c.name(), c));
        PleGraph bias = PleGraphBuilder.build(byName.get("ple-gate-bias").config());
        assertTrue(bias.parameterNames().contains("level0/gate/a/b"));
        assertTrue(bias.parameterNames().contains("level0/gate/shared/b"));
        PleGraph rank3 = PleGraphBuilder.build(byName.get("ple-2-levels-rank3").config());
        assertEquals(3, rank3.sameDiff().getVariable("level0/experts/layer1/W").getArr().rank());
        PleGraph cat = PleGraphBuilder.build(byName.get("categorical").config());
        assertTrue(cat.parameterNames().contains("embedding/c1"));
        assertTrue(cat.parameterNames().contains("embedding/c2"));
        PleGraph unc = PleGraphBuilder.build(byName.get("uncertainty").config());
        assertTrue(unc.parameterNames().contains(GraphSignature.logVariance("a")));
        assertTrue(unc.parameterNames().contains(GraphSignature.logVariance("r")));
        PleGraph drop = PleGraphBuilder.build(byName.get("dropout").config());
        assertTrue(drop.dropoutSites().size() >= 4, "expert and tower layers have dropout sites");
        assertNotNull(drop.sameDiff().getVariable("dropout/level0/experts/layer0"));
    }

    @Test
    void checkerRejectsAWrongGradient() {
        Case c = cases().filter(x -> x.name().equals("cgc-2+1")).findFirst().orElseThrow();
        PleGraph g = PleGraphBuilder.build(c.config(), EmbeddingLookup.ONE_HOT);   // differentiable by SameDiff alone
        GraphTestSupport.randomizeParameters(g, 3, 0.8);
        Map<String, INDArray> ph = placeholders(g, c);
        List<String> params = g.parameterNames();
        Map<String, INDArray> grads = GraphTestSupport.gradients(g.sameDiff(), ph, params);
        String victim = "tower/b/head/W";
        INDArray wrong = grads.get(victim).dup();
        wrong.putScalar(1, wrong.getDouble(1) * 1.001);
        grads.put(victim, wrong);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> new FiniteDifference().check(g.sameDiff(), ph, GraphSignature.TOTAL_LOSS, List.of(victim), grads));
        assertTrue(e.getMessage().contains("'" + victim + "' element 1"), e.getMessage());
        // and a parameter left unchanged is restored exactly after the check
        double before = g.sameDiff().getVariable(victim).getArr().getDouble(1);
        new FiniteDifference().check(g.sameDiff(), ph, GraphSignature.TOTAL_LOSS, List.of("tower/a/head/W"));
        assertEquals(before, g.sameDiff().getVariable(victim).getArr().getDouble(1));
    }
}
