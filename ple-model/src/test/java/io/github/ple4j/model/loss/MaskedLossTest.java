package io.github.ple4j.model.loss;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masked per-task losses (paper Eq. 9) and their weighting (Eq. 8, 10, Kendall et al.) against hand computations. */
class MaskedLossTest {
    private static final int ROWS = 6;
    private static final double[] Y_CLICK = {1, 0, 0, 1, 1, 0};
    private static final double[] M_CLICK = {1, 0, 1, 1, 0, 1};
    private static final double[] Y_VALUE = {0.3, -1.2, 2.0, 0.7, -0.1, 1.5};
    private static final double[] M_VALUE = {0, 1, 1, 0, 1, 1};

    private static PleConfig config(double wClick, double wValue, LossWeighting weighting) {
        return PleConfig.builder().denseInputs(3)
                .task(TaskSpec.binary("click", 2).withLossWeight(wClick))
                .task(TaskSpec.regression("value", 2).withLossWeight(wValue))
                .extraction(ExtractionSpec.cgc(1, 1, 3).withActivation(Activation.TANH))
                .training(TrainingSpec.defaults().withWeighting(weighting))
                .seed(9).dataType(ModelDataType.DOUBLE).build();
    }

    private static PleConfig config(double wClick, double wValue) {
        return config(wClick, wValue, LossWeighting.fixed());
    }

    private static PleGraph graph(PleConfig cfg) {
        PleGraph g = PleGraphBuilder.build(cfg);
        GraphTestSupport.randomizeParameters(g, 17, 1.0);   // logits well away from 0
        return g;
    }

    private static INDArray col(double[] v) {
        return Nd4j.create(v, new long[]{v.length, 1}, 'c');
    }

    private static MultiDataSet data(double[] yClick, double[] mClick, double[] yValue, double[] mValue) {
        INDArray x = io.github.ple4j.model.TestData.uniform(2, org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1.0, ROWS, 3);
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{col(yClick), col(yValue)}, null,
                new INDArray[]{col(mClick), col(mValue)});
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Masked mean of binary cross-entropy, written from its definition -y log p - (1-y) log(1-p). */
    private static double maskedBce(double[] z, double[] y, double[] m) {
        double sum = 0;
        double count = 0;
        for (int i = 0; i < z.length; i++) {
            if (m[i] == 1) {
                double p = sigmoid(z[i]);
                sum += -y[i] * Math.log(p) - (1 - y[i]) * Math.log(1 - p);
                count++;
            }
        }
        return sum / Math.max(count, 1);
    }

    private static double maskedMse(double[] z, double[] y, double[] m) {
        double sum = 0;
        double count = 0;
        for (int i = 0; i < z.length; i++) {
            if (m[i] == 1) {
                sum += (z[i] - y[i]) * (z[i] - y[i]);
                count++;
            }
        }
        return sum / Math.max(count, 1);
    }

    private static Map<String, INDArray> run(PleGraph g, MultiDataSet d, double[] lossWeights) {
        Map<String, INDArray> ph = new Feeds(g).batch(d, lossWeights);
        return GraphTestSupport.outputs(g.sameDiff(), ph, "logit/click", "logit/value", "loss/click", "loss/value",
                GraphSignature.TOTAL_LOSS);
    }

    private static Map<String, INDArray> grads(PleGraph g, MultiDataSet d, double[] lossWeights) {
        Map<String, INDArray> ph = new Feeds(g).batch(d, lossWeights);
        return GraphTestSupport.gradients(g.sameDiff(), ph, g.parameterNames());
    }

    private static double d(Map<String, INDArray> out, String name) {
        return out.get(name).getDouble(0);
    }

    // ---------------------------------------------------------------- (a) masked means

