package io.github.ple4j.model;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphTestSupport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models trained in parallel threads leave the console as it was: building a backward graph silences SameDiff's
 * console lines for a moment, and a thread that arrived during another's silence once restored the silent stream.
 */
class ParallelTrainingConsoleTest {
    @Test
    void theConsoleSurvivesParallelFirstSteps() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(seen, true);
        System.setOut(console);
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Double>> losses = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                losses.add(pool.submit(() -> {
                    PleConfig cfg = PleConfig.builder().inputs(InputSpec.dense(5)).task(TaskSpec.binary("a"))
                            .task(TaskSpec.binary("b")).extraction(ExtractionSpec.ple(2, 1, 1, 4)).seed(seed).build();
                    try (PleModel m = PleModel.create(cfg)) {
                        start.await();
                        return m.fitBatch(GraphTestSupport.batch(cfg, seed, 16, false));
                    }
                }));
            }
            for (Future<Double> f : losses) {
                assertTrue(Double.isFinite(f.get()));
            }
            assertSame(console, System.out, "System.out after " + threads + " models took their first step at once");
            System.out.println("still here");
            assertTrue(seen.toString().contains("still here"));
        } finally {
            pool.shutdownNow();
            System.setOut(original);
        }
    }
}
