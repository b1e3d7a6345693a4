package io.github.ple4j.model;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.train.NonFiniteLossException;
import io.github.ple4j.model.train.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training with the Java Adam step (FlatKernels) against ND4J's updater op, and the finiteness guard before it. */
class FusedAdamTrainingTest {
    private static PleConfig config(ModelDataType dt) {
        return PleConfig.builder().denseInputs(6).task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8)).dataType(dt)
                .training(TrainingSpec.defaults().withOptimizer(OptimizerSpec.adam(0.02))).build();
    }

    private static Map<String, INDArray> train(ModelDataType dt, boolean fused) {
        String before = System.getProperty(Trainer.FUSED_ADAM_PROPERTY);
        System.setProperty(Trainer.FUSED_ADAM_PROPERTY, Boolean.toString(fused));
        try (PleModel m = PleModel.create(config(dt))) {
            for (int s = 0; s < 6; s++) {
                m.fitBatch(TestData.twoBinaryTasks(s, 32, 6, dt.nd4j()));
            }
            return m.parameters();
        } finally {
            if (before == null) {
                System.clearProperty(Trainer.FUSED_ADAM_PROPERTY);
            } else {
                System.setProperty(Trainer.FUSED_ADAM_PROPERTY, before);
            }
        }
    }

    @Test
    void javaAdamTrainsAsNd4jsUpdaterDoes() {
        for (ModelDataType dt : new ModelDataType[]{ModelDataType.DOUBLE, ModelDataType.FLOAT}) {
            Map<String, INDArray> fused = train(dt, true);
            Map<String, INDArray> nd4j = train(dt, false);
            double tol = dt == ModelDataType.DOUBLE ? 1e-12 : 1e-5;
            double moved = 0;
            try (PleModel fresh = PleModel.create(config(dt))) {
                Map<String, INDArray> start = fresh.parameters();
                for (String p : fused.keySet()) {
                    assertTrue(fused.get(p).sub(nd4j.get(p)).amaxNumber().doubleValue() <= tol, dt + " " + p);
                    moved = Math.max(moved, fused.get(p).sub(start.get(p)).amaxNumber().doubleValue());
                }
            }
            assertTrue(moved > 0.01, "six steps moved the parameters: " + moved);
        }
    }

    /**
     * A gradient that overflows while the loss stays finite: feature 0 is 3e38 in every row and the first layer's
     * weights from it are 0, so the forward pass never sees it, but that row of the weight gradient (task a weighted
     * 1e4) goes past the float range. The step must stop, name the parameter and change nothing.
     */
    @Test
    void anInfiniteGradientWithAFiniteLossStopsTheStep() {
        PleConfig heavy = config(ModelDataType.FLOAT).withTasks(java.util.List.of(
                new TaskSpec("a", io.github.ple4j.model.config.TaskType.BINARY, 1e4, java.util.List.of(4)),
                TaskSpec.binary("b", 4)));
        try (PleModel m = PleModel.create(heavy)) {
            String first = m.parameterNames().get(0);
            INDArray w = m.sameDiff().getVariable(first).getArr();
            assertEquals(6, w.size(0), first + " reads the 6 features");
            w.getRow(0).assign(0);
            MultiDataSet bad = TestData.twoBinaryTasks(1, 64, 6, DataType.FLOAT);
            bad.getFeatures(0).getColumn(0).assign(3e38f);
            Map<String, INDArray> before = m.parameters();
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> m.fitBatch(bad));
            assertEquals(first, e.parameter(), e.getMessage());
            assertTrue(e.getMessage().startsWith("non-finite gradient of parameter '" + first + "'"), e.getMessage());
            m.parameters().forEach((p, a) -> assertEquals(before.get(p), a, p + " unchanged"));
        }
    }
}
