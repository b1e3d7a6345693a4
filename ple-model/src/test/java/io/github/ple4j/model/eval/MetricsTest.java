package io.github.ple4j.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MetricsTest {

    private static final double EPS = 1e-12;

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    // ------------------------------------------------------------------ AUC

    @Test
    void aucWithoutTies() {
        // pos 0.35 beats neg 0.1 but loses to 0.4; pos 0.8 beats both -> 3 of 4 pairs
        assertEquals(0.75, Metrics.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1}, null), EPS);
    }

    @Test
    void aucCountsTiesAsHalf() {
        // pos 0.5 vs neg 0.5 (twice) = 1/2 each, pos 0.9 vs both negs = 1 each -> (0.5+0.5+1+1)/4
        assertEquals(0.75, Metrics.auc(new double[] {0.5, 0.5, 0.5, 0.9}, new double[] {0, 1, 0, 1}, null), EPS);
    }

    @Test
    void aucExtremes() {
        double[] labels = {0, 0, 1, 1};
        assertEquals(1.0, Metrics.auc(new double[] {0.1, 0.2, 0.3, 0.4}, labels, null), EPS);
        assertEquals(0.0, Metrics.auc(new double[] {0.4, 0.3, 0.2, 0.1}, labels, null), EPS);
        assertEquals(0.5, Metrics.auc(new double[] {0.7, 0.7, 0.7, 0.7}, labels, null), EPS);
        assertEquals(1.0, Metrics.auc(new double[] {Double.NEGATIVE_INFINITY, 0, 1, Double.POSITIVE_INFINITY},
                labels, null), EPS);
    }

    @Test
    void aucTreatsNegativeZeroAsTiedWithZero() {
        assertEquals(0.5, Metrics.auc(new double[] {0.0, -0.0}, new double[] {0, 1}, null), EPS);
        assertEquals(0.5, Metrics.auc(new double[] {-0.0, 0.0}, new double[] {0, 1}, null), EPS);
    }

    @Test
    void aucIsNaNWithOneClass() {
        assertTrue(Double.isNaN(Metrics.auc(new double[] {0.1, 0.9}, new double[] {1, 1}, null)));
        assertTrue(Double.isNaN(Metrics.auc(new double[] {0.1, 0.9}, new double[] {0, 1}, new double[] {0, 1})));
        assertTrue(Double.isNaN(Metrics.auc(new double[0], new double[0], null)));
    }

    @Test
    void aucIgnoresMaskedSamples() {
        double[] labels = {0, 0, 1, 1, 0};
        double[] mask = {1, 1, 1, 1, 0};
        assertEquals(0.75, Metrics.auc(new double[] {0.1, 0.4, 0.35, 0.8, 0.9}, labels, mask), EPS);
        assertEquals(0.75, Metrics.auc(new double[] {0.1, 0.4, 0.35, 0.8, 0.0}, labels, mask), EPS);
        // masked entries are not validated either: NaN score and invalid label are ignored
        assertEquals(0.75, Metrics.auc(new double[] {0.1, 0.4, 0.35, 0.8, Double.NaN},
                new double[] {0, 0, 1, 1, 7}, mask), EPS);
    }

    @Test
    void aucMatchesBruteForcePairCountWithManyTies() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            int n = 200;
            double[] scores = new double[n];
            double[] labels = new double[n];
            double[] mask = new double[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextInt(10) / 10.0; // only 10 distinct values -> many ties
                labels[i] = random.nextBoolean() ? 1 : 0;
                mask[i] = random.nextDouble() < 0.2 ? 0 : 1;
            }
            assertEquals(bruteForceAuc(scores, labels, mask), Metrics.auc(scores, labels, mask), EPS, "seed " + seed);
            assertEquals(bruteForceAuc(scores, labels, null), Metrics.auc(scores, labels, null), EPS, "seed " + seed);
        }
    }

    /** O(n^2) reference: fraction of (positive, negative) pairs ordered correctly, ties = 1/2. */
    private static double bruteForceAuc(double[] scores, double[] labels, double[] mask) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                boolean used = mask == null || (mask[i] == 1 && mask[j] == 1);
                if (used && labels[i] == 1 && labels[j] == 0) {
                    pairs++;
                    if (scores[i] > scores[j]) {
                        wins += 1;
                    } else if (scores[i] == scores[j]) {
                        wins += 0.5;
                    }
                }
            }
        }
        return wins / pairs;
    }

    // ------------------------------------------------------------------ log loss, accuracy

    @Test
    void logLossByHand() {
        // -(ln 0.9 + ln 0.8) / 2 = (0.105360515657826 + 0.223143551314210) / 2
        assertEquals(0.164252033486018,
                Metrics.logLoss(new double[] {0.9, 0.2}, new double[] {1, 0}, null), EPS);
        // masked third sample would otherwise add -ln(0.01)
        assertEquals(0.164252033486018,
                Metrics.logLoss(new double[] {0.9, 0.2, 0.99}, new double[] {1, 0, 0}, new double[] {1, 1, 0}), EPS);
    }

    @Test
    void logLossClipsProbabilities() {
        // p = 0 for a positive is clipped to 1e-15: -ln(1e-15) = 15 ln 10
        assertEquals(34.538776394910684, Metrics.logLoss(new double[] {0.0}, new double[] {1}, null), 1e-9);
        assertEquals(34.538776394910684, Metrics.logLoss(new double[] {1.0}, new double[] {0}, null), 1e-9);
        assertEquals(0.0, Metrics.logLoss(new double[] {1.0, 0.0}, new double[] {1, 0}, null), EPS);
    }

    @Test
    void logLossIsNaNWithoutSamples() {
        assertTrue(Double.isNaN(Metrics.logLoss(new double[] {0.5}, new double[] {1}, new double[] {0})));
    }

    @Test
    void accuracyByHand() {
        double[] probs = {0.9, 0.5, 0.4, 0.1};
        double[] labels = {1, 0, 0, 1};
        // predicted [1, 1, 0, 0] (0.5 >= 0.5 is positive): samples 0 and 2 correct
        assertEquals(0.5, Metrics.accuracy(probs, labels, null, 0.5), EPS);
        // threshold 0.6 -> predicted [1, 0, 0, 0]: samples 0, 1, 2 correct
        assertEquals(0.75, Metrics.accuracy(probs, labels, null, 0.6), EPS);
        // only samples 0 and 3 -> 1 of 2
        assertEquals(0.5, Metrics.accuracy(probs, labels, new double[] {1, 0, 0, 1}, 0.5), EPS);
        assertTrue(Double.isNaN(Metrics.accuracy(new double[0], new double[0], null, 0.5)));
    }

    // ------------------------------------------------------------------ regression, counts

    @Test
    void mseAndMaeByHand() {
        double[] preds = {1, 2, 3};
        double[] labels = {1, 4, 0};
        // errors 0, -2, 3
        assertEquals(13.0 / 3, Metrics.mse(preds, labels, null), EPS);
        assertEquals(5.0 / 3, Metrics.mae(preds, labels, null), EPS);
        double[] mask = {1, 0, 1};
        assertEquals(4.5, Metrics.mse(preds, labels, mask), EPS);
        assertEquals(1.5, Metrics.mae(preds, labels, mask), EPS);
        assertTrue(Double.isNaN(Metrics.mse(preds, labels, new double[] {0, 0, 0})));
        assertTrue(Double.isNaN(Metrics.mae(preds, labels, new double[] {0, 0, 0})));
    }

    @Test
    void positiveRateAndCount() {
        assertEquals(0.75, Metrics.positiveRate(new double[] {1, 0, 1, 1}, null), EPS);
        assertEquals(2.0 / 3, Metrics.positiveRate(new double[] {1, 0, 1, 1}, new double[] {1, 1, 0, 1}), EPS);
        assertTrue(Double.isNaN(Metrics.positiveRate(new double[0], null)));
        assertEquals(5, Metrics.count(null, 5));
        assertEquals(2, Metrics.count(new double[] {1, 0, 1}, 3));
    }

    // ------------------------------------------------------------------ validation messages

    @Test
    void lengthMismatchMessages() {
        assertMessage("labels has 5 entries but scores has 4",
                () -> Metrics.auc(new double[4], new double[5], null));
        assertMessage("mask has 3 entries but scores has 4",
                () -> Metrics.auc(new double[4], new double[4], new double[3]));
        assertMessage("labels has 2 entries but probs has 1",
                () -> Metrics.logLoss(new double[1], new double[2], null));
        assertMessage("labels has 2 entries but predictions has 3",
                () -> Metrics.mse(new double[3], new double[2], null));
        assertMessage("mask has 1 entries but labels has 2",
                () -> Metrics.positiveRate(new double[2], new double[1]));
        assertMessage("mask has 3 entries but n is 4", () -> Metrics.count(new double[3], 4));
    }

    @Test
    void nanMessages() {
        assertMessage("scores[3] is NaN",
                () -> Metrics.auc(new double[] {0.1, 0.2, 0.3, Double.NaN}, new double[] {0, 1, 0, 1}, null));
        assertMessage("predictions[1] is NaN",
                () -> Metrics.mae(new double[] {1, Double.NaN}, new double[] {1, 2}, null));
        assertMessage("labels[0] is NaN",
                () -> Metrics.mse(new double[] {1, 2}, new double[] {Double.NaN, 2}, null));
        assertMessage("probs[0] is NaN",
                () -> Metrics.accuracy(new double[] {Double.NaN}, new double[] {1}, null, 0.5));
        assertMessage("threshold is NaN",
                () -> Metrics.accuracy(new double[] {0.5}, new double[] {1}, null, Double.NaN));
    }

    @Test
    void labelMaskAndProbabilityMessages() {
        assertMessage("labels[1] must be 0 or 1 but was 2.0",
                () -> Metrics.auc(new double[] {0.1, 0.2}, new double[] {0, 2}, null));
        assertMessage("labels[2] must be 0 or 1 but was 0.5",
                () -> Metrics.positiveRate(new double[] {0, 1, 0.5}, null));
        assertMessage("mask[2] must be 0 or 1 but was 0.5",
                () -> Metrics.auc(new double[3], new double[3], new double[] {1, 0, 0.5}));
        assertMessage("mask[0] must be 0 or 1 but was -1.0",
                () -> Metrics.count(new double[] {-1}, 1));
        assertMessage("probs[0] must be in [0, 1] but was 1.5",
                () -> Metrics.logLoss(new double[] {1.5}, new double[] {1}, null));
        assertMessage("n must be >= 0 but was -1", () -> Metrics.count(null, -1));
    }
}
