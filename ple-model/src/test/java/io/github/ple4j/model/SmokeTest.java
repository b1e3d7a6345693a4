package io.github.ple4j.model;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.train.ProgressListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SmokeTest {
    @Test
    void trains() {
        PleConfig cfg = PleConfig.builder().denseInputs(6)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 2, 1, 8))
                .training(TrainingSpec.defaults().withEpochs(5).withOptimizer(OptimizerSpec.adam(0.01)))
                .build();
        var data = TestData.twoBinaryTasks(1, 2000, 6, DataType.FLOAT);
        try (PleModel m = PleModel.create(cfg)) {
            var it = TestData.batches(data, 128);
            m.fit(it, TestData.batches(TestData.twoBinaryTasks(2, 500, 6, DataType.FLOAT), 250), new ProgressListener(System.out, 0.5, 5));
            EvaluationReport r = m.evaluate(TestData.batches(TestData.twoBinaryTasks(3, 1000, 6, DataType.FLOAT), 500));
            System.out.println(r.toTable());
            assertTrue(r.metric("auc") > 0.9);
        }
    }
}
