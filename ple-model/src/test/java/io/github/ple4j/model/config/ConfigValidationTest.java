package io.github.ple4j.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every invalid field is rejected with a message that names the field and the value found. */
class ConfigValidationTest {

    private static void rejects(String message, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    private static PleConfig.Builder base() {
        return PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 4)).task(TaskSpec.binary("b", 4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8));
    }

    private static TrainingSpec earlyStopping(String metric) {
        return TrainingSpec.defaults().withEarlyStopping(EarlyStopping.on(metric, 2));
    }

    @Test
    void embeddingTablesBagsAndTheirOptimiser() {
        CategoricalField item = new CategoricalField("item", 100, 8);
        rejects("inputs.categorical: fields 'item' and 'history' share the table 'item' but have vocabularySize 100 and "
                + "50, embeddingDim 8 and 8; fields sharing a table must agree on both",
                () -> new InputSpec(0, List.of(item, new CategoricalField("history", 50, 8).withTable("item"))));
        rejects("bag maxLength must be >= 1 but was 0", () -> item.asBag(0, Pooling.SUM));
        rejects("bag pooling must be set but was null", () -> item.asBag(3, null));
        rejects("categorical field 'item' table must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was 'a table'", () -> item.withTable("a table"));
        rejects("training.embeddingOptimizer.learningRate must be unset for type DENSE (dense tables use "
                + "training.optimizer) but was 0.1", () -> EmbeddingOptimizerSpec.dense().withLearningRate(0.1));
        rejects("training.embeddingOptimizer.learningRate must be a finite number > 0 but was -1.0",
                () -> EmbeddingOptimizerSpec.sgd().withLearningRate(-1));
        InputSpec in = new InputSpec(2, List.of(new CategoricalField("user", 10, 4),
                new CategoricalField("history", 100, 8).withTable("item").asBag(5, Pooling.MEAN), item));
        assertEquals(2 + 4 + 8 + 8, in.width());
        assertEquals(List.of("user", "item"), in.singleValued().stream().map(CategoricalField::name).toList());
        assertEquals(List.of("history"), in.bags().stream().map(CategoricalField::name).toList());
        assertEquals(List.of(new EmbeddingTable("user", 10, 4, List.of("user")),
                new EmbeddingTable("item", 100, 8, List.of("history", "item"))), in.tables());
        TrainingSpec t = TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam());
        assertEquals(1e-3, t.embeddingLearningRate(), 0);
        assertEquals(0.05, t.withEmbeddingOptimizer(EmbeddingOptimizerSpec.rowwiseAdagrad().withLearningRate(0.05))
                .embeddingLearningRate(), 0);
        assertEquals(EmbeddingOptimizerSpec.dense(), TrainingSpec.defaults().embeddingOptimizer());
    }

    @Test
    void namedFormsEqualTheShortOnes() {
        assertEquals(ExtractionSpec.ple(2, 3, 2, 16, 8),
                ExtractionSpec.builder().levels(2).expertsPerTask(3).sharedExperts(2).expertHidden(16, 8).build());
        assertEquals(ExtractionSpec.mmoe(4, 16).withActivation(Activation.TANH),
                ExtractionSpec.builder().sharedExperts(4).expertHidden(16).activation(Activation.TANH).build());
        assertEquals(TaskSpec.binary("ctr", 64, 32), TaskSpec.binary("ctr").withTower(64, 32));
        rejects("extraction.expertHidden must be set but was null", () -> ExtractionSpec.builder().levels(2).build());
    }

    @Test
    void validBaseBuilds() {
        PleConfig c = base().build();
        assertEquals(List.of("a", "b"), c.tasks().stream().map(TaskSpec::name).toList());
        assertEquals(Architecture.PLE, c.architecture());
    }

    // ---- inputs

    @Test
    void negativeDenseSize() {
        rejects("inputs.denseSize must be >= 0 but was -1", () -> new InputSpec(-1, List.of()));
    }

    @Test
    void neitherDenseNorCategorical() {
        rejects("inputs must have denseSize >= 1 or at least one categorical field but had neither",
                () -> new InputSpec(0, List.of()));
        rejects("inputs must have denseSize >= 1 or at least one categorical field but had neither",
                () -> new InputSpec(0, null));
    }

    @Test
    void categoricalOnlyIsValid() {
        InputSpec in = new InputSpec(0, List.of(new CategoricalField("city", 10, 3)));
        assertEquals(3, in.width());
    }

    @Test
    void duplicateCategoricalName() {
        rejects("inputs.categorical has the field name 'city' twice", () -> new InputSpec(2,
                List.of(new CategoricalField("city", 10, 3), new CategoricalField("city", 5, 2))));
    }

    @Test
    void categoricalVocabularySizeZero() {
        rejects("categorical field 'city' vocabularySize must be >= 1 but was 0",
                () -> new CategoricalField("city", 0, 3));
    }

    @Test
    void categoricalEmbeddingDimZero() {
        rejects("categorical field 'city' embeddingDim must be >= 1 but was 0",
                () -> new CategoricalField("city", 10, 0));
    }

    @Test
    void badCategoricalName() {
        rejects("categorical field name must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was 'my city'", () -> new CategoricalField("my city", 10, 3));
    }

    // ---- tasks

    @Test
    void badTaskNames() {
        rejects("task name must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was 'a b'", () -> TaskSpec.binary("a b", 4));
        rejects("task name must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was '1x'", () -> TaskSpec.binary("1x", 4));
        rejects("task name must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was 'a.auc'", () -> TaskSpec.binary("a.auc"));
        rejects("task name must be set but was null", () -> TaskSpec.binary(null, 4));
    }

    @Test
    void taskNameLengthLimit() {
        String ok = "t" + "x".repeat(63);
        assertEquals(64, TaskSpec.binary(ok).name().length());
        rejects("task name must start with a letter and contain only letters, digits, '_' or '-' "
                + "(at most 64 characters) but was '" + ok + "x'", () -> TaskSpec.binary(ok + "x"));
    }

    @Test
    void negativeOrNanLossWeight() {
        rejects("task 'a' lossWeight must be a finite number >= 0 but was -1.0",
                () -> TaskSpec.binary("a", 4).withLossWeight(-1));
        rejects("task 'a' lossWeight must be a finite number >= 0 but was NaN",
                () -> TaskSpec.binary("a", 4).withLossWeight(Double.NaN));
        rejects("task 'a' lossWeight must be a finite number >= 0 but was Infinity",
                () -> TaskSpec.binary("a", 4).withLossWeight(Double.POSITIVE_INFINITY));
    }

    @Test
    void duplicateTaskNames() {
        rejects("tasks has the task name 'a' twice",
                () -> base().tasks(List.of(TaskSpec.binary("a", 4), TaskSpec.regression("a", 4))).build());
    }

    @Test
    void emptyTasks() {
        rejects("tasks must have at least one task but was empty", () -> base().tasks(List.of()).build());
    }

    @Test
    void towerHiddenContainsZero() {
        rejects("task 'a' towerHidden[1] must be >= 1 but was 0", () -> TaskSpec.binary("a", 8, 0));
    }

    @Test
    void missingTaskType() {
        rejects("task 'a' type must be set but was null", () -> new TaskSpec("a", null, 1.0, List.of()));
    }

    // ---- extraction

    @Test
    void zeroLevels() {
        rejects("extraction.levels must be >= 1 but was 0", () -> ExtractionSpec.ple(0, 1, 1, 8));
    }

    @Test
    void negativeExpertsPerTask() {
        rejects("extraction.expertsPerTask must be >= 0 but was -1", () -> ExtractionSpec.ple(1, -1, 1, 8));
    }

    @Test
    void negativeSharedExperts() {
        rejects("extraction.sharedExperts must be >= 0 but was -2", () -> ExtractionSpec.ple(1, 1, -2, 8));
    }

    @Test
    void noExpertsAtAll() {
        rejects("extraction must have expertsPerTask >= 1 or sharedExperts >= 1 but both were 0",
                () -> ExtractionSpec.ple(1, 0, 0, 8));
    }

    @Test
    void emptyExpertHidden() {
        rejects("extraction.expertHidden must have at least one layer size but was []",
                () -> ExtractionSpec.ple(1, 1, 1));
    }

    @Test
    void expertHiddenContainsZero() {
        rejects("extraction.expertHidden[0] must be >= 1 but was 0", () -> ExtractionSpec.ple(1, 1, 1, 0, 8));
        rejects("extraction.expertHidden[1] must be >= 1 but was -3", () -> ExtractionSpec.ple(1, 1, 1, 8, -3));
    }

    @Test
    void missingActivation() {
        rejects("extraction.activation must be set but was null",
                () -> new ExtractionSpec(1, 1, 1, List.of(8), null));
    }

    // ---- regularisation

    @Test
    void dropoutOutOfRange() {
        rejects("dropout must be in [0, 1) but was 1.0", () -> base().dropout(1.0).build());
        rejects("dropout must be in [0, 1) but was -0.1", () -> base().dropout(-0.1).build());
        rejects("dropout must be in [0, 1) but was NaN", () -> base().dropout(Double.NaN).build());
        assertEquals(0.0, base().dropout(0.0).build().dropout());
    }

    @Test
    void negativeL2() {
        rejects("l2 must be a finite number >= 0 but was -0.001", () -> base().l2(-0.001).build());
        rejects("l2 must be a finite number >= 0 but was NaN", () -> base().l2(Double.NaN).build());
    }

    // ---- training

    @Test
    void zeroLearningRate() {
        rejects("training.optimizer.learningRate must be a finite number > 0 but was 0.0",
                () -> OptimizerSpec.adam(0));
        rejects("training.optimizer.type must be set but was null", () -> new OptimizerSpec(null, 0.1));
    }

    @Test
    void zeroEpochs() {
        rejects("training.epochs must be >= 1 but was 0", () -> TrainingSpec.defaults().withEpochs(0));
    }

    @Test
    void missingOptimizer() {
        rejects("training.optimizer must be set but was null", () -> new TrainingSpec(null, 3, null, null));
    }

    @Test
    void zeroDecayGamma() {
        rejects("training.weighting.gamma must be a finite number > 0 but was 0.0",
                () -> new LossWeighting.DynamicDecay(0, Map.of(), LossWeighting.DecayUnit.EPOCH));
        rejects("training.weighting.gammaByTask.a must be a finite number > 0 but was -0.5",
                () -> new LossWeighting.DynamicDecay(0.9, Map.of("a", -0.5), LossWeighting.DecayUnit.EPOCH));
        rejects("training.weighting.unit must be set but was null",
                () -> new LossWeighting.DynamicDecay(0.9, Map.of(), null));
    }

    @Test
    void gammaByTaskNamesUnknownTask() {
        LossWeighting w = new LossWeighting.DynamicDecay(0.9, Map.of("c", 0.5), LossWeighting.DecayUnit.EPOCH);
        rejects("training.weighting.gammaByTask names the task 'c' but the tasks are [a, b]",
                () -> base().training(TrainingSpec.defaults().withWeighting(w)).build());
    }

    @Test
    void nonFiniteInitialLogVariance() {
        rejects("training.weighting.initialLogVariance must be finite but was NaN",
                () -> new LossWeighting.Uncertainty(Double.NaN));
    }

    @Test
    void earlyStoppingUnknownMetric() {
        rejects("training.earlyStopping.metric must be 'loss', one of [auc, logloss, accuracy, mse, mae] "
                + "or 'task.metric' but was 'f1'", () -> base().training(earlyStopping("f1")).build());
        rejects("training.earlyStopping.metric must be 'loss', one of [auc, logloss, accuracy, mse, mae] "
                + "or 'task.metric' but was 'a.f1'", () -> base().training(earlyStopping("a.f1")).build());
    }

    @Test
    void earlyStoppingUnknownTask() {
        rejects("training.earlyStopping.metric names the task 'foo' but the tasks are [a, b]",
                () -> base().training(earlyStopping("foo.auc")).build());
    }

    @Test
    void earlyStoppingRegressionMetricWithOnlyBinaryTasks() {
        rejects("training.earlyStopping.metric 'mse' needs a REGRESSION task but there is none",
                () -> base().training(earlyStopping("mse")).build());
    }

    @Test
    void earlyStoppingTaskMetricOfWrongType() {
        PleConfig.Builder b = base().tasks(List.of(TaskSpec.binary("a", 4), TaskSpec.regression("r", 4)));
        rejects("training.earlyStopping.metric 'a.mse' needs a REGRESSION task but task 'a' is BINARY",
                () -> b.training(earlyStopping("a.mse")).build());
        rejects("training.earlyStopping.metric 'r.auc' needs a BINARY task but task 'r' is REGRESSION",
                () -> b.training(earlyStopping("r.auc")).build());
    }

    @Test
    void earlyStoppingValidMetricsBuild() {
        PleConfig.Builder b = base().tasks(List.of(TaskSpec.binary("a", 4), TaskSpec.regression("r", 4)));
        for (String m : List.of("loss", "auc", "mse", "a.auc", "r.mae", "a.logloss", "a.accuracy")) {
            assertEquals(m, b.training(earlyStopping(m)).build().training().earlyStopping().metric());
        }
    }

    @Test
    void earlyStoppingZeroPatience() {
        rejects("training.earlyStopping.patience must be >= 1 but was 0", () -> EarlyStopping.on("loss", 0));
        rejects("training.earlyStopping.minDelta must be a finite number >= 0 but was -1.0",
                () -> new EarlyStopping("loss", 1, -1, true));
        rejects("training.earlyStopping.metric must be set but was null", () -> EarlyStopping.on(null, 1));
    }

    @Test
    void missingInputsOrExtraction() {
        rejects("inputs must be set but was null", () -> base().inputs(null).build());
        rejects("extraction must be set but was null", () -> base().extraction(null).build());
    }

    @Test
    void nullElementsNamed() {
        rejects("inputs.categorical[1] must be set but was null",
                () -> new InputSpec(2, java.util.Arrays.asList(new CategoricalField("city", 3, 2), null)));
        rejects("tasks[0] must be set but was null",
                () -> base().tasks(java.util.Arrays.asList(null, TaskSpec.binary("b"))).build());
        java.util.Map<String, Double> gammas = new java.util.HashMap<>();
        gammas.put("a", null);
        rejects("training.weighting.gammaByTask.a must be a finite number > 0 but was NaN",
                () -> new LossWeighting.DynamicDecay(0.9, gammas, LossWeighting.DecayUnit.EPOCH));
        rejects("task 'a' towerHidden[0] must be >= 1 but was null",
                () -> new TaskSpec("a", TaskType.BINARY, 1, java.util.Arrays.asList((Integer) null)));
    }

    // ---- architectures

    @Test
    void factoryArchitectures() {
        assertEquals(Architecture.SINGLE_TASK, ExtractionSpec.singleTask(8).architecture());
        assertEquals(Architecture.SHARED_BOTTOM, ExtractionSpec.sharedBottom(8, 4).architecture());
        assertEquals(Architecture.MMOE, ExtractionSpec.mmoe(3, 8).architecture());
        assertEquals(Architecture.CGC, ExtractionSpec.cgc(2, 1, 8).architecture());
        assertEquals(Architecture.PLE, ExtractionSpec.ple(2, 2, 1, 8).architecture());
    }

    @Test
    void factoryShapes() {
        ExtractionSpec st = ExtractionSpec.singleTask(8, 4);
        assertEquals(List.of(1, 1, 0), List.of(st.levels(), st.expertsPerTask(), st.sharedExperts()));
        assertEquals(4, st.expertOutput());
        ExtractionSpec sb = ExtractionSpec.sharedBottom(8);
        assertEquals(List.of(1, 0, 1), List.of(sb.levels(), sb.expertsPerTask(), sb.sharedExperts()));
        ExtractionSpec mm = ExtractionSpec.mmoe(3, 8);
        assertEquals(List.of(1, 0, 3), List.of(mm.levels(), mm.expertsPerTask(), mm.sharedExperts()));
        ExtractionSpec cg = ExtractionSpec.cgc(2, 1, 8);
        assertEquals(List.of(1, 2, 1), List.of(cg.levels(), cg.expertsPerTask(), cg.sharedExperts()));
        assertEquals(Activation.RELU, cg.activation());
        assertEquals(Activation.TANH, cg.withActivation(Activation.TANH).activation());
    }

    @Test
    void edgeArchitectures() {
        // Only task-specific experts (>1 per task) with no shared ones is still a (degenerate) CGC.
        assertEquals(Architecture.CGC, ExtractionSpec.cgc(2, 0, 8).architecture());
        // A single level with one expert per task and no shared experts is the single-task baseline.
        assertEquals(Architecture.SINGLE_TASK, ExtractionSpec.cgc(1, 0, 8).architecture());
        assertEquals(Architecture.PLE, ExtractionSpec.ple(3, 0, 2, 8).architecture());
    }

    @Test
    void listsAreCopied() {
        java.util.ArrayList<Integer> hidden = new java.util.ArrayList<>(List.of(8, 4));
        ExtractionSpec e = new ExtractionSpec(1, 1, 1, hidden, Activation.RELU);
        hidden.set(0, 0);
        assertEquals(List.of(8, 4), e.expertHidden());
    }
}
