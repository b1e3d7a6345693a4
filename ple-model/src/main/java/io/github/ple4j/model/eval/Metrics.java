package io.github.ple4j.model.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Static, dependency-free evaluation metrics for binary and regression tasks.
 *
 * <p>Every metric takes the model output, the labels and an optional {@code mask}
 * ({@code null} means every sample is used; otherwise each entry must be exactly 0 or 1 and
 * samples with mask 0 are ignored). All arrays must have the same length. Values of masked
 * samples are never inspected, so they may hold placeholders (for example {@code NaN} labels
 * for samples that have no label for this task).
 *
 * <p>Invalid input raises {@link IllegalArgumentException} with a message naming the array,
 * the index and the offending value, e.g. {@code "scores[3] is NaN"} or
 * {@code "labels has 5 entries but scores has 4"}. {@code null} arrays (other than the mask)
 * raise {@link NullPointerException}.
 */
public final class Metrics {

    /** Probabilities are clipped to {@code [LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON]} in {@link #logLoss}. */
    public static final double LOG_LOSS_EPSILON = 1e-15;

    private Metrics() {
    }

    /**
     * Exact area under the ROC curve, i.e. the probability that a randomly chosen positive
     * sample scores higher than a randomly chosen negative one, with ties counted as 1/2.
     * This equals the Mann&ndash;Whitney U statistic with average ranks for tied scores,
     * divided by {@code positives * negatives}.
     *
     * <p>Runs in O(n log n): the positive and the negative scores are sorted and merged. The
     * pair count is accumulated in integer arithmetic, so the result is exact up to the final
     * division. {@code -0.0} and {@code 0.0} are treated as tied; infinite scores are allowed.
     *
     * @param scores any real-valued scores (higher means "more likely positive"); must not be NaN
     *               for unmasked samples
     * @param labels 0 or 1 for every unmasked sample
     * @param mask   {@code null} or 0/1 per sample
     * @return the AUC in {@code [0, 1]}, or {@link Double#NaN} when the unmasked samples do not
     *         contain both classes (including when there are no unmasked samples)
     * @throws IllegalArgumentException on mismatched lengths, a NaN score, a label other than
     *                                  0/1, or a mask value other than 0/1
     */
    public static double auc(double[] scores, double[] labels, double[] mask) {
        int[] used = validate("scores", scores, labels, mask, true);

        int positives = 0;
        for (int i : used) {
            if (labels[i] == 1.0) {
                positives++;
            }
        }
        int negatives = used.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }

        double[] pos = new double[positives];
        double[] neg = new double[negatives];
        int p = 0;
        int q = 0;
        for (int i : used) {
            if (labels[i] == 1.0) {
                pos[p++] = scores[i];
            } else {
                neg[q++] = scores[i];
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);

        // For each positive (ascending), 'below' = #negatives with a strictly lower score and
        // 'notAbove' = #negatives with a lower or equal score. Both only move forward.
        // Primitive comparisons make -0.0 and 0.0 tie (Arrays.sort keeps them adjacent).
        long twiceWins = 0; // 2 * (wins + ties / 2), kept integral
        int below = 0;
        int notAbove = 0;
        for (double s : pos) {
            while (below < negatives && neg[below] < s) {
                below++;
            }
            if (notAbove < below) {
                notAbove = below;
            }
            while (notAbove < negatives && neg[notAbove] <= s) {
                notAbove++;
            }
            twiceWins += 2L * below + (notAbove - below);
        }
        return twiceWins / (2.0 * positives * (double) negatives);
    }

