package io.github.ple4j.model.exec;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.EmbeddingLookup;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate mixture kernel ({@link ExpertMixture}): hand-computed sums over parts of several sources, the ND4J path
 * for sources that are views, exact errors, and a deep-expert PLE whose plan mixes every gate in the kernel and
 * agrees with SameDiff (the gradient-check variants run with it in {@code ExecutionPlanTest}).
 */
class ExpertMixtureTest {

    /** Runs one mixture step on the given values (weights first, then one source per part). */
    private static INDArray mix(ExpertMixture m, DataType type, INDArray... values) {
        int[] in = new int[values.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = i;
        }
        INDArray[] slots = new INDArray[values.length + 1];
        System.arraycopy(values, 0, slots, 0, values.length);
        ExpertMixtureStep step = new ExpertMixtureStep(m, in, new int[]{values.length}, new DataType[]{type});
        step.run(slots);
        return slots[values.length];
    }

    @Test
    void sumsEachSamplesExpertsWeightedByItsGate() {
        // Source a: 3 experts x 2 samples x 2 features; source b: 1 expert. The mixture takes a's experts 1..2 and b's.
        double[][][] a = {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{-1, 0}, {2, -2}}};
        double[][][] b = {{{10, 20}, {30, 40}}};
        double[][] w = {{0.5, 0.25, 0.25}, {0.1, 0.6, 0.3}};
        ExpertMixture m = new ExpertMixture("out", "w", List.of(new ExpertMixture.Part("a", 1, 2),
                new ExpertMixture.Part("b", 0, 1)));
        // sample 0: 0.5*[5,6] + 0.25*[-1,0] + 0.25*[10,20] = [4.75, 8]
        // sample 1: 0.1*[7,8] + 0.6*[2,-2] + 0.3*[30,40] = [10.9, 11.6]
        double[][] expected = {{4.75, 8}, {10.9, 11.6}};
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            INDArray out = mix(m, type, Nd4j.createFromArray(w).castTo(type), Nd4j.createFromArray(a).castTo(type),
                    Nd4j.createFromArray(b).castTo(type));
            assertArrayEquals(new long[]{2, 2}, out.shape());
            for (int s = 0; s < 2; s++) {
                assertArrayEquals(expected[s], out.getRow(s).toDoubleVector(), type == DataType.DOUBLE ? 1e-15 : 1e-6,
                        type + " sample " + s);
            }
        }
    }

    @Test
    void tilesOfRowsCoverLargeBatchesAndViewsGoThroughNd4j() {
        int batch = 300;    // 300 rows of 40: more than one tile of 8192 elements
        int h = 40;
        INDArray src = Nd4j.rand(DataType.DOUBLE, 4, batch, h);
        INDArray w = Nd4j.rand(DataType.DOUBLE, batch, 3);
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, batch, h);
        for (int i = 0; i < 3; i++) {
            expected.addi(src.get(NDArrayIndex.point(i + 1), NDArrayIndex.all(), NDArrayIndex.all())
                    .mulColumnVector(w.getColumn(i).reshape(batch, 1)));
        }
        ExpertMixture m = new ExpertMixture("out", "w", List.of(new ExpertMixture.Part("s", 1, 3)));
        INDArray direct = mix(m, DataType.DOUBLE, w, src);
        assertTrue(expected.equalsWithEps(direct, 1e-13), "kernel over tiles");
        // A view that does not span its buffer: mixed by ND4J ops, the same value.
        INDArray wider = Nd4j.zeros(DataType.DOUBLE, 4, batch, h + 2);
        INDArray view = wider.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, 1 + h));
        view.assign(src);
        assertFalse(ArrayViews.direct(view));
        assertTrue(expected.equalsWithEps(mix(m, DataType.DOUBLE, w, view), 1e-13), "view through ND4J");
    }

    @Test
    void errorsNameTheMixtureAndWhatDoesNotFit() {
        ExpertMixture m = new ExpertMixture("level0/mix", "gate/w", List.of(new ExpertMixture.Part("s", 1, 2)));
        INDArray src = Nd4j.zeros(DataType.FLOAT, 3, 4, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> mix(m, DataType.FLOAT, Nd4j.zeros(DataType.FLOAT, 4, 3), src));
        assertEquals("the gate mixture 'level0/mix' (weights gate/w, parts [Part[source=s, from=1, count=2]]) failed: "
                + "the gate weights must be FLOAT [batch, 2] but are FLOAT [4, 3]", e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> mix(m, DataType.FLOAT, Nd4j.zeros(DataType.FLOAT, 4, 2), Nd4j.zeros(DataType.FLOAT, 2, 4, 5)));
        assertEquals("the gate mixture 'level0/mix' (weights gate/w, parts [Part[source=s, from=1, count=2]]) failed: "
                + "part 0 (Part[source=s, from=1, count=2]) must be FLOAT [>= 3, 4, 5] but is FLOAT [2, 4, 5]",
                e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> new ExpertMixture.Part("s", 0, 0));
        assertEquals("a part takes count >= 1 experts from index >= 0 but got from 0, count 0 of s", p.getMessage());
    }

    @Test
    void deepExpertGatesMixInTheKernelAndMatchSameDiff() {
        for (ModelDataType dt : new ModelDataType[]{ModelDataType.DOUBLE, ModelDataType.FLOAT}) {
            PleConfig cfg = PleConfig.builder().inputs(new io.github.ple4j.model.config.InputSpec(6, List.of()))
                    .task(TaskSpec.binary("a", 3)).task(TaskSpec.binary("b", 2))
                    .extraction(ExtractionSpec.ple(2, 2, 2, 4, 3)).dataType(dt).build();
            PleGraph g = PleGraphBuilder.build(cfg, EmbeddingLookup.ONE_HOT);
            // Level 0: the gates of a, b and the shared gate; level 1 (the last): the gates of a and b.
            assertEquals(5, g.fusedOps().stream().filter(f -> f instanceof ExpertMixture).count(), "mixtures");
            GraphTestSupport.randomizeParameters(g, 9, 0.7);
            Map<String, INDArray> ph = new Feeds(g).batch(GraphTestSupport.batch(cfg, 7, 13, false), null);
            List<String> outs = new ArrayList<>(g.signature().predictionOutputs());
            g.gates().forEach(gate -> outs.add(gate.output()));
            Map<String, INDArray> expected = GraphTestSupport.outputs(g.sameDiff(), ph, outs.toArray(new String[0]));
            try (ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), g.sameDiff(), outs, g.fusedOps())) {
                plan.startProfiling();
                Map<String, INDArray> actual = plan.run(ph);
                for (String o : outs) {
                    double diff = expected.get(o).sub(actual.get(o)).amaxNumber().doubleValue();
                    assertTrue(diff <= (dt == ModelDataType.DOUBLE ? 1e-12 : 1e-6), dt + " " + o + ": " + diff);
                }
                Map<String, long[]> profile = plan.profile();
                assertEquals(5, profile.get("expert_mixture (fused)")[1], "kernel runs per pass");
                for (String gone : new String[]{"multiply", "reduce_sum", "strided_slice", "permute"}) {
                    assertFalse(profile.containsKey(gone), gone + " no longer runs: " + profile.keySet());
                }
            }
        }
    }
}
