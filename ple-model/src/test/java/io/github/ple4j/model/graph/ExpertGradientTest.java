package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every logical expert is trained, and only by the losses that should reach it. Guards against expert-indexing
 * bugs such as PaddleRec's {@code i * task_num + j}, which shared one expert between tasks and never trained another.
 * Gradients are sliced from the physical (fused) tensors back to logical experts.
 */
class ExpertGradientTest {
    private static final List<Integer> HIDDEN = List.of(3, 2);

    private static PleConfig config(int levels, int perTask, int shared, TaskSpec... tasks) {
        return PleConfig.builder().denseInputs(4).tasks(List.of(tasks))
                .extraction(new ExtractionSpec(levels, perTask, shared, HIDDEN, Activation.TANH))
                .seed(5).dataType(ModelDataType.DOUBLE).build();
    }

    /** A logical expert: level, group ("shared" or a task) and index within the group. */
    record Expert(int level, String group, int index) {
        @Override
        public String toString() {
            return "level" + level + "/" + group + "/expert" + index;
        }
    }

    /** All logical experts of a config, level by level, groups in physical order (tasks, then shared). */
    static List<Expert> experts(PleConfig cfg) {
        List<Expert> out = new ArrayList<>();
        ExtractionSpec ex = cfg.extraction();
        for (int l = 0; l < ex.levels(); l++) {
            for (TaskSpec t : cfg.tasks()) {
                for (int i = 0; i < ex.expertsPerTask(); i++) {
                    out.add(new Expert(l, t.name(), i));
                }
            }
            for (int i = 0; i < ex.sharedExperts(); i++) {
                out.add(new Expert(l, PleNetwork.SHARED, i));
            }
        }
        return out;
    }

    /** The bank scope holding an expert and its index inside that bank. */
    static String bank(Expert e) {
        return e.level() == 0 ? "level0/experts" : "level" + e.level() + "/experts/" + e.group();
    }

    static int bankIndex(PleConfig cfg, Expert e) {
        if (e.level() > 0) {
            return e.index();
        }
        ExtractionSpec ex = cfg.extraction();
        return e.group().equals(PleNetwork.SHARED)
                ? cfg.tasks().size() * ex.expertsPerTask() + e.index()
                : cfg.taskIndex(e.group()) * ex.expertsPerTask() + e.index();
    }

    /** The slices of the physical gradient tensors that belong to one expert, by parameter name and slice. */
    static Map<String, INDArray> expertSlices(PleConfig cfg, Map<String, INDArray> grads, Expert e) {
        String bank = bank(e);
        int x = bankIndex(cfg, e);
        Map<String, INDArray> out = new LinkedHashMap<>();
        int h0 = HIDDEN.get(0);
        INDArray w0 = grads.get(bank + "/layer0/W");
        INDArray b0 = grads.get(bank + "/layer0/b");
        assertNotNull(w0, "gradient of " + bank + "/layer0/W");
        out.put(bank + "/layer0/W[:, " + x * h0 + ":" + (x + 1) * h0 + "]",
                w0.get(NDArrayIndex.all(), NDArrayIndex.interval((long) x * h0, (long) (x + 1) * h0)));
        out.put(bank + "/layer0/b[" + x * h0 + ":" + (x + 1) * h0 + "]",
                b0.get(NDArrayIndex.all(), NDArrayIndex.interval((long) x * h0, (long) (x + 1) * h0)));
        for (int j = 1; j < HIDDEN.size(); j++) {
            INDArray wj = grads.get(bank + "/layer" + j + "/W");
            INDArray bj = grads.get(bank + "/layer" + j + "/b");
            assertNotNull(wj, "gradient of " + bank + "/layer" + j + "/W");
            assertEquals(3, wj.rank());
            out.put(bank + "/layer" + j + "/W[" + x + "]", wj.get(NDArrayIndex.point(x), NDArrayIndex.all(), NDArrayIndex.all()));
            out.put(bank + "/layer" + j + "/b[" + x + "]", bj.get(NDArrayIndex.point(x), NDArrayIndex.all(), NDArrayIndex.all()));
        }
        return out;
    }

    private static Map<String, INDArray> gradients(PleGraph g, long seed) {
        GraphTestSupport.randomizeParameters(g, seed, 0.8);
        Map<String, INDArray> ph = new Feeds(g).batch(GraphTestSupport.batch(g.config(), seed, 8, false), null);
        return GraphTestSupport.gradients(g.sameDiff(), ph, g.parameterNames());
    }

