package io.github.ple4j.model.eval;

import io.github.ple4j.model.config.TaskType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TaskMetricsTest {

    private static final double EPS = 1e-12;

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void binaryFactory() {
        // last sample masked out; remaining: probs [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]
        TaskMetrics m = TaskMetrics.binary("ctr", new double[] {0.1, 0.4, 0.35, 0.8, 0.99},
                new double[] {0, 0, 1, 1, 0}, new double[] {1, 1, 1, 1, 0});
        assertEquals("ctr", m.task());
        assertEquals(TaskType.BINARY, m.type());
        assertEquals(4, m.count());
        assertEquals(0.75, m.auc(), EPS);
        // -(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4
        assertEquals(0.472287953809176, m.logLoss(), EPS);
        // predicted [0, 0, 0, 1] vs [0, 0, 1, 1] -> 3 of 4
        assertEquals(0.75, m.accuracy(), EPS);
        assertTrue(Double.isNaN(m.mse()));
        assertTrue(Double.isNaN(m.mae()));
    }

    @Test
    void regressionFactory() {
        TaskMetrics m = TaskMetrics.regression("watch_time", new double[] {1, 2, 3}, new double[] {1, 4, 0}, null);
        assertEquals(TaskType.REGRESSION, m.type());
        assertEquals(3, m.count());
        assertEquals(13.0 / 3, m.mse(), EPS);
        assertEquals(5.0 / 3, m.mae(), EPS);
        assertTrue(Double.isNaN(m.auc()));
        assertTrue(Double.isNaN(m.logLoss()));
        assertTrue(Double.isNaN(m.accuracy()));
    }

    @Test
    void getIsCaseInsensitive() {
        TaskMetrics m = new TaskMetrics("ctr", TaskType.BINARY, 7, 0.1, 0.2, 0.3, 0.4, 0.5);
        assertEquals(0.1, m.get("AUC"));
        assertEquals(0.2, m.get("LogLoss"));
        assertEquals(0.3, m.get("accuracy"));
        assertEquals(0.4, m.get("Mse"));
        assertEquals(0.5, m.get("mae"));
        assertEquals(7.0, m.get("COUNT"));
        assertMessage("unknown metric 'f1'; valid names are [auc, logloss, accuracy, mse, mae, count]",
                () -> m.get("f1"));
    }

    @Test
    void higherIsBetter() {
        assertTrue(TaskMetrics.higherIsBetter("auc"));
        assertTrue(TaskMetrics.higherIsBetter("Accuracy"));
        assertFalse(TaskMetrics.higherIsBetter("logloss"));
        assertFalse(TaskMetrics.higherIsBetter("MSE"));
        assertFalse(TaskMetrics.higherIsBetter("mae"));
        assertMessage("metric 'count' is not a quality measure and has no better direction",
                () -> TaskMetrics.higherIsBetter("count"));
        assertMessage("unknown metric 'ndcg'; valid names are [auc, logloss, accuracy, mse, mae, count]",
                () -> TaskMetrics.higherIsBetter("ndcg"));
    }

    @Test
    void constructorValidation() {
        assertThrows(NullPointerException.class, () -> new TaskMetrics("ctr", null, 1, 0, 0, 0, 0, 0));
        assertMessage("task name must not be blank",
                () -> new TaskMetrics(" ", TaskType.BINARY, 1, 0, 0, 0, 0, 0));
        assertMessage("count must be >= 0 but was -1",
                () -> new TaskMetrics("ctr", TaskType.BINARY, -1, 0, 0, 0, 0, 0));
    }
}