    /**
     * Mean binary cross-entropy {@code -mean(y * ln(p) + (1 - y) * ln(1 - p))} over the
     * unmasked samples. The probability given to the true class ({@code p} for positives,
     * {@code 1 - p} for negatives) is clipped to {@code [LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON]}
     * (1e-15), so a confident mistake costs {@code -ln(1e-15) ~ 34.54} instead of infinity and a
     * confident correct prediction costs about 1e-15 instead of exactly 0.
     *
     * @param probs  predicted probabilities of the positive class, each in {@code [0, 1]}
     * @param labels 0 or 1 for every unmasked sample
     * @param mask   {@code null} or 0/1 per sample
     * @return the mean log loss, or {@link Double#NaN} when there is no unmasked sample
     * @throws IllegalArgumentException on mismatched lengths, a probability outside
     *                                  {@code [0, 1]} (or NaN), a label other than 0/1, or a
     *                                  mask value other than 0/1
     */
    public static double logLoss(double[] probs, double[] labels, double[] mask) {
        int[] used = validate("probs", probs, labels, mask, true);
        if (used.length == 0) {
            return Double.NaN;
        }
        double sum = 0.0;
        for (int i : used) {
            requireProbability("probs", probs, i);
            // Probability assigned to the true class, clipped. Clipping 1 - p (rather than p)
            // for negatives keeps the two cases symmetric: 1 - (1 - 1e-15) is not exactly 1e-15.
            double pTrue = labels[i] == 1.0 ? probs[i] : 1.0 - probs[i];
            sum -= Math.log(clip(pTrue));
        }
        return sum / used.length;
    }

    /**
     * Fraction of unmasked samples classified correctly, where a sample is predicted positive
     * iff {@code probs[i] >= threshold} (so a probability equal to the threshold counts as
     * positive).
     *
     * @param probs     predicted probabilities or scores; must not be NaN for unmasked samples
     * @param labels    0 or 1 for every unmasked sample
     * @param mask      {@code null} or 0/1 per sample
     * @param threshold decision threshold, typically 0.5; must not be NaN
     * @return accuracy in {@code [0, 1]}, or {@link Double#NaN} when there is no unmasked sample
     * @throws IllegalArgumentException on mismatched lengths, a NaN probability or threshold, a
     *                                  label other than 0/1, or a mask value other than 0/1
     */
    public static double accuracy(double[] probs, double[] labels, double[] mask, double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        int[] used = validate("probs", probs, labels, mask, true);
        if (used.length == 0) {
            return Double.NaN;
        }
        long correct = 0;
        for (int i : used) {
            if ((probs[i] >= threshold) == (labels[i] == 1.0)) {
                correct++;
            }
        }
        return (double) correct / used.length;
    }

    /**
     * Mean squared error {@code mean((predictions - labels)^2)} over the unmasked samples.
     *
     * @param predictions predicted values; must not be NaN for unmasked samples
     * @param labels      true values; must not be NaN for unmasked samples
     * @param mask        {@code null} or 0/1 per sample
     * @return the MSE, or {@link Double#NaN} when there is no unmasked sample
     * @throws IllegalArgumentException on mismatched lengths, a NaN value, or a mask value other
     *                                  than 0/1
     */
    public static double mse(double[] predictions, double[] labels, double[] mask) {
        int[] used = validate("predictions", predictions, labels, mask, false);
        if (used.length == 0) {
            return Double.NaN;
        }
        double sum = 0.0;
        for (int i : used) {
            double error = predictions[i] - labels[i];
            sum += error * error;
        }
        return sum / used.length;
    }

    /**
     * Mean absolute error {@code mean(|predictions - labels|)} over the unmasked samples.
     *
     * @param predictions predicted values; must not be NaN for unmasked samples
     * @param labels      true values; must not be NaN for unmasked samples
     * @param mask        {@code null} or 0/1 per sample
     * @return the MAE, or {@link Double#NaN} when there is no unmasked sample
     * @throws IllegalArgumentException on mismatched lengths, a NaN value, or a mask value other
     *                                  than 0/1
     */
    public static double mae(double[] predictions, double[] labels, double[] mask) {
        int[] used = validate("predictions", predictions, labels, mask, false);
        if (used.length == 0) {
            return Double.NaN;
        }
        double sum = 0.0;
        for (int i : used) {
            sum += Math.abs(predictions[i] - labels[i]);
        }
        return sum / used.length;
    }

