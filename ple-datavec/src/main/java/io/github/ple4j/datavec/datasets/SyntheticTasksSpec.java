package io.github.ple4j.datavec.datasets;

/**
 * Immutable configuration of a {@link SyntheticTasks} generator (Ma et al., KDD 2018, section 3.2).
 *
 * <p>The two tasks are built from weight vectors
 *
 * <pre>
 *   w1 = c * u1
 *   w2 = c * (p * u1 + sqrt(1 - p^2) * u2)
 * </pre>
 *
 * where {@code u1, u2} are orthonormal in {@code R^d}, and labels
 *
 * <pre>
 *   y_t = w_t^T x + sum_{i=1..m} sin(alpha_i * w_t^T x + beta_i) + eps_t,   eps_t ~ N(0, sigma^2)
 * </pre>
 *
 * <p>Noise convention: the MMoE paper writes {@code eps ~ N(0, 0.01)}. This library reads the
 * {@code 0.01} as the <em>variance</em>, so the default standard deviation {@link #noiseStd()} is
 * {@code sqrt(0.01) = 0.1}. Pass {@code withNoiseStd(0.01)} to use the other reading.
 *
 * @param dimension   input dimension {@code d}; at least 2 (two orthogonal directions are needed)
 * @param scale       scale constant {@code c}; finite and strictly positive
 * @param correlation correlation score {@code p} in {@code [-1, 1]}; equals the cosine of
 *                    {@code w1} and {@code w2}
 * @param sinTerms    number {@code m} of sinusoidal terms; at least 0
 * @param noiseStd    standard deviation {@code sigma} of the label noise; finite and at least 0
 * @param seed        seed from which {@code u1, u2, alpha, beta} are drawn
 */
public record SyntheticTasksSpec(
        int dimension, double scale, double correlation, int sinTerms, double noiseStd, long seed) {

    /** Input dimension used by the PLE paper (MMoE used 100). */
    public static final int DEFAULT_DIMENSION = 512;
    /** Scale constant {@code c} used by both papers. */
    public static final double DEFAULT_SCALE = 1.0;
    /** Number of sinusoidal terms {@code m} used by both papers. */
    public static final int DEFAULT_SIN_TERMS = 10;
    /** Noise standard deviation: {@code sqrt(0.01)}, reading MMoE's {@code N(0, 0.01)} as a variance. */
    public static final double DEFAULT_NOISE_STD = 0.1;

    /**
     * Validates every component; messages name the field, the expectation and the actual value,
     * e.g. {@code "correlation must be in [-1, 1] but was 1.5"}.
     *
     * @param dimension   input dimension {@code d}, at least 2
     * @param scale       scale constant {@code c}, finite and &gt; 0
     * @param correlation correlation score {@code p} in {@code [-1, 1]}
     * @param sinTerms    number {@code m} of sinusoidal terms, at least 0
     * @param noiseStd    label noise standard deviation, finite and at least 0
     * @param seed        generator seed
     * @throws IllegalArgumentException if a component is out of range
     */
    public SyntheticTasksSpec {
        if (dimension < 2) {
            throw new IllegalArgumentException("dimension must be >= 2 but was " + dimension);
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("scale must be finite and > 0 but was " + scale);
        }
        if (!(correlation >= -1 && correlation <= 1)) {
            throw new IllegalArgumentException("correlation must be in [-1, 1] but was " + correlation);
        }
        if (sinTerms < 0) {
            throw new IllegalArgumentException("sinTerms must be >= 0 but was " + sinTerms);
        }
        if (!(noiseStd >= 0 && Double.isFinite(noiseStd))) {
            throw new IllegalArgumentException("noiseStd must be finite and >= 0 but was " + noiseStd);
        }
    }

    /**
     * The PLE paper's setting: {@code d = 512, c = 1, m = 10, noiseStd = 0.1}.
     *
     * @param correlation correlation score {@code p} in {@code [-1, 1]}
     * @param seed        generator seed
     * @return a validated spec
     */
    public static SyntheticTasksSpec defaults(double correlation, long seed) {
        return new SyntheticTasksSpec(
                DEFAULT_DIMENSION, DEFAULT_SCALE, correlation, DEFAULT_SIN_TERMS, DEFAULT_NOISE_STD, seed);
    }

    /**
     * Returns a copy with the input dimension {@code d} replaced.
     *
     * @param dimension the new input dimension {@code d}
     * @return a validated copy
     */
    public SyntheticTasksSpec withDimension(int dimension) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }

    /**
     * Returns a copy with the scale constant {@code c} replaced.
     *
     * @param scale the new scale constant {@code c}
     * @return a validated copy
     */
    public SyntheticTasksSpec withScale(double scale) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }

    /**
     * Returns a copy with the correlation score {@code p} replaced.
     *
     * @param correlation the new correlation score {@code p}
     * @return a validated copy
     */
    public SyntheticTasksSpec withCorrelation(double correlation) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }

    /**
     * Returns a copy with the number of sinusoidal terms {@code m} replaced.
     *
     * @param sinTerms the new number of sinusoidal terms {@code m}
     * @return a validated copy
     */
    public SyntheticTasksSpec withSinTerms(int sinTerms) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }

    /**
     * Returns a copy with the noise standard deviation replaced.
     *
     * @param noiseStd the new noise standard deviation
     * @return a validated copy
     */
    public SyntheticTasksSpec withNoiseStd(double noiseStd) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }

    /**
     * Returns a copy with the generator seed replaced.
     *
     * @param seed the new generator seed
     * @return a validated copy
     */
    public SyntheticTasksSpec withSeed(long seed) {
        return new SyntheticTasksSpec(dimension, scale, correlation, sinTerms, noiseStd, seed);
    }
}
