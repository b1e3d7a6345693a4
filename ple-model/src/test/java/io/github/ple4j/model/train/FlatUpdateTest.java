package io.github.ple4j.model.train;

import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer updates all parameters with one updater over one flat vector. This pins it to the reference:
 * SameDiff's own gradients and one ND4J updater per parameter, step by step, for every optimiser, and the
 * per-parameter layout of the saved optimiser state.
 */
class FlatUpdateTest {

    @ParameterizedTest
    @EnumSource(OptimizerSpec.Type.class)
    void flatUpdateEqualsOneUpdaterPerParameter(OptimizerSpec.Type type) {
        PleConfig cfg = Presets.paddleCensus(2, 6).withDataType(ModelDataType.DOUBLE)
                .withTraining(TrainingSpec.defaults().withOptimizer(new OptimizerSpec(type, 0.01)));
        PleGraph trained = PleGraphBuilder.build(cfg);
        PleGraph reference = PleGraphBuilder.build(cfg);
        List<String> params = reference.parameterNames();
        IUpdater conf = cfg.training().optimizer().toUpdater();
        Map<String, GradientUpdater> updaters = new LinkedHashMap<>();
        Map<String, INDArray> views = new LinkedHashMap<>();
        for (String p : params) {
            long n = conf.stateSize(reference.sameDiff().getVariable(p).getArr().length());
            INDArray view = n == 0 ? null : Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, n);
            updaters.put(p, conf.instantiate(view, true));
            if (view != null) {
                views.put(p, view);
            }
        }
        Feeds feeds = new Feeds(reference);
        try (Trainer trainer = new Trainer(trained, new Feeds(trained))) {
            for (int step = 0; step < 3; step++) {
                MultiDataSet batch = GraphTestSupport.batch(cfg, 10 + step, 12, true);
                Map<String, INDArray> g = GraphTestSupport.gradients(reference.sameDiff(), feeds.batch(batch, null), params);
                for (String p : params) {
                    updaters.get(p).applyUpdater(g.get(p), step, 0);
                    reference.sameDiff().getVariable(p).getArr().subi(g.get(p));
                }
                trainer.step(batch, step);
                for (String p : params) {
                    INDArray expected = reference.sameDiff().getVariable(p).getArr();
                    INDArray actual = trained.sameDiff().getVariable(p).getArr();
                    double diff = expected.sub(actual).amaxNumber().doubleValue();
                    assertTrue(diff < 1e-13, type + " step " + step + " parameter " + p + " differs by " + diff);
                }
            }
            Map<String, INDArray> state = trainer.updaterState();
            assertEquals(views.keySet(), state.keySet());
            for (String p : views.keySet()) {
                assertArrayEquals(views.get(p).shape(), state.get(p).shape(), p);
                assertTrue(views.get(p).sub(state.get(p)).amaxNumber().doubleValue() < 1e-13, "state of " + p);
            }
            // restoring a state puts every value back where it came from
            Map<String, INDArray> saved = new LinkedHashMap<>();
            state.forEach((p, a) -> saved.put(p, a.dup()));
            state.values().forEach(a -> a.assign(7));      // copies: the trainer's state is unchanged
            assertEquals(saved.keySet(), trainer.updaterState().keySet());
            trainer.restoreUpdaterState(Map.of());
            saved.forEach((p, a) -> assertEquals(a, trainer.updaterState().get(p), p));
            if (!saved.isEmpty()) {
                String first = saved.keySet().iterator().next();
                INDArray changed = saved.get(first).dup().addi(1);
                trainer.restoreUpdaterState(Map.of(first, changed));
                assertEquals(changed, trainer.updaterState().get(first));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> trainer.restoreUpdaterState(Map.of(first, Nd4j.zeros(1, 3))));
                assertEquals("optimiser state of '" + first + "' has 3 values but " + changed.length()
                        + " are expected", e.getMessage());
            }
        }
    }
}
