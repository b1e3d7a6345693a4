package io.github.ple4j.bench;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlopCountTest {
    /**
     * F = 10, two tasks with tower [3], 2 levels, 1 expert per task, 2 shared, expert MLP [4, 3]. Multiply-adds
     * per sample:
     * <pre>
     * level 1 experts: 4 experts x (10*4 + 4*3)            = 208
     * level 1 gates:   2 task gates x 10*3 + shared 10*4   = 100
     * level 2 experts: 4 experts x (3*4 + 4*3)             =  96
     * level 2 gates:   2 task gates x 3*3 (no shared gate) =  18
     * towers:          2 x 3*3                             =  18
     * heads:           2 x 3*1                             =   6
     * total                                                = 446 -> 892 FLOPs forward, 2676 training
     * </pre>
     */
    @Test
    void tinyPleByHand() {
        PleConfig c = PleConfig.builder().denseInputs(10)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.binary("b", 3))
                .extraction(ExtractionSpec.ple(2, 1, 2, 4, 3)).build();
        FlopCount f = FlopCount.of(c);
        assertEquals(2 * (208 + 96), f.experts());
        assertEquals(2 * (100 + 18), f.gates());
        assertEquals(2 * 18, f.towers());
        assertEquals(2 * 6, f.heads());
        assertEquals(0, f.embeddings());
        assertEquals(892, f.forward());
        assertEquals(3 * 892, f.training());
    }

    /** Single-task has no gates (a gate over one expert is the identity): 2 x 10*4 + 2 x 4*1 = 88 MACs. */
    @Test
    void singleTaskHasNoGates() {
        PleConfig c = PleConfig.builder().denseInputs(10)
                .task(TaskSpec.regression("a")).task(TaskSpec.regression("b"))
                .extraction(ExtractionSpec.singleTask(4)).build();
        FlopCount f = FlopCount.of(c);
        assertEquals(0, f.gates());
        assertEquals(176, f.forward());
    }

    /** MMoE with 3 experts [5], input 6 plus a categorical field (vocabulary 7, dim 2) -> width 8. */
    @Test
    void mmoeWithEmbedding() {
        PleConfig c = PleConfig.builder()
                .inputs(new InputSpec(6, List.of(new CategoricalField("f", 7, 2))))
                .task(TaskSpec.binary("a", 2)).task(TaskSpec.binary("b"))
                .extraction(ExtractionSpec.mmoe(3, 5)).build();
        FlopCount f = FlopCount.of(c);
        assertEquals(0, f.embeddings(), "gathered rows are copies");
        assertEquals(2 * 3 * 8 * 5, f.experts());
        assertEquals(2 * 2 * 8 * 3, f.gates());
        assertEquals(2 * 5 * 2, f.towers());
        assertEquals(2 * (2 + 5), f.heads());
    }

    /** PaddleRec's census PLE: 75,334 multiply-adds per sample. */
    @Test
    void paddleCensusByHand() {
        // experts 8 x 499*16 + 8 x 16*16; gates 2 x 499*5 + 499*8 + 2 x 16*5; towers 2 x 16*8; heads 2 x 8
        long macs = 8 * 499 * 16 + 8 * 16 * 16 + 2 * 499 * 5 + 499 * 8 + 2 * 16 * 5 + 2 * 16 * 8 + 2 * 8;
        assertEquals(2 * macs, FlopCount.of(BenchConfigs.get(BenchConfigs.PADDLE_CENSUS)).forward());
    }

    /**
     * Every weight matrix is used once per sample, so forward FLOPs = 2 x the weight-matrix scalars of the model
     * (embedding tables, whose rows are gathered, do not count).
     */
    @Test
    void matchesTheModelsWeightMatrices() {
        for (String name : List.of(BenchConfigs.TINY, BenchConfigs.PADDLE_CENSUS)) {
            assertEquals(2 * weightScalars(BenchConfigs.get(name)), FlopCount.of(BenchConfigs.get(name)).forward(), name);
        }
        PleConfig withEmbedding = PleConfig.builder()
                .inputs(new InputSpec(6, List.of(new CategoricalField("f", 7, 2))))
                .task(TaskSpec.binary("a", 2)).task(TaskSpec.binary("b"))
                .extraction(ExtractionSpec.ple(2, 2, 1, 5, 4)).build();
        assertEquals(2 * weightScalars(withEmbedding), FlopCount.of(withEmbedding).forward());
    }

    private static long weightScalars(PleConfig c) {
        try (PleModel m = PleModel.create(c)) {
            long n = 0;
            for (Map.Entry<String, INDArray> e : m.parameters().entrySet()) {
                if (e.getKey().endsWith("/W")) {
                    n += e.getValue().length();
                }
            }
            return n;
        }
    }

    @Test
    void namedConfigs() {
        PleConfig large = BenchConfigs.get(BenchConfigs.LARGE);
        assertEquals(499, large.inputs().denseSize());
        assertEquals(2, large.extraction().levels());
        assertEquals(4, large.extraction().expertsPerTask());
        assertEquals(4, large.extraction().sharedExperts());
        assertEquals(List.of(256, 128), large.extraction().expertHidden());
        assertEquals(List.of(64), large.tasks().get(0).towerHidden());
        PleConfig census = BenchConfigs.get(BenchConfigs.PADDLE_CENSUS);
        assertEquals(List.of(16), census.extraction().expertHidden());
        assertEquals(3, census.extraction().expertsPerTask());
        assertEquals(2, census.extraction().sharedExperts());
        assertThrows(IllegalArgumentException.class, () -> BenchConfigs.get("huge"));
    }

    @Test
    void summary() {
        assertEquals(new Summary(2, 1, 5), Summary.of(5, 1, 2));
        assertEquals(new Summary(2.5, 1, 4), Summary.of(4, 1, 2, 3));
        assertEquals(new Summary(5, 2, 10), Summary.of(1, 2.5, 5).scale(2).scale(1));
        assertThrows(IllegalArgumentException.class, Summary::of);
    }
}
