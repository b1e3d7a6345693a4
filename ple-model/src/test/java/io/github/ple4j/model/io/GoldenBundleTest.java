package io.github.ple4j.model.io;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.infer.Predictions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bundle of format version 1, written by the library before embedding tables became gather lookups with their own
 * optimiser (src/test/resources/bundles/golden-v1.ple: dense features and two categorical fields, two tasks, three
 * Adam steps, optimiser state stored), still loads: its config reads with the defaults of the fields added since,
 * its predictions are the ones printed when it was written, and it trains on.
 */
class GoldenBundleTest {
    private static final INDArray DENSE = Nd4j.createFromArray(new float[][]{{0.1f, -0.2f, 0.3f}, {0.5f, 0.4f, -0.1f},
            {-0.3f, 0.2f, 0.9f}, {0f, 0f, 1f}});
    private static final INDArray IDS = Nd4j.createFromArray(new float[][]{{1, 2}, {5, 0}, {3, 3}, {0, 1}});

    private static Path golden(Path dir) throws IOException {
        Path f = dir.resolve("golden-v1.ple");
        try (InputStream in = GoldenBundleTest.class.getResourceAsStream("/bundles/golden-v1.ple")) {
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    @Test
    void aVersionOneBundleLoadsPredictsAsWrittenAndTrainsOn(@TempDir Path dir) throws IOException {
        Path f = golden(dir);
        try (ModelBundle.Reader r = ModelBundle.open(f)) {
            assertEquals(1, r.manifest().formatVersion());
            assertEquals("ADAM", r.manifest().optimizer());
            assertEquals(null, r.manifest().embeddingOptimizer());
        }
        try (PleModel m = PleModel.load(f)) {
            assertEquals(List.of(new CategoricalField("city", 6, 2), new CategoricalField("device", 4, 3)),
                    m.config().inputs().categorical());
            assertEquals(EmbeddingOptimizerSpec.dense(), m.config().training().embeddingOptimizer());
            assertEquals(3, m.stepsTrained());
            assertEquals("{\"written-by\": \"PLE4J 0.1.0-SNAPSHOT, bundle format 1\"}", m.attachment("note").orElseThrow());
            Predictions p = m.predict(DENSE, IDS);
            assertArrayEquals(new float[]{0.5006677f, 0.51214886f, 0.50396f, 0.505217f}, p.task("click").toFloatVector(), 1e-6f);
            assertArrayEquals(new float[]{0.0029989947f, 0.0029989947f, 0.083154485f, 0.03726828f},
                    p.task("dwell").toFloatVector(), 1e-6f);
            INDArray y1 = Nd4j.createFromArray(new float[][]{{1}, {0}, {1}, {0}});
            INDArray y2 = Nd4j.createFromArray(new float[][]{{0.5f}, {-0.2f}, {1.5f}, {0f}});
            double loss = m.fitBatch(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{DENSE, IDS},
                    new INDArray[]{y1, y2}));
            assertTrue(Double.isFinite(loss));
            assertEquals(4, m.stepsTrained());
            Path again = dir.resolve("again.ple");
            m.save(again);
            try (ModelBundle.Reader r = ModelBundle.open(again)) {
                assertEquals(ModelBundle.FORMAT_VERSION, r.manifest().formatVersion());
                assertEquals("DENSE", r.manifest().embeddingOptimizer());
            }
        }
    }
}
