package io.github.ple4j.model.exec;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan run in two phases, as a DL4J layer runs it: the forward ops with the input, later the backward ops with
 * the gradient of the loss with respect to the output (a deferred placeholder), on the first phase's buffers.
 */
class TwoPhasePlanTest {
    /** out = tanh(tanh(x W1 + b) W2), loss = sum(out * e): x and e placeholders, e deferred. */
    private static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(7);
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable e = sd.placeHolder("e", DataType.DOUBLE, -1, 2);
        SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.DOUBLE, 3, 4).subi(0.5));
        SDVariable b = sd.var("b", Nd4j.rand(DataType.DOUBLE, 1, 4).subi(0.5));
        SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.DOUBLE, 4, 2).subi(0.5));
        SDVariable h = sd.math().tanh(x.mmul(w1).add(b));
        SDVariable out = sd.math().tanh(h.mmul(w2)).rename("out");
        sd.sum("loss", out.mul(e));
        sd.setLossVariables("loss");
        GradientFunction.create(sd, "x");
        return sd;
    }

    private static List<String> outputs(SameDiff sd) {
        return List.of("out", grad(sd, "w1"), grad(sd, "b"), grad(sd, "w2"), grad(sd, "x"));
    }

    private static String grad(SameDiff sd, String var) {
        return sd.getVariable(var).getGradient().name();
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-12, what + ": max difference " + diff);
    }

    @Test
    void phasesEqualSameDiffAcrossBatchSizesAndRunEveryOpOnce() {
        SameDiff sd = graph();
        try (ExecutionPlan plan = new ExecutionPlan(sd.getFunction("grad"), sd, outputs(sd), List.of(), List.of("e"))) {
            assertEquals(List.of("x", "e"), plan.placeholders().stream().sorted((a, c) -> c.compareTo(a)).toList());
            for (int batch : new int[]{4, 6, 4}) {
                INDArray x = Nd4j.rand(DataType.DOUBLE, batch, 3).subi(0.5);
                INDArray e = Nd4j.rand(DataType.DOUBLE, batch, 2).subi(0.5);
                Map<String, INDArray> ph = new HashMap<>(Map.of("x", x, "e", e));
                INDArray expectedOut = sd.output(Map.of("x", x), "out").get("out");
                Map<String, INDArray> expectedGrads = sd.calculateGradients(ph, List.of("w1", "b", "w2", "x"));

                plan.startProfiling();
                Map<String, INDArray> first = plan.runFirst(Map.of("x", x));
                assertEquals(List.of("out"), List.copyOf(first.keySet()), "only the forward output is ready");
                INDArray out = first.get("out").dup();
                assertClose(expectedOut, out, "out (first phase), batch " + batch);
                Map<String, INDArray> rest = plan.runRest(Map.of("e", e));
                long executed = plan.profile().values().stream().mapToLong(v -> v[1]).sum();
                assertEquals(plan.size(), executed, "every op ran once over both phases");
                assertClose(expectedOut, rest.get("out"), "out (after the second phase), batch " + batch);
                for (String v : List.of("w1", "b", "w2", "x")) {
                    assertClose(expectedGrads.get(v), rest.get(grad(sd, v)), "d loss / d " + v + ", batch " + batch);
                }
            }
        }
    }

    @Test
    void runIsBothPhasesAndOnePhasePlansAreUnchanged() {
        SameDiff sd = graph();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3);
        INDArray e = Nd4j.rand(DataType.DOUBLE, 5, 2);
        try (ExecutionPlan two = new ExecutionPlan(sd.getFunction("grad"), sd, outputs(sd), List.of(), List.of("e"));
             ExecutionPlan one = new ExecutionPlan(sd.getFunction("grad"), sd, outputs(sd))) {
            Map<String, INDArray> a = two.run(Map.of("x", x, "e", e));
            Map<String, INDArray> b = one.run(Map.of("x", x, "e", e));
            for (String o : outputs(sd)) {
                assertClose(b.get(o), a.get(o), o);
            }
            // Without deferred placeholders the first phase is the whole plan.
            assertEquals(outputs(sd), List.copyOf(one.runFirst(Map.of("x", x, "e", e)).keySet()));
        }
    }

    @Test
    void misuseIsRefusedWithItsReason() {
        SameDiff sd = graph();
        IllegalArgumentException notPlaceholder = assertThrows(IllegalArgumentException.class,
                () -> new ExecutionPlan(sd.getFunction("grad"), sd, outputs(sd), List.of(), List.of("w1")));
        assertEquals("deferred input 'w1' is not a placeholder of the graph", notPlaceholder.getMessage());
        try (ExecutionPlan plan = new ExecutionPlan(sd.getFunction("grad"), sd, outputs(sd), List.of(), List.of("e"))) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3);
            IllegalStateException early = assertThrows(IllegalStateException.class,
                    () -> plan.runRest(Map.of("e", Nd4j.rand(DataType.DOUBLE, 4, 2))));
            assertEquals("runRest needs runFirst first: the values it reads are not computed", early.getMessage());
            plan.runFirst(Map.of("x", x));
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> plan.runRest(Map.of()));
            assertEquals("no array was given for placeholder 'e'", missing.getMessage());
            plan.runRest(Map.of("e", Nd4j.rand(DataType.DOUBLE, 4, 2)));
            plan.runFirst(Map.of("x", x));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> plan.runRest(Map.of("e", Nd4j.rand(DataType.DOUBLE, 3, 2))));
            assertEquals("placeholder 'e' has shape [3, 2] but the plan's buffers were made for [4, 2] with the same "
                    + "first-phase inputs", shape.getMessage());
            // A completed run needs a new first phase.
            plan.runRest(Map.of("e", Nd4j.rand(DataType.DOUBLE, 4, 2)));
            assertFalse(assertThrows(IllegalStateException.class,
                    () -> plan.runRest(Map.of("e", Nd4j.rand(DataType.DOUBLE, 4, 2)))).getMessage().isEmpty());
        }
    }
}