    /**
     * Fraction of unmasked samples whose label is 1.
     *
     * @param labels 0 or 1 for every unmasked sample
     * @param mask   {@code null} or 0/1 per sample
     * @return the positive rate in {@code [0, 1]}, or {@link Double#NaN} when there is no
     *         unmasked sample
     * @throws IllegalArgumentException on mismatched lengths, a label other than 0/1, or a mask
     *                                  value other than 0/1
     */
    public static double positiveRate(double[] labels, double[] mask) {
        Objects.requireNonNull(labels, "labels");
        requireSameLength("mask", mask, "labels", labels);
        int[] used = usedIndices(mask, labels.length);
        if (used.length == 0) {
            return Double.NaN;
        }
        long positives = 0;
        for (int i : used) {
            requireBinary("labels", labels, i);
            if (labels[i] == 1.0) {
                positives++;
            }
        }
        return (double) positives / used.length;
    }

    /**
     * Number of unmasked samples among {@code n} samples.
     *
     * @param mask {@code null} (all {@code n} samples count) or exactly {@code n} entries of 0/1
     * @param n    number of samples, {@code >= 0}
     * @return {@code n} when {@code mask} is null, otherwise the number of entries equal to 1
     * @throws IllegalArgumentException when {@code n < 0}, the mask length differs from
     *                                  {@code n}, or a mask value is not 0/1
     */
    public static long count(double[] mask, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        if (mask != null && mask.length != n) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries but n is " + n);
        }
        return usedIndices(mask, n).length;
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, LOG_LOSS_EPSILON), 1.0 - LOG_LOSS_EPSILON);
    }

    // ---------------------------------------------------------------- validation helpers

    /**
     * Checks lengths and mask, then every unmasked value (not NaN) and label (not NaN, and 0/1
     * when {@code binaryLabels}). Returns the indices of the unmasked samples.
     */
    private static int[] validate(String valuesName, double[] values, double[] labels, double[] mask,
                                  boolean binaryLabels) {
        Objects.requireNonNull(values, valuesName);
        Objects.requireNonNull(labels, "labels");
        requireSameLength("labels", labels, valuesName, values);
        requireSameLength("mask", mask, valuesName, values);
        int[] used = usedIndices(mask, values.length);
        for (int i : used) {
            requireNotNaN(valuesName, values, i);
            if (binaryLabels) {
                requireBinary("labels", labels, i);
            } else {
                requireNotNaN("labels", labels, i);
            }
        }
        return used;
    }

    /** Validates every mask entry (0 or 1) and returns the indices whose mask is 1. */
    private static int[] usedIndices(double[] mask, int n) {
        if (mask == null) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] used = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i] == 1.0) {
                used[count++] = i;
            } else if (mask[i] != 0.0) {
                throw new IllegalArgumentException("mask[" + i + "] must be 0 or 1 but was " + mask[i]);
            }
        }
        return Arrays.copyOf(used, count);
    }

    private static void requireSameLength(String name, double[] array, String referenceName, double[] reference) {
        if (array != null && array.length != reference.length) {
            throw new IllegalArgumentException(
                    name + " has " + array.length + " entries but " + referenceName + " has " + reference.length);
        }
    }

    private static void requireNotNaN(String name, double[] array, int i) {
        if (Double.isNaN(array[i])) {
            throw new IllegalArgumentException(name + "[" + i + "] is NaN");
        }
    }

    private static void requireBinary(String name, double[] array, int i) {
        if (array[i] != 0.0 && array[i] != 1.0) {
            throw new IllegalArgumentException(name + "[" + i + "] must be 0 or 1 but was " + array[i]);
        }
    }

    private static void requireProbability(String name, double[] array, int i) {
        if (!(array[i] >= 0.0 && array[i] <= 1.0)) {
            throw new IllegalArgumentException(name + "[" + i + "] must be in [0, 1] but was " + array[i]);
        }
    }
}
