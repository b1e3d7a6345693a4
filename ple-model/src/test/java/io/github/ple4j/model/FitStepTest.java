package io.github.ple4j.model;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.train.NonFiniteLossException;
import io.github.ple4j.model.train.StepInfo;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fitStep + completeEpoch (a caller's own loop) is exactly fitEpochs; divergence carries the step and the tasks. */
class FitStepTest {
    private static PleConfig config() {
        return PleConfig.builder().denseInputs(6).task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8)).dropout(0.2)
                .training(new TrainingSpec(OptimizerSpec.adam(0.01), 2, null, null)).build();
    }

    @Test
    void ownLoopEqualsFitEpochs() {
        MultiDataSet data = TestData.twoBinaryTasks(3, 96, 6, DataType.FLOAT);
        try (PleModel a = PleModel.create(config()); PleModel b = PleModel.create(config())) {
            a.fitEpochs(2, TestData.batches(data, 16), null);
            MultiDataSetIterator it = TestData.batches(data, 16);
            for (int e = 0; e < 2; e++) {
                it.reset();
                int i = 0;
                while (it.hasNext()) {
                    StepInfo s = b.fitStep(it.next(), i);
                    assertEquals(i, s.batchInEpoch());
                    assertEquals(e, s.epoch());
                    i++;
                }
                b.completeEpoch();
            }
            assertEquals(a.epochsTrained(), b.epochsTrained());
            assertEquals(12, b.stepsTrained());
            Map<String, INDArray> pa = a.parameters();
            b.parameters().forEach((k, v) -> assertEquals(pa.get(k), v, k));
        }
    }

    @Test
    void nonFiniteLossNamesStepAndTasks() {
        try (PleModel m = PleModel.create(config())) {
            MultiDataSet good = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            m.fitStep(good, 0);
            MultiDataSet bad = TestData.twoBinaryTasks(1, 8, 6, DataType.FLOAT);
            bad.getFeatures(0).muli(3e38f);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> m.fitStep(bad, 1));
            assertEquals(1, e.step());
            assertEquals(0, e.epoch());
            assertEquals(List.of("a", "b"), List.copyOf(e.taskLoss().keySet()));
            assertTrue(e.parameter() != null || !e.nonFiniteTasks().isEmpty(), e.getMessage());
            assertEquals(1, m.stepsTrained(), "the failing step is not counted");
        }
    }
}
