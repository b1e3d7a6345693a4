package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** The activation functions of expert and tower layers as SameDiff ops. */
final class Activations {
    private Activations() {
    }

    static SDVariable apply(SameDiff sd, SDVariable z, Activation a) {
        return switch (a) {
            case RELU -> sd.nn.relu(z, 0.0);
            case TANH -> sd.nn.tanh(z);
            case SIGMOID -> sd.nn.sigmoid(z);
            case ELU -> sd.nn.elu(z);
            case GELU -> sd.nn.gelu(z);
            case LEAKY_RELU -> sd.nn.leakyRelu(z, 0.01);
            case IDENTITY -> z;
        };
    }
}
