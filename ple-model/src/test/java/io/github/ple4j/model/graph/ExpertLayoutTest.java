package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.PleNetwork.ExpertLayout;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused and the per-expert layouts compute the same function from the same initial values (values are
 * drawn per logical expert path), and the per-expert layout passes the gradient check too.
 */
class ExpertLayoutTest {
    private static final PleConfig CONFIG = PleConfig.builder().denseInputs(4)
            .task(TaskSpec.binary("a", 3)).task(TaskSpec.regression("b", 2)).task(TaskSpec.binary("c"))
            .extraction(ExtractionSpec.ple(2, 2, 2, 3, 2).withActivation(Activation.TANH))
            .gate(new GateSpec(true)).dataType(ModelDataType.DOUBLE).seed(5).build();

    @Test
    void layoutsAgree() {
        PleGraph fused = PleGraphBuilder.build(CONFIG, ExpertLayout.FUSED);
        PleGraph separate = PleGraphBuilder.build(CONFIG, ExpertLayout.PER_EXPERT);
        assertEquals(fused.numParams(), separate.numParams());
        assertTrue(separate.parameterNames().contains("level0/shared/expert1/layer1/W"), separate.parameterNames().toString());
        MultiDataSet batch = GraphTestSupport.batch(CONFIG, 3, 7, true);
        Map<String, INDArray> phF = new Feeds(fused).batch(batch, new double[]{1, 1, 1});
        Map<String, INDArray> phS = new Feeds(separate).batch(batch, new double[]{1, 1, 1});
        List<String> names = new ArrayList<>(fused.signature().predictionOutputs());
        fused.gates().forEach(g -> names.add(g.output()));
        names.add(GraphSignature.TOTAL_LOSS);
        Map<String, INDArray> a = GraphTestSupport.outputs(fused.sameDiff(), phF, names.toArray(new String[0]));
        Map<String, INDArray> b = GraphTestSupport.outputs(separate.sameDiff(), phS, names.toArray(new String[0]));
        for (String n : names) {
            double[] x = a.get(n).reshape(-1).toDoubleVector();
            double[] y = b.get(n).reshape(-1).toDoubleVector();
            assertEquals(x.length, y.length, n);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-12, n + "[" + i + "]");
            }
        }
    }

    @Test
    void perExpertLayoutPassesTheGradientCheck() {
        PleGraph g = PleGraphBuilder.build(CONFIG, ExpertLayout.PER_EXPERT);
        GraphTestSupport.ensureGradFunction(g.sameDiff());
        Map<String, INDArray> ph = new Feeds(g).batch(GraphTestSupport.batch(CONFIG, 4, 6, true), new double[]{1, 1, 1});
        FiniteDifference.Report r = new FiniteDifference().check(g.sameDiff(), ph, GraphSignature.TOTAL_LOSS, g.parameterNames());
        assertTrue(r.elementsChecked() > 100, r.toString());
    }
}
