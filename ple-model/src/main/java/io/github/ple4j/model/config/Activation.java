package io.github.ple4j.model.config;

/** Hidden-layer activations of experts and towers. */
public enum Activation {
    RELU, TANH, SIGMOID, ELU, GELU, LEAKY_RELU, IDENTITY
}
