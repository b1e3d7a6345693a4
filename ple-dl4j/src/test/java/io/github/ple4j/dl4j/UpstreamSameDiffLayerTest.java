package io.github.ple4j.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the DL4J 1.0.0-M2.1 behaviour {@link PleLayerImpl} works around: a plain SameDiff layer's parameter gradient
 * is twice that of the equivalent DenseLayer. If this test fails after a DL4J upgrade, the upstream bug is fixed
 * and the workaround can be reconsidered (PleLayerImpl stays correct either way: it does not rely on the bug).
 */
class UpstreamSameDiffLayerTest {
    /** y = x W, W [3, 1], as a SameDiff layer. */
    public static class OneMatrix extends SameDiffLayer {
        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.feedForward(1);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("W", 3, 1);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("W").assign(W);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> table, SDVariable mask) {
            return input.mmul(table.get("W"));
        }
    }

    private static final INDArray W = Nd4j.create(new double[]{0.1, -0.2, 0.3}, new long[]{3, 1});

    private static INDArray gradient(Layer layer) {
        ComputationGraph cg = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new Sgd(1.0)).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(3))
                .addLayer("d", layer, "in")
                .addLayer("out", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "d")
                .setOutputs("out").build());
        cg.init();
        cg.getLayer("d").setParam("W", W);
        cg.getLayer("d").getParam("W").assign(W);
        cg.setInputs(Nd4j.create(new double[]{1, 2, 3, -1, 0.5, 2}, new long[]{2, 3}));
        cg.setLabels(Nd4j.create(new double[]{1, 0}, new long[]{2, 1}));
        cg.computeGradientAndScore();
        return cg.gradient().gradient().dup();
    }

    @Test
    void sameDiffLayerGradientIsTwiceTheDenseLayerGradient() {
        INDArray dense = gradient(new DenseLayer.Builder().nOut(1).hasBias(false).activation(Activation.IDENTITY).build());
        INDArray sameDiff = gradient(new OneMatrix());
        assertEquals(dense.mul(2), sameDiff);
    }
}
