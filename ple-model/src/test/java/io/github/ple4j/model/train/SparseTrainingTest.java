package io.github.ple4j.model.train;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import io.github.ple4j.model.infer.Predictor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training with a 10^6-row table: no buffer of the training or prediction pass grows with the vocabulary. */
class SparseTrainingTest {
    private static final int V = 1_000_000;

    @Test
    void noBufferOfBatchTimesVocabularyExists() {
        CategoricalField user = new CategoricalField("user", V, 8);
        CategoricalField clicks = new CategoricalField("clicks", V, 8).withTable("user").asBag(6, Pooling.MEAN);
        PleConfig cfg = PleConfig.builder().inputs(new InputSpec(4, List.of(user, clicks)))
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4)).extraction(ExtractionSpec.ple(2, 1, 1, 8))
                .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam())).build();
        PleGraph g = PleGraphBuilder.build(cfg);
        assertEquals(List.of(GraphSignature.table("user")), g.sparseTables());
        int rows = 64;
        MultiDataSet batch = GraphTestSupport.batch(cfg, 3, rows, false);
        INDArray table = g.sameDiff().getArrForVarName(GraphSignature.table("user"));
        INDArray before = table.dup();
        Feeds feeds = new Feeds(g);
        try (Trainer t = new Trainer(g, feeds); Predictor p = new Predictor(g, feeds)) {
            t.step(batch, 0);
            t.step(batch, 1);
            p.predict(batch.getFeatures());
            assertTrue(t.largestBuffer() < 100_000, "largest training buffer " + t.largestBuffer());
            assertTrue(p.largestBuffer() < 100_000, "largest prediction buffer " + p.largestBuffer());
            assertTrue(t.largestBuffer() >= (long) rows * 8, "the plan owns its activations: " + t.largestBuffer());
        }
        // Only the rows looked up moved.
        long[] ids = batch.getFeatures(1).toLongVector();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long id : ids) {
            seen.add(id);
        }
        for (long id : batch.getFeatures(2).reshape(-1).toLongVector()) {
            if (id >= 0) {
                seen.add(id);
            }
        }
        INDArray moved = table.sub(before).neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sum(1);
        assertEquals(seen.size(), moved.gt(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sumNumber().intValue(),
                "rows changed = distinct ids looked up");
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20; i++) {
            long row = r.nextInt(V);
            if (!seen.contains(row)) {
                assertEquals(before.getRow(row), table.getRow(row), "row " + row + " untouched");
            }
        }
    }
}
