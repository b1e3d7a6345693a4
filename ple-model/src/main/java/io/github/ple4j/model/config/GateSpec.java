package io.github.ple4j.model.config;

/**
 * Gate options (paper Eq. 2-3): g(x) = softmax(W x [+ b]).
 *
 * @param bias whether gates have a bias vector
 */
public record GateSpec(boolean bias) {
    /** Gates without bias, as in the paper's Eq. 3. */
    public static GateSpec defaults() {
        return new GateSpec(false);
    }
}
