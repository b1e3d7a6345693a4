package io.github.ple4j.datavec.datasets;

import java.util.Objects;
import java.util.Random;

/**
 * Synthetic two-task regression data with a controlled task correlation, as introduced by Ma et
 * al. (MMoE, KDD 2018, section 3.2) and reused by Tang et al. (PLE, RecSys 2020).
 *
 * <h2>Generator</h2>
 *
 * Given a {@link SyntheticTasksSpec} with input dimension {@code d}, scale {@code c}, correlation
 * score {@code p}, {@code m} sinusoidal terms and noise standard deviation {@code sigma}:
 *
 * <ol>
 *   <li>Draw {@code g1, g2 ~ N(0, I_d)} and orthonormalise them by Gram–Schmidt:
 *       {@code u1 = g1 / |g1|}, {@code u2 = v / |v|} with {@code v = g2 - (g2^T u1) u1}.
 *   <li>{@code w1 = c u1} and {@code w2 = c (p u1 + sqrt(1 - p^2) u2)}, so that
 *       {@code cos(w1, w2) = p} and {@code |w1| = |w2| = c}.
 *   <li>Draw {@code alpha_i, beta_i ~ N(0, 1)} for {@code i = 1..m}, shared by both tasks.
 *   <li>For every sample draw {@code x ~ N(0, I_d)} and set
 *       <pre>
 *   y_t = w_t^T x + sum_{i=1..m} sin(alpha_i w_t^T x + beta_i) + eps_t,   eps_t ~ N(0, sigma^2),   t = 1, 2
 *       </pre>
 * </ol>
 *
 * <p>{@code p} is the cosine of the two weight vectors, i.e. the correlation of the
 * <em>linear</em> parts {@code w_t^T x}. Because of the sine terms the Pearson correlation of the
 * labels themselves ({@link #measuredCorrelation(Sample)}) is generally different from {@code p},
 * though it increases with {@code p} and reaches 1 (up to noise) at {@code p = 1}.
 *
 * <h2>Randomness</h2>
 *
 * All Gaussian draws use {@link Random#nextGaussian()} seeded by {@link Random#Random(long)}.
 * Both the linear congruential generator and the polar method behind {@code nextGaussian} are
 * specified in the {@code java.util.Random} Javadoc, so outputs are identical on every conforming
 * JVM. The sine terms use {@link StrictMath#sin(double)} (rather than {@code Math.sin}, which may
 * differ by an ulp between platforms) and Java 17 floating point is strict, so generated samples are
 * bit-for-bit reproducible. The generator parameters are drawn from {@code new Random(spec.seed())} in the order
 * {@code g1[0..d-1], g2[0..d-1], alpha[0..m-1], beta[0..m-1]}; samples are drawn by
 * {@link #generate(int, long)} from {@code new Random(sampleSeed)}, per sample in the order
 * {@code x[0..d-1], eps_1, eps_2}. The noise is drawn even when {@code sigma = 0}, so the inputs
 * {@code x} for a given sample seed depend only on {@code d}, not on the other spec fields.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SyntheticTasks {

    /**
     * A generated data set.
     *
     * <p>The arrays are stored and returned as is (not copied) to avoid duplicating large data
     * sets; callers must not modify them if they share the sample.
     *
     * @param x inputs, shape {@code [n][d]}
     * @param y labels, shape {@code [2][n]}: {@code y[0]} is task 1, {@code y[1]} is task 2
     */
    public record Sample(double[][] x, double[][] y) {

        /**
         * Checks that the shapes are consistent.
         *
         * @param x inputs, {@code n} rows
         * @param y labels, 2 rows of length {@code n}
         * @throws IllegalArgumentException if the shapes do not match
         */
        public Sample {
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (y.length != 2) {
                throw new IllegalArgumentException("y must have 2 rows (one per task) but had " + y.length);
            }
            if (y[0].length != x.length || y[1].length != x.length) {
                throw new IllegalArgumentException("y rows must have length " + x.length
                        + " (the number of x rows) but had " + y[0].length + " and " + y[1].length);
            }
        }

        /** @return the number of samples {@code n} */
        public int size() {
            return x.length;
        }
    }

    private final SyntheticTasksSpec spec;
    private final double[] u1;
    private final double[] u2;
    private final double[] w1;
    private final double[] w2;
    private final double[] alpha;
    private final double[] beta;

    /**
     * Draws {@code u1, u2, alpha, beta} deterministically from {@code spec.seed()}.
     *
     * @param spec validated configuration
     */
    public SyntheticTasks(SyntheticTasksSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        int d = spec.dimension();
        Random rng = new Random(spec.seed());

        double[] g1 = gaussianVector(rng, d);
        double[] g2 = gaussianVector(rng, d);
        this.u1 = normalise(g1);
        this.u2 = normalise(orthogonalise(g2, u1));

        double c = spec.scale();
        double p = spec.correlation();
        double q = Math.sqrt(1 - p * p);
        this.w1 = new double[d];
        this.w2 = new double[d];
        for (int j = 0; j < d; j++) {
            w1[j] = c * u1[j];
            w2[j] = c * (p * u1[j] + q * u2[j]);
        }

        this.alpha = gaussianVector(rng, spec.sinTerms());
        this.beta = gaussianVector(rng, spec.sinTerms());
    }

    /** @return the configuration of this generator */
    public SyntheticTasksSpec spec() {
        return spec;
    }

    /** @return a copy of the unit vector {@code u1} */
    public double[] u1() {
        return u1.clone();
    }

    /** @return a copy of the unit vector {@code u2}, orthogonal to {@code u1} */
    public double[] u2() {
        return u2.clone();
    }

    /** @return a copy of the task 1 weights {@code w1 = c u1} */
    public double[] w1() {
        return w1.clone();
    }

    /** @return a copy of the task 2 weights {@code w2 = c (p u1 + sqrt(1 - p^2) u2)} */
    public double[] w2() {
        return w2.clone();
    }

    /** @return a copy of the sine frequencies {@code alpha_1..alpha_m} */
    public double[] alpha() {
        return alpha.clone();
    }

    /** @return a copy of the sine phases {@code beta_1..beta_m} */
    public double[] beta() {
        return beta.clone();
    }

    /**
     * The cosine similarity of {@code w1} and {@code w2}, computed from the vectors. Equals the
     * correlation score {@code p} up to rounding.
     *
     * @return {@code w1^T w2 / (|w1| |w2|)}
     */
    public double cosine() {
        return dot(w1, w2) / Math.sqrt(dot(w1, w1) * dot(w2, w2));
    }

    /**
     * Generates {@code n} samples from {@code new Random(sampleSeed)}.
     *
     * @param n          number of samples, at least 0
     * @param sampleSeed seed of the input and noise draws
     * @return inputs {@code x[n][d]} and labels {@code y[2][n]}
     */
    public Sample generate(int n, long sampleSeed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        int d = spec.dimension();
        double sigma = spec.noiseStd();
        Random rng = new Random(sampleSeed);
        double[][] x = new double[n][];
        double[][] y = new double[2][n];
        for (int i = 0; i < n; i++) {
            x[i] = gaussianVector(rng, d);
            double eps1 = rng.nextGaussian();
            double eps2 = rng.nextGaussian();
            y[0][i] = label(dot(w1, x[i])) + sigma * eps1;
            y[1][i] = label(dot(w2, x[i])) + sigma * eps2;
        }
        return new Sample(x, y);
    }

    /**
     * The Pearson correlation of the two tasks' labels in {@code sample}.
     *
     * @param sample generated data, with at least 2 samples
     * @return {@code pearson(sample.y()[0], sample.y()[1])}
     */
    public double measuredCorrelation(Sample sample) {
        Objects.requireNonNull(sample, "sample");
        return pearson(sample.y()[0], sample.y()[1]);
    }

    /**
     * The Pearson correlation coefficient, computed in two passes (means first) for accuracy.
     *
     * @param a first series
     * @param b second series, same length as {@code a}
     * @return {@code cov(a, b) / (sd(a) sd(b))}
     * @throws IllegalArgumentException if the lengths differ, there are fewer than 2 values, or
     *                                  either series is constant
     */
    public static double pearson(double[] a, double[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "a and b must have the same length but had " + a.length + " and " + b.length);
        }
        if (a.length < 2) {
            throw new IllegalArgumentException("pearson needs at least 2 values but got " + a.length);
        }
        double meanA = mean(a);
        double meanB = mean(b);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - meanA;
            double db = b[i] - meanB;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            throw new IllegalArgumentException("pearson is undefined for a constant series (zero variance)");
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** Noise-free label for the linear score {@code s = w_t^T x}: {@code s + sum_i sin(alpha_i s + beta_i)}. */
    private double label(double s) {
        double sines = 0;
        for (int i = 0; i < alpha.length; i++) {
            sines += StrictMath.sin(alpha[i] * s + beta[i]);
        }
        return s + sines;
    }

    private static double[] gaussianVector(Random rng, int length) {
        double[] v = new double[length];
        for (int j = 0; j < length; j++) {
            v[j] = rng.nextGaussian();
        }
        return v;
    }

    /** Returns {@code v - (v^T u) u} for a unit vector {@code u}. */
    private static double[] orthogonalise(double[] v, double[] u) {
        double projection = dot(v, u);
        double[] r = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            r[j] = v[j] - projection * u[j];
        }
        return r;
    }

    private static double[] normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (!(norm > 0)) {
            // Probability zero for Gaussian draws with d >= 2; guarded for clarity.
            throw new IllegalStateException("cannot normalise a zero vector");
        }
        double[] r = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            r[j] = v[j] / norm;
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double value : v) {
            sum += value;
        }
        return sum / v.length;
    }
}
