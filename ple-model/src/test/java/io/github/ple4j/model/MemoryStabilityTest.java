package io.github.ple4j.model;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resident memory stays flat over 10,000 training steps (dense and id inputs, a lazily updated table, dropout),
 * each step followed by a prediction: after a warm-up of 2,000 steps the resident set size is sampled every 250
 * steps (after a collection, so that garbage ND4J frees on collection does not count), and its lower envelope must
 * grow by less than 10 MiB per 1,000 steps. A leak of one [256, 16] float array per step would be 16 MiB per 1,000.
 * Before the prediction's dropout masks of ones were reused ({@code Feeds}) the resident size grew by about
 * 105 MiB per 1,000 steps.
 */
@Tag("slow")
class MemoryStabilityTest {
    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void residentMemoryIsFlatOverTenThousandSteps() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        PleConfig cfg = PleConfig.builder()
                .inputs(new InputSpec(6, List.of(new CategoricalField("user", 10_000, 16))))
                .task(TaskSpec.binary("a", 8)).task(TaskSpec.binary("b", 8))
                .extraction(ExtractionSpec.ple(2, 1, 1, 16)).dropout(0.1)
                .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam()))
                .build();
        MultiDataSet dense = TestData.twoBinaryTasks(5, 256, 6, DataType.FLOAT);
        INDArray ids = Nd4j.createFromArray(new java.util.Random(3).longs(256, 0, 10_000).toArray()).reshape(256, 1);
        MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{dense.getFeatures(0), ids},
                dense.getLabels(), null, dense.getLabelsMaskArrays());
        List<double[]> samples = new ArrayList<>();
        try (PleModel model = PleModel.create(cfg)) {
            for (int step = 1; step <= 10_000; step++) {
                model.fitBatch(batch);
                model.predict(batch.getFeatures());
                if (step >= 2000 && step % 250 == 0) {
                    System.gc();
                    Thread.sleep(50);
                    samples.add(new double[]{step, rssBytes()});
                }
            }
        }
        // The samples swing between two levels (by about 60-100 MiB: the allocator keeps or returns free pages), so
        // the growth is read from the lower envelope: the least resident size of steps 6,000-10,000 against that of
        // steps 2,000-6,000, 4,000 steps apart.
        double firstMin = samples.stream().filter(x -> x[0] <= 6000).mapToDouble(x -> x[1]).min().orElseThrow();
        double secondMin = samples.stream().filter(x -> x[0] > 6000).mapToDouble(x -> x[1]).min().orElseThrow();
        double mibPerThousandSteps = (secondMin - firstMin) / 4.0 / (1 << 20);
        StringBuilder trace = new StringBuilder();
        samples.forEach(x -> trace.append(String.format(java.util.Locale.ROOT, " %d:%.1f", (long) x[0], x[1] / (1 << 20))));
        System.out.printf(java.util.Locale.ROOT, "RSS growth of the lower envelope %.3f MiB per 1,000 steps; step:MiB%s%n",
                mibPerThousandSteps, trace);
        assertTrue(mibPerThousandSteps < 10.0, "resident memory grows by " + mibPerThousandSteps
                + " MiB per 1,000 steps:" + trace);
    }
}
