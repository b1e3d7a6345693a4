package io.github.ple4j.model;

import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.graph.GraphTestSupport;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-op timing of the training and prediction passes. */
class ProfilingTest {
    @Test
    void countsEveryOpOfEveryPassOnceStarted() {
        try (PleModel m = PleModel.create(Presets.paddleCensus(2, 12))) {
            MultiDataSet batch = GraphTestSupport.batch(m.config(), 1, 16, false);
            m.fitBatch(batch);
            m.predict(batch.getFeatures());
            m.startProfiling();
            assertTrue(m.profile().get("train").isEmpty(), "nothing timed yet");
            for (int i = 0; i < 3; i++) {
                m.fitBatch(batch);
            }
            m.predict(batch.getFeatures());
            m.predict(batch.getFeatures());
            Map<String, Map<String, long[]>> p = m.profile();
            assertEquals(java.util.Set.of("train", "predict"), p.keySet());
            // paddle-census: 13 matrix products per forward pass (bank, gates, level-1 banks, towers, heads); each of
            // the 3 first-level gates mixes with two (its weights select from the shared bank, then a batched
            // product), each of the 2 last-level gates with one batched product: 13 + 6 + 2
            assertEquals(3 * 21, p.get("train").get("matmul (rewritten)")[1]);
            assertEquals(2 * 21, p.get("predict").get("matmul (rewritten)")[1]);
            assertTrue(p.get("train").containsKey("thresholdedrelu_bp (rewritten)"), p.get("train").keySet().toString());
            assertTrue(p.get("train").values().stream().allMatch(v -> v[0] >= 0 && v[1] > 0));
            long first = p.get("train").values().iterator().next()[0];
            assertTrue(p.get("train").values().stream().allMatch(v -> v[0] <= first), "longest first");
        }
    }
}
