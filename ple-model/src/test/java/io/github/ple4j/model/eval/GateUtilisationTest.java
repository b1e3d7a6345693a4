package io.github.ple4j.model.eval;

import io.github.ple4j.model.graph.GateInfo;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GateUtilisationTest {
    private static final GateInfo T1 = new GateInfo("gate/level0/t1", 0, "t1", List.of("t1/0", "shared/0", "shared/1"));
    private static final GateInfo T2 = new GateInfo("gate/level0/t2", 0, "t2", List.of("t2/0", "shared/0", "shared/1"));
    private static final GateInfo SHARED = new GateInfo("gate/level0/shared", 0, "shared",
            List.of("t1/0", "t2/0", "shared/0", "shared/1"));
    private static final GateInfo T1_L1 = new GateInfo("gate/level1/t1", 1, "t1", List.of("t1/0", "shared/0", "shared/1"));

    /**
     * Gate t1 over four samples in two batches:
     * <pre>
     *   t1/0  shared/0  shared/1
     *   0.2   0.3       0.5
     *   0.6   0.3       0.1
     *   ----
     *   0.4   0.3       0.3
     *   0.4   0.3       0.3
     * </pre>
     * means 0.4, 0.3, 0.3; population std sqrt(0.08/4) = 0.1414, 0, sqrt((0.04+0.04)/4) = 0.1414.
     */
    @Test
    void meanAndStdPerExpert() {
        GateUtilisation u = new GateUtilisation(List.of(T1));
        u.addRows(Map.of(T1.output(), new double[][]{{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}}));
        u.add(Map.of(T1.output(), Nd4j.createFromArray(new double[][]{{0.4, 0.3, 0.3}, {0.4, 0.3, 0.3}})));
        List<GateUsage> r = u.result();
        assertEquals(1, r.size());
        GateUsage g = r.get(0);
        assertEquals(4, g.samples());
        assertEquals(T1.experts(), g.experts());
        assertArrayEquals(new double[]{0.4, 0.3, 0.3}, g.mean(), 1e-12);
        double s = Math.sqrt(0.08 / 4);
        assertArrayEquals(new double[]{s, 0, s}, g.std(), 1e-7);
        assertEquals(0.3, g.meanOf("shared/1"), 1e-12);
        assertEquals(0, g.meanOf("t2/0"));
    }

    @Test
    void rejectsMismatchedInput() {
        GateUtilisation u = new GateUtilisation(List.of(T1, T2));
        assertThrows(IllegalArgumentException.class, () -> u.addRows(Map.of(T1.output(), new double[][]{{1, 0, 0}})));
        assertThrows(IllegalArgumentException.class, () -> u.addRows(Map.of(
                T1.output(), new double[][]{{1, 0, 0}}, T2.output(), new double[][]{{1, 0, 0}, {0, 1, 0}})));
        assertThrows(IllegalArgumentException.class, () -> u.addRows(Map.of(
                T1.output(), new double[][]{{1, 0}}, T2.output(), new double[][]{{1, 0, 0}})));
        assertThrows(IllegalStateException.class, u::result);
    }

    /** Bars per level: experts ordered task groups first (in gate order), shared last; zero where not mixed. */
    @Test
    void expertBarsByLevel() {
        List<GateUsage> usage = List.of(
                usage(T1, 0.5, 0.25, 0.25), usage(T2, 0.6, 0.2, 0.2), usage(SHARED, 0.1, 0.2, 0.3, 0.4),
                usage(T1_L1, 0.7, 0.2, 0.1));
        List<ExpertBars> bars = ExpertBars.byLevel(usage);
        assertEquals(2, bars.size());
        ExpertBars l0 = bars.get(0);
        assertEquals(0, l0.level());
        assertEquals(List.of("t1/0", "t2/0", "shared/0", "shared/1"), l0.experts());
        assertEquals(List.of("t1 gate", "t2 gate", "shared gate"), l0.series().stream().map(ExpertBars.Series::name).toList());
        assertEquals(List.of(0.5, 0.0, 0.25, 0.25), l0.series().get(0).mean());
        assertEquals(List.of(0.0, 0.6, 0.2, 0.2), l0.series().get(1).mean());
        assertEquals(List.of(0.01, 0.0, 0.0025, 0.0025), l0.series().get(0).std());
        assertEquals(List.of("t1/0", "shared/0", "shared/1"), bars.get(1).experts());
    }

    /** A usage whose std is mean^2 / 25 (to check the std is carried along). */
    private static GateUsage usage(GateInfo g, double... mean) {
        double[] std = new double[mean.length];
        for (int i = 0; i < mean.length; i++) {
            std[i] = mean[i] * mean[i] / 25;
        }
        return new GateUsage(g.output(), g.level(), g.owner(), g.experts(), mean, std, 10);
    }
}
