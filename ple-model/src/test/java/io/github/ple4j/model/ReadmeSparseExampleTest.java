package io.github.ple4j.model;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.GraphTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's sparse-features example, as written (config) and trained at a hundredth of its vocabularies. */
class ReadmeSparseExampleTest {
    private static PleConfig readme(int scale) {
        CategoricalField user = new CategoricalField("user", 10_000_000 / scale, 16);              // name, rows, width
        CategoricalField item = new CategoricalField("item", 2_000_000 / scale, 16);
        CategoricalField history = new CategoricalField("history", 2_000_000 / scale, 16)          // a user's recent items:
                .withTable("item")                                                                //   shares the item table
                .asBag(50, Pooling.MEAN);                                                         //   up to 50 ids, mean-pooled
        return PleConfig.builder()
                .inputs(new InputSpec(8, List.of(user, item, history)))                            // 8 dense features first
                .task(TaskSpec.binary("click").withTower(8)).task(TaskSpec.binary("buy").withTower(8))
                .extraction(ExtractionSpec.builder().levels(2).expertsPerTask(3).sharedExperts(2).expertHidden(16).build())
                .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam()))
                .build();
    }

    @Test
    void theExampleBuildsAndTrains() {
        PleConfig full = readme(1);
        assertEquals(8 + 3 * 16, full.inputs().width());
        assertEquals(2, full.inputs().tables().size());
        assertEquals(12_000_000L * 16, full.inputs().tables().stream().mapToLong(t -> t.size()).sum());
        try (PleModel m = PleModel.create(readme(100))) {
            double loss = m.fitBatch(GraphTestSupport.batch(m.config(), 1, 64, false));
            assertTrue(Double.isFinite(loss));
            assertEquals(List.of("embedding/user/m", "embedding/user/v", "embedding/item/m", "embedding/item/v"),
                    List.copyOf(m.tableState().keySet()));
        }
    }
}
