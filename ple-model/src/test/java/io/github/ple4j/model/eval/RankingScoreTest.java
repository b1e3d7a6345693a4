package io.github.ple4j.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RankingScoreTest {

    private static final double EPS = 1e-12;

    private static final double[][] PROBS = {{0.5, 0.2}, {0.25, 0.81}};
    private static final double[] WEIGHTS = {2, 0.5};

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void fuseByHand() {
        // sample 0: 0.5^2 * 0.25^0.5 = 0.25 * 0.5 = 0.125; sample 1: 0.2^2 * 0.81^0.5 = 0.04 * 0.9 = 0.036
        assertArrayEquals(new double[] {0.125, 0.036}, RankingScore.fuse(PROBS, WEIGHTS, null), EPS);
        assertArrayEquals(new double[] {0.25, 0.018}, RankingScore.fuse(PROBS, WEIGHTS, new double[] {2, 0.5}), EPS);
    }

    @Test
    void zeroWeightIgnoresTaskEvenWithZeroProbability() {
        assertArrayEquals(new double[] {0.5, 0.0},
                RankingScore.fuse(new double[][] {{0.5, 0.0}, {0.0, 0.3}}, new double[] {1, 0}, null), EPS);
    }

    @Test
    void fuseByName() {
        Map<String, double[]> probs = new LinkedHashMap<>();
        probs.put("ctr", PROBS[0]);
        probs.put("cvr", PROBS[1]);
        Map<String, Double> weights = Map.of("cvr", 0.5, "ctr", 2.0);
        assertArrayEquals(new double[] {0.125, 0.036}, RankingScore.fuse(probs, weights, null), EPS);
    }

    @Test
    void fuseByNameRejectsMissingAndUnknownWeights() {
        Map<String, double[]> probs = new LinkedHashMap<>();
        probs.put("ctr", PROBS[0]);
        probs.put("cvr", PROBS[1]);
        assertMessage("no weight for task 'ctr'; weights were given for [cvr]",
                () -> RankingScore.fuse(probs, Map.of("cvr", 1.0), null));
        assertMessage("weight given for unknown task 'shr'; tasks are [ctr, cvr]",
                () -> RankingScore.fuse(probs, Map.of("ctr", 1.0, "cvr", 1.0, "shr", 1.0), null));
        assertMessage("probsByTask['cvr'][1] must be in [0, 1] but was 1.5",
                () -> RankingScore.fuse(Map.of("ctr", PROBS[0], "cvr", new double[] {0.5, 1.5}),
                        Map.of("ctr", 1.0, "cvr", 1.0), null));
        assertMessage("weightsByTask['ctr'] must be finite and >= 0 but was -1.0",
                () -> RankingScore.fuse(probs, Map.of("ctr", -1.0, "cvr", 1.0), null));
        assertMessage("probsByTask must contain at least one task",
                () -> RankingScore.fuse(Map.of(), Map.of(), null));
    }

    @Test
    void validationMessages() {
        assertMessage("taskProbs[0][1] must be in [0, 1] but was 1.5",
                () -> RankingScore.fuse(new double[][] {{0.5, 1.5}}, new double[] {1}, null));
        assertMessage("taskProbs[0][0] must be in [0, 1] but was NaN",
                () -> RankingScore.fuse(new double[][] {{Double.NaN}}, new double[] {1}, null));
        assertMessage("weights[1] must be finite and >= 0 but was -0.5",
                () -> RankingScore.fuse(PROBS, new double[] {1, -0.5}, null));
        assertMessage("weights[0] must be finite and >= 0 but was Infinity",
                () -> RankingScore.fuse(PROBS, new double[] {Double.POSITIVE_INFINITY, 1}, null));
        assertMessage("weights has 1 entries but taskProbs has 2",
                () -> RankingScore.fuse(PROBS, new double[] {1}, null));
        assertMessage("taskProbs[1] has 1 entries but taskProbs[0] has 2",
                () -> RankingScore.fuse(new double[][] {{0.1, 0.2}, {0.3}}, WEIGHTS, null));
        assertMessage("lengthFactor has 3 entries but taskProbs[0] has 2",
                () -> RankingScore.fuse(PROBS, WEIGHTS, new double[3]));
        assertMessage("lengthFactor[1] must be finite and >= 0 but was -1.0",
                () -> RankingScore.fuse(PROBS, WEIGHTS, new double[] {1, -1}));
        assertMessage("taskProbs must contain at least one task",
                () -> RankingScore.fuse(new double[0][], new double[0], null));
    }
}
