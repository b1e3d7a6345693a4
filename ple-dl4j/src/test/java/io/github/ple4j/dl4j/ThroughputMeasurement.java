package io.github.ple4j.dl4j;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Training throughput of the three single-host paths on a census-sized PLE (F = 64, 2 levels, 3 + 2 experts of
 * width 16, towers of 8), batch 256: PleModel (SameDiff), the ComputationGraph, and ParallelWrapper with 2
 * workers. A measurement, not a check: tagged slow (run with -Dple.test.excludedTags= -Dtest=ThroughputMeasurement).
 */
@Tag("slow")
class ThroughputMeasurement {
    private static final int ROWS = 16384;
    private static final int BATCH = 256;

    @Test
    void measure() {
        PleConfig config = PleConfig.builder().denseInputs(64)
                .task(TaskSpec.binary("a", 8)).task(TaskSpec.binary("b", 8))
                .extraction(ExtractionSpec.ple(2, 3, 2, 16))
                .training(TrainingSpec.defaults().withOptimizer(OptimizerSpec.adam(1e-3)))
                .build();
        Data.ListIterator data = Data.batches(Data.twoBinaryTasks(1, ROWS, 64, DataType.FLOAT), BATCH);
        try (PleModel model = PleModel.create(config)) {
            model.fitEpochs(1, data, null);
            System.out.printf("PleModel (SameDiff)        %,8.0f samples/s%n", rate(() -> model.fitEpochs(1, data, null)));
        }
        ComputationGraph cg = PleComputationGraph.create(config);
        data.reset();
        cg.fit(data);
        System.out.printf("ComputationGraph.fit       %,8.0f samples/s%n", rate(() -> {
            data.reset();
            cg.fit(data);
        }));
        ComputationGraph cg2 = PleComputationGraph.create(config);
        ParallelWrapper pw = new ParallelWrapper.Builder<>(cg2).workers(2).prefetchBuffer(2).averagingFrequency(4).build();
        try {
            data.reset();
            pw.fit(data);
            System.out.printf("ParallelWrapper, 2 workers %,8.0f samples/s%n", rate(() -> {
                data.reset();
                pw.fit(data);
            }));
        } finally {
            pw.shutdown();
        }
    }

    private static double rate(Runnable epoch) {
        long t0 = System.nanoTime();
        epoch.run();
        return ROWS / ((System.nanoTime() - t0) / 1e9);
    }
}
