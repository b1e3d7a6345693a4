package io.github.ple4j.model;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.io.ModelBundle;
import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.train.InMemoryBatches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Save, load and resume with sparse tables: the table optimiser's state goes into the bundle, and training one epoch,
 * saving, loading and training another gives bit for bit the parameters (tables included) of two epochs in a row.
 */
class SparseResumeTest {
    private static PleConfig config(EmbeddingOptimizerSpec.Type type) {
        CategoricalField user = new CategoricalField("user", 40, 4);
        CategoricalField item = new CategoricalField("item", 30, 3);
        CategoricalField history = new CategoricalField("history", 30, 3).withTable("item").asBag(5, Pooling.MEAN);
        return PleConfig.builder().inputs(new InputSpec(2, List.of(user, item, history)))
                .task(TaskSpec.binary("click", 4)).task(TaskSpec.binary("buy", 4)).extraction(ExtractionSpec.ple(2, 1, 1, 6))
                .dropout(0.1).seed(8)
                .training(new TrainingSpec(OptimizerSpec.adam(0.01), 2, null, null,
                        new EmbeddingOptimizerSpec(type, type == EmbeddingOptimizerSpec.Type.DENSE ? null : 0.05)))
                .build();
    }

    private static MultiDataSetIterator data(PleConfig cfg) {
        return InMemoryBatches.split(GraphTestSupport.batch(cfg, 4, 96, true), 16);
    }

    @ParameterizedTest
    @EnumSource(EmbeddingOptimizerSpec.Type.class)
    void resumingFromABundleIsBitIdentical(EmbeddingOptimizerSpec.Type type, @TempDir Path dir) throws IOException {
        PleConfig cfg = config(type);
        Map<String, INDArray> expected;
        try (PleModel a = PleModel.create(cfg)) {
            a.fit(data(cfg), null);
            expected = a.parameters();
        }
        Path f = dir.resolve("half.ple");
        Map<String, INDArray> afterOne;
        try (PleModel b = PleModel.create(cfg)) {
            b.fit(data(cfg), null, FitOptions.builder().epochs(1).build());
            afterOne = b.parameters();
            b.save(f);
        }
        try (ModelBundle.Reader r = ModelBundle.open(f)) {
            List<String> state = r.manifest().updaterState().stream().map(e -> e.name()).toList();
            switch (type) {
                case LAZY_ADAM -> assertEquals(List.of("embedding/user/m", "embedding/user/v", "embedding/item/m",
                        "embedding/item/v"), state.subList(0, 4));
                case ROWWISE_ADAGRAD -> assertEquals(List.of("embedding/user/accumulator", "embedding/item/accumulator"),
                        state.subList(0, 2));
                case SGD -> assertFalse(state.stream().anyMatch(n -> n.startsWith("embedding/user/")));
                case DENSE -> assertFalse(state.stream().anyMatch(n -> n.contains("/m")));
            }
            assertEquals(type.name(), r.manifest().embeddingOptimizer());
        }
        try (PleModel c = PleModel.load(f)) {
            assertSame(afterOne, c.parameters());
            c.fit(data(cfg), null);
            assertEquals(2, c.epochsTrained());
            assertSame(expected, c.parameters());
        }
    }

    private static void assertSame(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v.reshape(-1).toFloatVector(), actual.get(k).reshape(-1).toFloatVector(),
                0f, k));
    }
}
