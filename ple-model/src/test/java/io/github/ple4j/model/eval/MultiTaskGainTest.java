package io.github.ple4j.model.eval;

import io.github.ple4j.model.config.TaskType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MultiTaskGainTest {

    private static final double EPS = 1e-12;

    @Test
    void higherIsBetterGainIsMtlMinusSingle() {
        assertEquals(0.05, MultiTaskGain.gain(0.75, 0.70, true), EPS);
        assertEquals(-0.05, MultiTaskGain.gain(0.70, 0.75, true), EPS);
    }

    @Test
    void lowerIsBetterGainIsSingleMinusMtl() {
        // MSE drops from 1.0 to 0.9: the multi-task model is better, so the gain is positive
        assertEquals(0.1, MultiTaskGain.gain(0.9, 1.0, false), EPS);
        assertEquals(-0.1, MultiTaskGain.gain(1.0, 0.9, false), EPS);
    }

    @Test
    void nanPropagates() {
        assertTrue(Double.isNaN(MultiTaskGain.gain(Double.NaN, 0.7, true)));
    }

    @Test
    void gainFromTaskMetrics() {
        TaskMetrics mtl = new TaskMetrics("vtr", TaskType.REGRESSION, 10, Double.NaN, Double.NaN, Double.NaN, 0.8, 0.5);
        TaskMetrics single = new TaskMetrics("vtr", TaskType.REGRESSION, 10, Double.NaN, Double.NaN, Double.NaN, 1.0, 0.4);
        assertEquals(0.2, MultiTaskGain.gain(mtl, single, "MSE"), EPS);
        assertEquals(-0.1, MultiTaskGain.gain(mtl, single, "mae"), EPS);

        TaskMetrics other = new TaskMetrics("ctr", TaskType.REGRESSION, 10, Double.NaN, Double.NaN, Double.NaN, 1.0, 0.4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiTaskGain.gain(mtl, other, "mse"));
        assertEquals("multi-task metrics are for task 'vtr' but single-task metrics are for task 'ctr'", e.getMessage());
    }
}
