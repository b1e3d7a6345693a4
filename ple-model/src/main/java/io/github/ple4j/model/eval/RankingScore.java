package io.github.ple4j.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Fuses per-task predictions into one ranking score, following Tang et al., <i>Progressive
 * Layered Extraction (PLE)</i>, RecSys 2020, Eq. 1:
 * <pre>
 *   score = VCR^w_VCR * VTR^w_VTR * SHR^w_SHR * ... * CMR^w_CMR * f(video_len)
 * </pre>
 * In general, for every sample {@code i}: {@code score[i] = prod_k p_k[i]^w_k * f[i]}, where
 * {@code p_k} are the predicted probabilities of task {@code k}, {@code w_k >= 0} its weight
 * and {@code f} an optional non-negative per-sample factor (the paper's video-length term).
 *
 * <p>A weight of 0 removes a task from the product (by convention {@code 0^0 = 1}); a
 * probability of 0 with a positive weight makes the score 0.
 */
public final class RankingScore {

    private RankingScore() {
    }

    /**
     * Computes {@code score[i] = prod_k taskProbs[k][i]^weights[k] * lengthFactor[i]}.
     *
     * @param taskProbs    probabilities indexed {@code [task][sample]}; at least one task, every
     *                     task with the same number of samples, every value in {@code [0, 1]}
     * @param weights      one exponent per task, each finite and {@code >= 0}
     * @param lengthFactor one finite, non-negative factor per sample, or {@code null} for 1
     * @return a new array with one fused score per sample
     * @throws IllegalArgumentException on an empty task list, mismatched lengths, a probability
     *                                  outside {@code [0, 1]}, a negative or non-finite weight,
     *                                  or a negative or non-finite length factor
     */
    public static double[] fuse(double[][] taskProbs, double[] weights, double[] lengthFactor) {
        Objects.requireNonNull(taskProbs, "taskProbs");
        Objects.requireNonNull(weights, "weights");
        if (weights.length != taskProbs.length) {
            throw new IllegalArgumentException("weights has " + weights.length
                    + " entries but taskProbs has " + taskProbs.length);
        }
        return fuse(taskProbs, weights, lengthFactor, "taskProbs",
                k -> "taskProbs[" + k + "]", k -> "weights[" + k + "]");
    }

    /**
     * Named-task variant of {@link #fuse(double[][], double[], double[])}: every task in
     * {@code probsByTask} must have exactly one weight in {@code weightsByTask} and vice versa.
     * The product is commutative, so map iteration order does not matter.
     *
     * @param probsByTask   per-task probabilities (one entry per sample, values in {@code [0, 1]});
     *                      at least one task
     * @param weightsByTask per-task exponent, each finite and {@code >= 0}
     * @param lengthFactor  one finite, non-negative factor per sample, or {@code null} for 1
     * @return a new array with one fused score per sample
     * @throws IllegalArgumentException if a task has no weight (e.g.
     *                                  {@code "no weight for task 'ctr'; weights were given for [cvr]"}),
     *                                  a weight names an unknown task, or any value is invalid as
     *                                  in the array variant
     */
    public static double[] fuse(Map<String, double[]> probsByTask, Map<String, Double> weightsByTask,
                                double[] lengthFactor) {
        Objects.requireNonNull(probsByTask, "probsByTask");
        Objects.requireNonNull(weightsByTask, "weightsByTask");
        for (String task : new TreeSet<>(probsByTask.keySet())) {
            if (!weightsByTask.containsKey(task)) {
                throw new IllegalArgumentException("no weight for task '" + task
                        + "'; weights were given for " + new TreeSet<>(weightsByTask.keySet()));
            }
        }
        for (String task : new TreeSet<>(weightsByTask.keySet())) {
            if (!probsByTask.containsKey(task)) {
                throw new IllegalArgumentException("weight given for unknown task '" + task
                        + "'; tasks are " + new TreeSet<>(probsByTask.keySet()));
            }
        }

        List<String> tasks = new ArrayList<>(new TreeSet<>(probsByTask.keySet()));
        double[][] probs = new double[tasks.size()][];
        double[] weights = new double[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            String task = tasks.get(k);
            probs[k] = probsByTask.get(task);
            Double weight = weightsByTask.get(task);
            if (weight == null) {
                throw new IllegalArgumentException("weight for task '" + task + "' is null");
            }
            weights[k] = weight;
        }
        return fuse(probs, weights, lengthFactor, "probsByTask",
                k -> "probsByTask['" + tasks.get(k) + "']", k -> "weightsByTask['" + tasks.get(k) + "']");
    }

    private static double[] fuse(double[][] probs, double[] weights, double[] lengthFactor, String probsName,
                                 IntFunction<String> probsLabel, IntFunction<String> weightLabel) {
        if (probs.length == 0) {
            throw new IllegalArgumentException(probsName + " must contain at least one task");
        }
        for (int k = 0; k < probs.length; k++) {
            Objects.requireNonNull(probs[k], probsLabel.apply(k));
            if (probs[k].length != probs[0].length) {
                throw new IllegalArgumentException(probsLabel.apply(k) + " has " + probs[k].length
                        + " entries but " + probsLabel.apply(0) + " has " + probs[0].length);
            }
            requireNonNegativeFinite(weightLabel.apply(k), weights[k]);
        }
        int n = probs[0].length;
        if (lengthFactor != null && lengthFactor.length != n) {
            throw new IllegalArgumentException("lengthFactor has " + lengthFactor.length
                    + " entries but " + probsLabel.apply(0) + " has " + n);
        }

        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double score = 1.0;
            if (lengthFactor != null) {
                requireNonNegativeFinite("lengthFactor[" + i + "]", lengthFactor[i]);
                score = lengthFactor[i];
            }
            for (int k = 0; k < probs.length; k++) {
                double p = probs[k][i];
                if (!(p >= 0.0 && p <= 1.0)) {
                    throw new IllegalArgumentException(
                            probsLabel.apply(k) + "[" + i + "] must be in [0, 1] but was " + p);
                }
                score *= Math.pow(p, weights[k]);
            }
            scores[i] = score;
        }
        return scores;
    }

    private static void requireNonNegativeFinite(String name, double value) {
        if (!(Double.isFinite(value) && value >= 0.0)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0 but was " + value);
        }
    }
}
