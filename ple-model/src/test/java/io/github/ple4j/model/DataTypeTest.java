package io.github.ple4j.model;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data types on the CPU backend: FLOAT and DOUBLE train; HALF and BFLOAT16 predict but refuse to train. */
class DataTypeTest {
    private static PleConfig config(ModelDataType type) {
        return PleConfig.builder().denseInputs(6)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 2, 1, 8)).dataType(type)
                .training(TrainingSpec.defaults().withEpochs(4).withOptimizer(OptimizerSpec.adam(0.01)))
                .build();
    }

    @ParameterizedTest
    @EnumSource(value = ModelDataType.class, names = {"FLOAT", "DOUBLE"})
    void trainsAndKeepsItsDataType(ModelDataType type) {
        try (PleModel m = PleModel.create(config(type))) {
            m.fit(TestData.batches(TestData.twoBinaryTasks(1, 2000, 6, DataType.FLOAT), 128), null);
            m.parameters().forEach((k, v) -> assertEquals(type.nd4j(), v.dataType(), k));
            assertEquals(type.nd4j(), m.predict(TestData.twoBinaryTasks(3, 10, 6, DataType.FLOAT)).task("a").dataType());
            EvaluationReport r = m.evaluate(TestData.batches(TestData.twoBinaryTasks(3, 1000, 6, DataType.FLOAT), 500));
            assertTrue(r.metric("auc") > 0.95, type + ": " + r.toTable());
        }
    }

    /** 16-bit models predict like the FLOAT model with the same seed, and refuse to train on the CPU. */
    @ParameterizedTest
    @EnumSource(value = ModelDataType.class, names = {"HALF", "BFLOAT16"})
    void sixteenBitPredictsButDoesNotTrainOnCpu(ModelDataType type) {
        MultiDataSet data = TestData.twoBinaryTasks(3, 50, 6, DataType.FLOAT);
        try (PleModel m = PleModel.create(config(type)); PleModel ref = PleModel.create(config(ModelDataType.FLOAT))) {
            INDArray p = m.predict(data).task("b");
            assertEquals(type.nd4j(), p.dataType());
            double[] got = p.castTo(DataType.DOUBLE).toDoubleVector();
            double[] want = ref.predict(data).asDoubles("b");
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0.02, "row " + i);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fitBatch(data));
            assertEquals("training with dataType " + type + " is not supported on ND4J's CPU backend (1.0.0-M2.1); "
                    + "train with FLOAT (inference in " + type + " works)", e.getMessage());
        }
    }
}