    @Test
    void taskLossesAreMaskedMeans() {
        PleGraph g = graph(config(1, 1));
        Map<String, INDArray> out = run(g, data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE), null);
        double[] zc = out.get("logit/click").reshape(-1).toDoubleVector();
        double[] zv = out.get("logit/value").reshape(-1).toDoubleVector();
        double bce = maskedBce(zc, Y_CLICK, M_CLICK);
        double mse = maskedMse(zv, Y_VALUE, M_VALUE);
        assertTrue(bce > 0.05 && mse > 0.05, "non-trivial losses " + bce + ", " + mse);
        assertEquals(bce, d(out, "loss/click"), 1e-12);
        assertEquals(mse, d(out, "loss/value"), 1e-12);
        assertEquals(bce + mse, d(out, GraphSignature.TOTAL_LOSS), 1e-12);
        // the mean is over the masked-in rows only, not the batch: dividing by B would give a different number
        assertNotEquals(bce * 4 / ROWS, d(out, "loss/click"), 1e-6);
    }

    @Test
    void allMaskedBatchHasZeroLoss() {
        PleGraph g = graph(config(1, 1));
        double[] zeros = new double[ROWS];
        Map<String, INDArray> out = run(g, data(Y_CLICK, zeros, Y_VALUE, zeros), null);
        assertEquals(0.0, d(out, "loss/click"), 0.0);
        assertEquals(0.0, d(out, "loss/value"), 0.0);
        assertEquals(0.0, d(out, GraphSignature.TOTAL_LOSS), 0.0);
        Map<String, INDArray> g0 = grads(g, data(Y_CLICK, zeros, Y_VALUE, zeros), null);
        for (Map.Entry<String, INDArray> e : g0.entrySet()) {
            assertTrue(e.getValue() == null || e.getValue().amaxNumber().doubleValue() == 0.0,
                    "no gradient from an all-masked batch: " + e.getKey());
        }
    }

    // ---------------------------------------------------------------- (b) masked-out labels are ignored

    @Test
    void maskedOutLabelsChangeNeitherLossNorGradient() {
        // only "click" counts; row 1 and row 4 are masked out for click
        PleGraph g = graph(config(1, 0));
        MultiDataSet base = data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE);
        Map<String, INDArray> out0 = run(g, base, null);
        Map<String, INDArray> g0 = grads(g, base, null);

        for (double replacement : new double[]{1.0, 0.5, -3.0}) {
            double[] y = Y_CLICK.clone();
            y[1] = replacement;                         // masked out (invalid values allowed there)
            y[4] = 1 - Y_CLICK[4];
            MultiDataSet changed = data(y, M_CLICK, Y_VALUE, M_VALUE);
            Map<String, INDArray> out1 = run(g, changed, null);
            assertEquals(d(out0, "loss/click"), d(out1, "loss/click"), 0.0, "loss/click with label " + replacement);
            assertEquals(d(out0, GraphSignature.TOTAL_LOSS), d(out1, GraphSignature.TOTAL_LOSS), 0.0);
            Map<String, INDArray> g1 = grads(g, changed, null);
            for (String p : g.parameterNames()) {
                INDArray a = g0.get(p);
                INDArray b = g1.get(p);
                if (a == null || b == null) {
                    assertEquals(a == null, b == null, p);
                    continue;
                }
                assertArrayEquals(a.reshape(-1).toDoubleVector(), b.reshape(-1).toDoubleVector(), 0.0,
                        "gradient of " + p + " with masked-out label " + replacement);
            }
        }
        // control: changing a masked-IN label does change the loss
        double[] y = Y_CLICK.clone();
        y[0] = 1 - y[0];
        assertNotEquals(d(out0, "loss/click"), d(run(g, data(y, M_CLICK, Y_VALUE, M_VALUE), null), "loss/click"), 1e-6);
    }

    @Test
    void maskedOutRegressionLabelsAreIgnored() {
        PleGraph g = graph(config(0, 1));
        Map<String, INDArray> out0 = run(g, data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE), null);
        double[] y = Y_VALUE.clone();
        y[0] = 1e6;   // masked out
        y[3] = -42;   // masked out
        Map<String, INDArray> out1 = run(g, data(Y_CLICK, M_CLICK, y, M_VALUE), null);
        assertEquals(d(out0, "loss/value"), d(out1, "loss/value"), 0.0);
        Map<String, INDArray> g0 = grads(g, data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE), null);
        Map<String, INDArray> g1 = grads(g, data(Y_CLICK, M_CLICK, y, M_VALUE), null);
        for (String p : g.parameterNames()) {
            if (g0.get(p) != null) {
                assertArrayEquals(g0.get(p).reshape(-1).toDoubleVector(), g1.get(p).reshape(-1).toDoubleVector(), 0.0, p);
            }
        }
    }

    // ---------------------------------------------------------------- (c) weights scale gradients

    @Test
    void fixedTaskWeightScalesTheGradientExactly() {
        MultiDataSet d = data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE);
        PleGraph g1 = graph(config(1, 0));
        PleGraph g2 = graph(config(2, 0));
        Map<String, INDArray> grad1 = grads(g1, d, null);
        Map<String, INDArray> grad2 = grads(g2, d, null);
        assertEquals(2 * d(run(g1, d, null), "loss/click"), d(run(g2, d, null), GraphSignature.TOTAL_LOSS), 1e-12);
        int nonZero = 0;
        for (String p : g1.parameterNames()) {
            INDArray a = grad1.get(p);
            INDArray b = grad2.get(p);
            if (a == null) {
                assertTrue(b == null || b.amaxNumber().doubleValue() == 0, p);
                continue;
            }
            double[] av = a.reshape(-1).toDoubleVector();
            double[] bv = b.reshape(-1).toDoubleVector();
            for (int i = 0; i < av.length; i++) {
                assertEquals(2 * av[i], bv[i], 1e-12 * Math.abs(2 * av[i]) + 1e-300,
                        p + "[" + i + "]: weight 2 must give exactly twice the gradient of weight 1");
                if (av[i] != 0) {
                    nonZero++;
                }
            }
        }
        assertTrue(nonZero > 20, "many non-zero gradient entries: " + nonZero);
        // the value task has weight 0: its tower gets nothing
        assertEquals(0.0, grad2.get("tower/value/head/W").amaxNumber().doubleValue(), 0.0);
    }

    // ---------------------------------------------------------------- (d) dynamic decay

    @Test
    void dynamicDecayWeightsAreW0TimesGammaToTheT() {
        LossWeighting.DynamicDecay epochs = new LossWeighting.DynamicDecay(0.9, Map.of("value", 0.5), LossWeighting.DecayUnit.EPOCH);
        PleConfig cfg = config(2.0, 1.0, epochs);
        assertArrayEquals(new double[]{2.0, 1.0}, cfg.taskWeightsAt(0, 0), 1e-15);
        assertArrayEquals(new double[]{2.0 * 0.729, 0.125}, cfg.taskWeightsAt(3, 1000), 1e-14);   // t = epoch = 3
        assertArrayEquals(new double[]{1.458, 0.125}, cfg.taskWeightsAt(3, 7), 1e-14);

        PleConfig steps = config(2.0, 1.0,
                new LossWeighting.DynamicDecay(0.9, Map.of("value", 0.5), LossWeighting.DecayUnit.STEP));
        assertArrayEquals(new double[]{2.0 * 0.59049, 0.03125}, steps.taskWeightsAt(3, 5), 1e-14);   // t = step = 5
        assertArrayEquals(new double[]{1.18098, 0.03125}, steps.taskWeightsAt(0, 5), 1e-14);

        // fixed weighting ignores t
        assertArrayEquals(new double[]{2.0, 1.0}, config(2.0, 1.0).taskWeightsAt(9, 99), 0.0);
    }

    @Test
    void fedDynamicWeightsScaleTheTotalLossAndGradients() {
        PleConfig cfg = config(2.0, 1.0,
                new LossWeighting.DynamicDecay(0.9, Map.of("value", 0.5), LossWeighting.DecayUnit.EPOCH));
        PleGraph g = graph(cfg);
        MultiDataSet d = data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE);
        for (double[] w : new double[][]{cfg.taskWeightsAt(0, 0), cfg.taskWeightsAt(3, 0), {0.3, 1.7}}) {
            Map<String, INDArray> out = run(g, d, w);
            double expected = w[0] * d(out, "loss/click") + w[1] * d(out, "loss/value");
            assertEquals(expected, d(out, GraphSignature.TOTAL_LOSS), 1e-12, "total with weights " + java.util.Arrays.toString(w));
        }
        // at epoch 3 the weights are 2*0.9^3 and 0.5^3, not the static weights (no double counting of w0)
        Map<String, INDArray> out3 = run(g, d, cfg.taskWeightsAt(3, 0));
        assertEquals(1.458 * d(out3, "loss/click") + 0.125 * d(out3, "loss/value"), d(out3, GraphSignature.TOTAL_LOSS), 1e-12);

        Map<String, INDArray> one = grads(g, d, new double[]{1, 0});
        Map<String, INDArray> quarter = grads(g, d, new double[]{0.25, 0});
        for (String p : g.parameterNames()) {
            if (one.get(p) == null) {
                continue;
            }
            double[] a = one.get(p).reshape(-1).toDoubleVector();
            double[] b = quarter.get(p).reshape(-1).toDoubleVector();
            for (int i = 0; i < a.length; i++) {
                assertEquals(0.25 * a[i], b[i], 1e-12 * Math.abs(a[i]) + 1e-300, p + "[" + i + "]");
            }
        }
    }

    // ---------------------------------------------------------------- (e) uncertainty weighting

    @Test
    void uncertaintyWeightingMatchesTheHandFormula() {
        PleConfig cfg = config(1.5, 0.8, new LossWeighting.Uncertainty(0.0));
        PleGraph g = graph(cfg);
        SameDiff sd = g.sameDiff();
        double s = 0.3;
        for (String t : List.of("click", "value")) {
            assertNotNull(sd.getVariable(GraphSignature.logVariance(t)));
            assertTrue(g.parameterNames().contains(GraphSignature.logVariance(t)), "log-variance is trainable");
            sd.getVariable(GraphSignature.logVariance(t)).getArr().assign(s);
        }
        MultiDataSet d = data(Y_CLICK, M_CLICK, Y_VALUE, M_VALUE);
        Map<String, INDArray> out = run(g, d, null);
        double lc = d(out, "loss/click");
        double lv = d(out, "loss/value");
        double expected = 1.5 * Math.exp(-s) * lc * 1.0 + s / 2 + 0.8 * Math.exp(-s) * lv * 0.5 + s / 2;
        assertEquals(expected, d(out, GraphSignature.TOTAL_LOSS), 1e-12);
        assertEquals(1.5 * 0.7408182206817179 * lc + 0.4 * 0.7408182206817179 * lv + 0.3,
                d(out, GraphSignature.TOTAL_LOSS), 1e-12);

        // d total / d s_k = -w0 e^{-s} L_k scale + 1/2
        Map<String, INDArray> gr = grads(g, d, null);
        assertEquals(-1.5 * Math.exp(-s) * lc + 0.5, gr.get(GraphSignature.logVariance("click")).getDouble(0), 1e-12);
        assertEquals(-0.8 * Math.exp(-s) * lv * 0.5 + 0.5, gr.get(GraphSignature.logVariance("value")).getDouble(0), 1e-12);
    }
}