    private static double norm(INDArray a) {
        return a.norm2Number().doubleValue();
    }

    @Test
    void everyExpertOfEveryGroupAtEveryLevelIsTrained() {
        PleConfig cfg = config(2, 2, 2, TaskSpec.binary("a", 2), TaskSpec.binary("b", 2), TaskSpec.regression("c", 2));
        PleGraph g = PleGraphBuilder.build(cfg);
        Map<String, INDArray> grads = gradients(g, 21);

        List<Expert> all = experts(cfg);
        assertEquals(2 * (3 * 2 + 2), all.size());
        // the physical layout is what the slicing assumes
        assertEquals(List.of(4L, 8L * 3), List.of(g.sameDiff().getVariable("level0/experts/layer0/W").getArr().shape()[0],
                g.sameDiff().getVariable("level0/experts/layer0/W").getArr().shape()[1]));
        for (String grp : List.of("a", "b", "c", "shared")) {
            assertEquals(2, g.sameDiff().getVariable("level1/experts/" + grp + "/layer1/W").getArr().size(0));
        }
        for (Expert e : all) {
            Map<String, INDArray> slices = expertSlices(cfg, grads, e);
            assertEquals(2 * HIDDEN.size(), slices.size());
            slices.forEach((name, s) -> assertTrue(norm(s) > 1e-10,
                    "expert " + e + " gets no gradient in " + name + ": norm " + norm(s)));
        }
        // and every gate is trained too
        for (GateInfo gi : g.gates()) {
            String w = "level" + gi.level() + "/gate/" + gi.owner() + "/W";
            assertTrue(norm(grads.get(w)) > 1e-10, "gate " + w + " gets no gradient");
        }
        assertEquals(3 + 1 + 3, g.gates().size(), "3 task gates + shared gate at level 0, 3 task gates at level 1");
    }

    @Test
    void inCgcOnlyTheWeightedTaskAndSharedExpertsGetGradient() {
        PleConfig cfg = config(1, 2, 2, TaskSpec.binary("a", 2), TaskSpec.binary("b", 2).withLossWeight(0),
                TaskSpec.regression("c", 2).withLossWeight(0));
        PleGraph g = PleGraphBuilder.build(cfg);
        Map<String, INDArray> grads = gradients(g, 22);
        for (Expert e : experts(cfg)) {
            boolean reached = e.group().equals("a") || e.group().equals(PleNetwork.SHARED);
            expertSlices(cfg, grads, e).forEach((name, s) -> {
                if (reached) {
                    assertTrue(norm(s) > 1e-10, "expert " + e + " should get gradient from task a in " + name);
                } else {
                    assertEquals(0.0, s.amaxNumber().doubleValue(), 0.0,
                            "expert " + e + " must get exactly zero gradient when only task a's loss counts (" + name + ")");
                }
            });
        }
        for (String t : List.of("b", "c")) {
            for (String p : List.of("level0/gate/" + t + "/W", "tower/" + t + "/head/W", "tower/" + t + "/layer0/W")) {
                INDArray gp = grads.get(p);
                assertTrue(gp == null || gp.amaxNumber().doubleValue() == 0.0, p + " must get no gradient");
            }
        }
        assertTrue(norm(grads.get("level0/gate/a/W")) > 1e-10);
        assertTrue(norm(grads.get("tower/a/head/W")) > 1e-10);
    }

    @Test
    void inPleTheSharedGateCarriesOtherTasksExpertsToTheWeightedTask() {
        // With two levels, task b's level-0 experts reach task a through the level-0 shared gate (which mixes ALL
        // experts) and the level-1 shared experts; task b's level-1 experts do not reach task a at all.
        PleConfig cfg = config(2, 2, 2, TaskSpec.binary("a", 2), TaskSpec.binary("b", 2).withLossWeight(0));
        PleGraph g = PleGraphBuilder.build(cfg);
        Map<String, INDArray> grads = gradients(g, 23);
        for (Expert e : experts(cfg)) {
            boolean reached = e.level() == 0 || !e.group().equals("b");
            expertSlices(cfg, grads, e).forEach((name, s) -> {
                if (reached) {
                    assertTrue(norm(s) > 1e-10, "expert " + e + " should get gradient in " + name);
                } else {
                    assertEquals(0.0, s.amaxNumber().doubleValue(), 0.0, "expert " + e + " must get zero gradient in " + name);
                }
            });
        }
    }
}
