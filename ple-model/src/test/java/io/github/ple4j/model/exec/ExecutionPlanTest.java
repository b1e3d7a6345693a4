package io.github.ple4j.model.exec;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.EmbeddingLookup;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.FiniteDifference;
import io.github.ple4j.model.graph.GradientCheckTest;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExecutionPlan} against SameDiff's own session: the same outputs and gradients for every model variant
 * and loss option, gradients that pass the central-difference check, each rewritten backward op against
 * libnd4j's, buffer reuse across batch sizes, and its errors.
 */
class ExecutionPlanTest {

    /** Loss outputs and the gradient variable of every parameter (what the trainer asks a plan for). */
    private static List<String> trainingOutputs(PleGraph g) {
        List<String> out = new ArrayList<>();
        out.add(GraphSignature.TOTAL_LOSS);
        out.addAll(g.signature().taskLossOutputs());
        for (String p : g.parameterNames()) {
            out.add(g.sameDiff().getVariable(p).getGradient().name());
        }
        return out;
    }

    /** The trainer's plan: the gradient function with the graph's fused ops (gate mixtures of deeper experts). */
    private static ExecutionPlan trainingPlan(PleGraph g) {
        GraphTestSupport.ensureGradFunction(g.sameDiff());
        return new ExecutionPlan(g.sameDiff().getFunction("grad"), g.sameDiff(), trainingOutputs(g), g.fusedOps());
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max difference " + diff + " > " + tol * scale);
    }

    /** Compares a plan's losses and gradients with SameDiff's calculateGradientsAndOutputs. */
    private static void assertMatchesSameDiff(PleGraph g, ExecutionPlan plan, Map<String, INDArray> ph, double tol) {
        SameDiff sd = g.sameDiff();
        List<String> losses = new ArrayList<>();
        losses.add(GraphSignature.TOTAL_LOSS);
        losses.addAll(g.signature().taskLossOutputs());
        OutAndGrad expected = sd.calculateGradientsAndOutputs(ph, losses, g.parameterNames());
        Map<String, INDArray> actual = plan.run(ph);
        for (String l : losses) {
            assertClose(expected.getOutputs().get(l), actual.get(l), tol, l);
        }
        for (String p : g.parameterNames()) {
            assertClose(expected.getGradients().get(p), actual.get(sd.getVariable(p).getGradient().name()), tol,
                    "gradient of " + p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.ple4j.model.graph.GradientCheckTest#cases")
    void planGradientsEqualSameDiffsAndPassTheFiniteDifferenceCheck(GradientCheckTest.Case c) {
        PleGraph g = PleGraphBuilder.build(c.config(), EmbeddingLookup.ONE_HOT);
        GraphTestSupport.randomizeParameters(g, 3, 0.8);
        Map<String, INDArray> ph = GradientCheckTest.placeholders(g, c);
        try (ExecutionPlan plan = trainingPlan(g)) {
            assertMatchesSameDiff(g, plan, ph, 1e-12);
            Map<String, INDArray> out = plan.run(ph);
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (String p : g.parameterNames()) {
                grads.put(p, out.get(g.sameDiff().getVariable(p).getGradient().name()).dup());
            }
            new FiniteDifference().check(g.sameDiff(), ph, GraphSignature.TOTAL_LOSS, g.parameterNames(), grads);
        }
    }

    /** Every gradient-check variant again in FLOAT (the type users train in): the plan's losses and gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.ple4j.model.graph.GradientCheckTest#cases")
    void planGradientsEqualSameDiffsInFloat(GradientCheckTest.Case c) {
        GradientCheckTest.Case f = new GradientCheckTest.Case(c.name(), c.config().withDataType(ModelDataType.FLOAT),
                c.masked(), c.dropoutMasks(), c.lossWeights());
        PleGraph g = PleGraphBuilder.build(f.config(), EmbeddingLookup.ONE_HOT);
        GraphTestSupport.randomizeParameters(g, 3, 0.8);
        Map<String, INDArray> ph = GradientCheckTest.placeholders(g, f);
        try (ExecutionPlan plan = trainingPlan(g)) {
            assertMatchesSameDiff(g, plan, ph, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.ple4j.model.graph.GradientCheckTest#cases")
    void planForwardEqualsSameDiffOutput(GradientCheckTest.Case c) {
        PleGraph g = PleGraphBuilder.build(c.config(), EmbeddingLookup.ONE_HOT);
        GraphTestSupport.randomizeParameters(g, 4, 0.8);
        Map<String, INDArray> ph = GradientCheckTest.placeholders(g, c);
        List<String> outs = new ArrayList<>(g.signature().predictionOutputs());
        g.gates().forEach(gate -> outs.add(gate.output()));
        Map<String, INDArray> expected = GraphTestSupport.outputs(g.sameDiff(), ph, outs.toArray(new String[0]));
        for (boolean fused : new boolean[]{false, true}) {
            try (ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), g.sameDiff(), outs,
                    fused ? g.fusedOps() : List.of())) {
                Map<String, INDArray> actual = plan.run(ph);
                for (String o : outs) {
                    assertClose(expected.get(o), actual.get(o), 1e-12, (fused ? "fused " : "") + o);
                }
            }
        }
    }

    /** ReLU (the default activation; the gradient check uses tanh) in the paddle-census and a rank-3 model. */
    @Test
    void reluModelsMatchSameDiffInDoubleAndFloat() {
        for (ModelDataType dt : new ModelDataType[]{ModelDataType.DOUBLE, ModelDataType.FLOAT}) {
            for (PleConfig base : List.of(Presets.paddleCensus(2, 12),
                    PleConfig.builder().denseInputs(6).task(TaskSpec.binary("a", 4)).task(TaskSpec.regression("b", 3))
                            .extraction(ExtractionSpec.ple(2, 2, 3, 5, 4)).build())) {
                PleConfig cfg = base.withDataType(dt);
                PleGraph g = PleGraphBuilder.build(cfg);
                GraphTestSupport.randomizeParameters(g, 9, 0.5);
                MultiDataSet data = GraphTestSupport.batch(cfg, 2, 33, true);
                Map<String, INDArray> ph = new Feeds(g).batch(data, null);
                try (ExecutionPlan plan = trainingPlan(g)) {
                    assertMatchesSameDiff(g, plan, ph, dt == ModelDataType.DOUBLE ? 1e-12 : 1e-5);
                }
            }
        }
    }

    @Test
    void buffersFollowTheBatchSize() {
        PleConfig cfg = Presets.paddleCensus(2, 8).withDataType(ModelDataType.DOUBLE);
        PleGraph g = PleGraphBuilder.build(cfg);
        GraphTestSupport.randomizeParameters(g, 5, 0.5);
        Feeds feeds = new Feeds(g);
        try (ExecutionPlan plan = trainingPlan(g)) {
            for (int rows : new int[]{16, 5, 16, 1, 16}) {
                Map<String, INDArray> ph = feeds.batch(GraphTestSupport.batch(cfg, rows, rows, true), null);
                assertMatchesSameDiff(g, plan, ph, 1e-12);
            }
        }
    }

    @Test
    void resultsAreReusedBuffersUntilTheNextRun() {
        PleConfig cfg = Presets.paddleCensus(2, 8).withDataType(ModelDataType.DOUBLE);
        PleGraph g = PleGraphBuilder.build(cfg);
        Feeds feeds = new Feeds(g);
        String pred = g.signature().predictionOutputs().get(0);
        try (ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), List.of(pred))) {
            INDArray first = plan.run(feeds.features(Nd4j.rand(DataType.DOUBLE, 4, 8))).get(pred);
            INDArray copy = first.dup();
            INDArray second = plan.run(feeds.features(Nd4j.rand(DataType.DOUBLE, 4, 8))).get(pred);
            assertSame(first, second, "same shape: the buffer is reused");
            assertTrue(copy.sub(second).amaxNumber().doubleValue() > 0, "the old result was overwritten");
            INDArray third = plan.run(feeds.features(Nd4j.rand(DataType.DOUBLE, 3, 8))).get(pred);
            assertNotSame(second, third, "new shape: a new buffer");
            assertEquals(3, third.size(0));
            assertTrue(second.wasClosed(), "the old buffer is freed, not left to the garbage collector");
        }
    }

    @Test
    void theFirstLayersInputGradientIsNotComputed() {
        PleConfig cfg = Presets.paddleCensus(2, 8);
        PleGraph g = PleGraphBuilder.build(cfg);
        GraphTestSupport.ensureGradFunction(g.sameDiff());
        SameDiff grad = g.sameDiff().getFunction("grad");
        try (ExecutionPlan plan = trainingPlan(g)) {
            // Only ops the requested outputs depend on are planned; the input placeholder's gradient is not.
            assertTrue(plan.size() < grad.getOps().size(), plan.size() + " of " + grad.getOps().size());
            assertEquals(List.of(GraphSignature.DENSE), plan.placeholders().stream()
                    .filter(p -> p.startsWith("input")).toList());
        }
    }

    // ---- the rewritten backward ops, each against libnd4j's own op in a one-op graph ----

    /**
     * Builds loss = sum(op(x, y) * c) with x and y trainable, and checks the plan's dL/dx and dL/dy (and the
     * loss) against SameDiff's. c makes every upstream gradient element distinct.
     */
    private static void checkOp(long[] xShape, long[] yShape, BiFunction<SameDiff, SDVariable[], SDVariable> op) {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", Nd4j.rand(dt, xShape).subi(0.5));
            SDVariable y = sd.var("y", Nd4j.rand(dt, yShape).subi(0.5));
            SDVariable z = op.apply(sd, new SDVariable[]{x, y});
            long[] zShape = sd.output(Map.of(), z.name()).get(z.name()).shape();
            z.mul(sd.constant("c", Nd4j.rand(dt, zShape).addi(0.5))).sum().rename("loss");
            sd.setLossVariables("loss");
            GraphTestSupport.ensureGradFunction(sd);
            Map<String, INDArray> expected = sd.calculateGradients(Map.of(), List.of("x", "y"));
            double expectedLoss = sd.output(Map.of(), "loss").get("loss").getDouble(0);
            try (ExecutionPlan plan = new ExecutionPlan(sd.getFunction("grad"), sd,
                    List.of("loss", x.getGradient().name(), y.getGradient().name()))) {
                Map<String, INDArray> actual = plan.run(Map.of());
                double tol = dt == DataType.DOUBLE ? 1e-12 : 1e-5;
                assertEquals(expectedLoss, actual.get("loss").getDouble(0), tol * Math.max(1, Math.abs(expectedLoss)));
                assertClose(expected.get("x"), actual.get(x.getGradient().name()), tol, "dL/dx " + dt);
                assertClose(expected.get("y"), actual.get(y.getGradient().name()), tol, "dL/dy " + dt);
            }
        }
    }

    /** The gather kernel and the column concatenation against libnd4j's ops (repeated ids, a rank-2 id array). */
    @Test
    void gatherAndColumnConcatEqualLibnd4j() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            SameDiff sd = SameDiff.create();
            SDVariable table = sd.constant("table", Nd4j.rand(dt, 7, 3));
            SDVariable other = sd.constant("other", Nd4j.rand(dt, 5, 2));
            SDVariable ids = sd.placeHolder("ids", DataType.INT64, -1);
            SDVariable bag = sd.placeHolder("bag", DataType.INT64, -1, 2);
            SDVariable dense = sd.placeHolder("dense", dt, -1, 4);
            SDVariable single = sd.gather(table, ids, 0);                                  // [B, 3]
            SDVariable pooled = sd.gather(other, bag, 0).sum(1);                          // [B, 2, 2] -> [B, 2]
            SDVariable x = sd.concat("x", 1, dense, single, pooled, single);               // [B, 12]
            Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(6L, 0L, 6L, 3L),
                    "bag", Nd4j.createFromArray(new long[][]{{1, 1}, {4, 0}, {2, 3}, {0, 0}}),
                    "dense", Nd4j.rand(dt, 4, 4));
            INDArray expected = GraphTestSupport.outputs(sd, ph, "x").get("x");
            try (ExecutionPlan plan = new ExecutionPlan(sd, List.of("x"))) {
                assertEquals(expected, plan.run(ph).get("x"));
                plan.startProfiling();
                assertEquals(expected, plan.run(ph).get("x"), "buffers reused");
                assertEquals(2, plan.profile().get("gather (rewritten)")[1], "the plan's own gather ran: " + plan.profile().keySet());
                assertEquals(1, plan.profile().get("concat (rewritten)")[1], "the column concat ran");
                Map<String, INDArray> one = Map.of("ids", Nd4j.createFromArray(new long[]{5}),
                        "bag", Nd4j.createFromArray(new long[][]{{2, 4}}), "dense", Nd4j.rand(dt, 1, 4));
                assertEquals(GraphTestSupport.outputs(sd, one, "x").get("x"), plan.run(one).get("x"), "a batch of one row");
                INDArray bad = Nd4j.createFromArray(6L, 7L, 1L, 1L);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> plan.run(Map.of("ids", bad, "bag", ph.get("bag"), "dense", ph.get("dense"))));
                assertTrue(e.getMessage().contains("id 7 at position 1 is outside the table's 7 rows"), e.getMessage());
            }
        }
    }

    /** Batched products of tiny matrices (the gates' mixtures) run in Java, with every transpose, forward and backward. */
    @Test
    void smallBatchedProductsEqualLibnd4j() {
        checkOp(new long[]{6, 1, 4}, new long[]{6, 4, 3}, (sd, v) -> sd.mmul(v[0], v[1]));
        checkOp(new long[]{6, 4, 1}, new long[]{6, 4, 3}, (sd, v) -> sd.mmul(v[0], v[1], true, false, false));
        checkOp(new long[]{6, 2, 4}, new long[]{6, 3, 4}, (sd, v) -> sd.mmul(v[0], v[1], false, true, false));
        checkOp(new long[]{6, 4, 2}, new long[]{6, 3, 4}, (sd, v) -> sd.mmul(v[0], v[1], true, true, false));
        assertTrue(SmallBatchedProduct.applies(Nd4j.zeros(2, 1, 5), Nd4j.zeros(2, 5, 16), Nd4j.zeros(2, 1, 16), false, false));
        assertFalse(SmallBatchedProduct.applies(Nd4j.zeros(2, 64, 64), Nd4j.zeros(2, 64, 64), Nd4j.zeros(2, 64, 64),
                false, false), "large products go to BLAS");
    }

    @Test
    void concatGradientAlongColumnsCopiesEachBlock() {
        checkOp(new long[]{5, 3}, new long[]{5, 2}, (sd, v) -> sd.concat(1, v[0], v[1], v[0]));
        checkOp(new long[]{1, 3}, new long[]{1, 4}, (sd, v) -> sd.concat(1, v[1], v[0]));
        checkOp(new long[]{6, 3, 4}, new long[]{6, 2, 4}, (sd, v) -> sd.concat(1, v[0], v[1]));      // a gate's groups
        checkOp(new long[]{2, 3, 4}, new long[]{2, 3, 1}, (sd, v) -> sd.concat(2, v[1], v[0]));
    }

    @Test
    void addGradientForEqualShapesRowBiasesAndOtherBroadcasts() {
        checkOp(new long[]{5, 3}, new long[]{5, 3}, (sd, v) -> v[0].add(v[1]));
        checkOp(new long[]{5, 3}, new long[]{1, 3}, (sd, v) -> v[0].add(v[1]));            // rank-2 bias
        checkOp(new long[]{4, 5, 3}, new long[]{4, 1, 3}, (sd, v) -> v[0].add(v[1]));      // per-expert bias
        checkOp(new long[]{5, 3}, new long[]{5, 1}, (sd, v) -> v[0].add(v[1]));            // column bias
        checkOp(new long[]{4, 5, 3}, new long[]{4, 5, 1}, (sd, v) -> v[0].add(v[1]));      // per-expert column bias
        checkOp(new long[]{4, 5, 3}, new long[]{1, 5, 3}, (sd, v) -> v[0].add(v[1]));      // leading broadcast: libnd4j
        checkOp(new long[]{5, 3}, new long[]{3}, (sd, v) -> v[0].add(v[1]));               // lower rank: libnd4j
    }

    @Test
    void multiplyGradientForEqualShapesAndBroadcasts() {
        checkOp(new long[]{5, 3}, new long[]{5, 3}, (sd, v) -> v[0].mul(v[1]));
        checkOp(new long[]{6, 4, 3}, new long[]{6, 4, 1}, (sd, v) -> v[0].mul(v[1]));      // gate weights
        checkOp(new long[]{6, 4, 3}, new long[]{1, 4, 1}, (sd, v) -> v[0].mul(v[1]));
        checkOp(new long[]{5, 3}, new long[]{1, 1}, (sd, v) -> v[0].mul(v[1]));
        checkOp(new long[]{5, 1}, new long[]{5, 3}, (sd, v) -> v[0].mul(v[1]));            // x broadcast: libnd4j
    }

    @Test
    void reluGradientAtAndAroundTheThreshold() {
        checkOp(new long[]{7, 4}, new long[]{7, 4}, (sd, v) -> sd.nn.relu(v[0], 0.0).add(v[1]));
        checkOp(new long[]{7, 4}, new long[]{7, 4}, (sd, v) -> sd.nn.relu(v[0], 0.2).add(v[1]));
        // exact zeros in the input: ReLU's derivative there is 0
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(-1.0, 0.0, 2.0, 0.0, 3.0).reshape(1, 5));
        sd.nn.relu(x, 0.0).mul(sd.constant(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0).reshape(1, 5))).sum().rename("loss");
        sd.setLossVariables("loss");
        GraphTestSupport.ensureGradFunction(sd);
        try (ExecutionPlan plan = new ExecutionPlan(sd.getFunction("grad"), sd, List.of(x.getGradient().name()))) {
            assertArrayEquals(new double[]{0, 0, 3, 0, 5}, plan.run(Map.of()).get(x.getGradient().name()).toDoubleVector());
        }
    }

    @Test
    void matmulGradientWhenOnlyOneSideIsRead() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", dt, -1, 4);
            SDVariable w = sd.var("w", Nd4j.rand(dt, 4, 3).subi(0.5));
            SDVariable k = sd.constant("k", Nd4j.rand(dt, 3, 2).subi(0.5));
            SDVariable h = sd.math.tanh(x.mmul(w)).mmul(k);     // dL/dx unread; dL/dk unread (constant)
            h.mul(h).sum().rename("loss");
            sd.setLossVariables("loss");
            GraphTestSupport.ensureGradFunction(sd);
            Map<String, INDArray> ph = Map.of("x", Nd4j.rand(dt, 6, 4));
            INDArray expected = sd.calculateGradients(ph, List.of("w")).get("w").dup();
            try (ExecutionPlan plan = new ExecutionPlan(sd.getFunction("grad"), sd, List.of(w.getGradient().name()))) {
                assertClose(expected, plan.run(ph).get(w.getGradient().name()), dt == DataType.DOUBLE ? 1e-12 : 1e-5,
                        "dL/dw " + dt);
            }
        }
    }

    @Test
    void reshapesAreViewsOfContiguousInputsAndCopiesOfOthers() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, 6, 4);
        SDVariable r = sd.reshape("r", sd.expandDims(x, 0), 3, 8);
        SDVariable s = sd.squeeze("s", sd.reshape(r, 1, 24), 0);
        try (ExecutionPlan plan = new ExecutionPlan(sd, List.of("r", "s"))) {
            INDArray contiguous = Nd4j.rand(DataType.DOUBLE, 6, 4);
            Map<String, INDArray> out = plan.run(Map.of("x", contiguous));
            assertEquals(contiguous.reshape(3, 8), out.get("r"));
            assertEquals(contiguous.reshape(24), out.get("s"));
            assertEquals(contiguous.data().addressPointer().address(), out.get("r").data().addressPointer().address(),
                    "a view, not a copy");
            INDArray transposed = Nd4j.rand(DataType.DOUBLE, 4, 6).transpose();       // 'f'-strided: copied
            Map<String, INDArray> out2 = plan.run(Map.of("x", transposed));
            assertEquals(transposed.dup('c').reshape(3, 8), out2.get("r"));
            assertEquals(transposed.dup('c').reshape(24), out2.get("s"));
        }
    }

    /** Pooled bags computed by the plan's kernel (PleGraph#bags), against SameDiff running the graph's ops. */
    @Test
    void bagsPoolInOneKernelAsTheGraphDoes() {
        io.github.ple4j.model.config.CategoricalField user = new io.github.ple4j.model.config.CategoricalField("user", 7, 3);
        io.github.ple4j.model.config.CategoricalField history = new io.github.ple4j.model.config.CategoricalField(
                "history", 7, 3).withTable("user").asBag(5, io.github.ple4j.model.config.Pooling.MEAN);
        io.github.ple4j.model.config.CategoricalField tags = new io.github.ple4j.model.config.CategoricalField("tags", 4, 2)
                .asBag(3, io.github.ple4j.model.config.Pooling.SUM);
        for (ModelDataType dt : new ModelDataType[]{ModelDataType.DOUBLE, ModelDataType.FLOAT}) {
            PleConfig cfg = PleConfig.builder()
                    .inputs(new io.github.ple4j.model.config.InputSpec(2, List.of(user, history, tags)))
                    .task(TaskSpec.binary("a", 3)).task(TaskSpec.regression("b", 2))
                    .extraction(ExtractionSpec.ple(1, 1, 1, 3)).dataType(dt).build();
            PleGraph g = PleGraphBuilder.build(cfg, EmbeddingLookup.GATHER);
            assertEquals(3, g.fusedOps().size(), "two bags and the input");
            GraphTestSupport.randomizeParameters(g, 5, 0.7);
            Map<String, INDArray> ph = new Feeds(g).batch(GraphTestSupport.batch(cfg, 8, 11, true), null);
            List<String> outs = new ArrayList<>(g.signature().predictionOutputs());
            outs.add(GraphSignature.pooled("history"));
            outs.add(GraphSignature.pooled("tags"));
            Map<String, INDArray> expected = GraphTestSupport.outputs(g.sameDiff(), ph, outs.toArray(new String[0]));
            try (ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), g.sameDiff(), outs, g.fusedOps())) {
                plan.startProfiling();
                Map<String, INDArray> actual = plan.run(ph);
                for (String o : outs) {
                    assertClose(expected.get(o), actual.get(o), dt == ModelDataType.DOUBLE ? 1e-12 : 1e-6, dt + " " + o);
                }
                Map<String, long[]> profile = plan.profile();
                assertEquals(2, profile.get("embedding_bag (fused)")[1]);
                assertEquals(1, profile.get("embedded_input (fused)")[1]);
                assertFalse(profile.containsKey("gather (rewritten)"), "no gather op runs: " + profile.keySet());
                assertFalse(profile.containsKey("concat (rewritten)"), "no concat op runs: " + profile.keySet());
                INDArray bad = ph.get(GraphSignature.bag("tags")).dup();
                bad.putScalar(new long[]{3, 0}, 4);
                Map<String, INDArray> broken = new LinkedHashMap<>(ph);
                broken.put(GraphSignature.bag("tags"), bad);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> plan.run(broken));
                assertEquals("the pooled bag 'embedding/bag/tags' (ids input/bag/tags, table embedding/tags) failed: "
                        + "id 4 at row 3, position 0 is outside the table's 4 rows", e.getMessage());
                INDArray badIds = ph.get(GraphSignature.CATEGORICAL).dup();
                badIds.putScalar(new long[]{5, 0}, -2);
                Map<String, INDArray> brokenIds = new LinkedHashMap<>(ph);
                brokenIds.put(GraphSignature.CATEGORICAL, badIds);
                e = assertThrows(IllegalStateException.class, () -> plan.run(brokenIds));
                assertEquals("the embedded input 'input/concat' failed: id -2 at row 5, column 0 is outside the 7 rows"
                        + " of 'embedding/user'", e.getMessage());
                // dense features given as a view into a wider array (not spanning its buffer): copied, same result
                INDArray dense = ph.get(GraphSignature.DENSE);
                INDArray wider = Nd4j.zeros(dense.dataType(), dense.size(0), dense.size(1) + 3);
                INDArray view = wider.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 1 + dense.size(1)));
                view.assign(dense);
                Map<String, INDArray> viewed = new LinkedHashMap<>(ph);
                viewed.put(GraphSignature.DENSE, view);
                Map<String, INDArray> fromView = plan.run(viewed);
                for (String o : outs) {
                    assertClose(expected.get(o), fromView.get(o), dt == ModelDataType.DOUBLE ? 1e-12 : 1e-6, "view " + o);
                }
            }
            System.setProperty("ple4j.exec.fused", "false");
            try {
                assertEquals(List.of(), g.fusedOps(), "-Dple4j.exec.fused=false runs the graph's own ops");
            } finally {
                System.clearProperty("ple4j.exec.fused");
            }
        }
    }

    /** Same-shape and bias-like sums in Java, bit for bit libnd4j's; other broadcasts in libnd4j. */
    @Test
    void additionsOfEqualShapesAndRowsRunInJavaOthersInLibnd4j() {
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", t, -1, 4);
            SDVariable y = sd.placeHolder("y", t, -1, 4);
            SDVariable row = sd.placeHolder("row", t, 1, 4);
            SDVariable vec = sd.placeHolder("vec", t, 4);
            SDVariable col = sd.placeHolder("col", t, -1, 1);
            x.add(y).rename("same");
            x.add(row).rename("bias");
            row.add(x).rename("biasFirst");
            x.add(vec).rename("vector");
            x.add(col).rename("column");
            Map<String, INDArray> ph = Map.of("x", Nd4j.rand(t, 3, 4), "y", Nd4j.rand(t, 3, 4), "row", Nd4j.rand(t, 1, 4),
                    "vec", Nd4j.rand(t, 4), "col", Nd4j.rand(t, 3, 1));
            List<String> outs = List.of("same", "bias", "biasFirst", "vector", "column");
            Map<String, INDArray> expected = GraphTestSupport.outputs(sd, ph, outs.toArray(new String[0]));
            try (ExecutionPlan plan = new ExecutionPlan(sd, outs)) {
                plan.startProfiling();
                Map<String, INDArray> actual = plan.run(ph);
                for (String o : outs) {
                    assertArrayEquals(expected.get(o).shape(), actual.get(o).shape(), t + " " + o);
                    assertArrayEquals(expected.get(o).dup().data().asDouble(), actual.get(o).dup().data().asDouble(), 0,
                            t + " " + o);
                }
                assertEquals(4, plan.profile().get("add (rewritten)")[1], t + ": the column broadcast is libnd4j's");
                assertEquals(1, plan.profile().get("add")[1]);
                int rows = AddStep.MAX_LENGTH / 4 + 1;
                Map<String, INDArray> large = new LinkedHashMap<>(ph);
                large.put("x", Nd4j.rand(t, rows, 4));
                large.put("y", Nd4j.rand(t, rows, 4));
                large.put("col", Nd4j.rand(t, rows, 1));
                plan.startProfiling();
                assertEquals(GraphTestSupport.outputs(sd, large, "bias").get("bias"), plan.run(large).get("bias"));
                assertFalse(plan.profile().containsKey("add (rewritten)"), t + ": large sums are libnd4j's");
            }
        }
    }

    @Test
    void columnPicksOfIdMatricesRunInJavaAndOtherSlicesInLibnd4j() {
        SameDiff sd = SameDiff.create();
        SDVariable ids = sd.placeHolder("ids", DataType.INT64, -1, 3);
        ids.get(SDIndex.all(), SDIndex.point(2)).rename("c2");
        ids.get(SDIndex.all(), SDIndex.point(0)).rename("c0");
        ids.get(SDIndex.point(1), SDIndex.all()).rename("row1");
        ids.get(SDIndex.all(), SDIndex.interval(1, 3)).rename("cols");
        long[] columns = sd.getOps().values().stream().map(o -> o.getOp())
                .filter(o -> o instanceof org.nd4j.linalg.api.ops.impl.shape.StridedSlice)
                .mapToLong(o -> ColumnStep.column(((org.nd4j.linalg.api.ops.impl.shape.StridedSlice) o).iArgs(), 1))
                .sorted().toArray();
        assertArrayEquals(new long[]{-1, -1, 0, 2}, columns, "two column picks; a row and a column range are not");
        INDArray in = Nd4j.createFromArray(new long[][]{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}});
        try (ExecutionPlan plan = new ExecutionPlan(sd, List.of("c2", "c0", "row1", "cols"))) {
            Map<String, INDArray> out = plan.run(Map.of("ids", in));
            assertEquals(Nd4j.createFromArray(3L, 6L, 9L, 12L), out.get("c2"));
            assertEquals(Nd4j.createFromArray(1L, 4L, 7L, 10L), out.get("c0"));
            assertEquals(Nd4j.createFromArray(4L, 5L, 6L), out.get("row1"));
            assertEquals(in.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)), out.get("cols"));
            INDArray other = Nd4j.createFromArray(new long[][]{{7, 8, 9}});
            assertEquals(Nd4j.createFromArray(9L), plan.run(Map.of("ids", other)).get("c2"), "a batch of one row");
            plan.startProfiling();
            plan.run(Map.of("ids", in));
            assertEquals(2, plan.profile().get("strided_slice (rewritten)")[1], "the column picks ran in Java");
            assertEquals(2, plan.profile().get("strided_slice")[1], "the other slices in libnd4j");
        }
    }

    @Test
    void opsWhoseOutputsAreNotAliveTogetherShareBuffers() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable h = x;
        for (int i = 0; i < 4; i++) {
            h = sd.math.tanh(h);
        }
        h.rename("out");
        INDArray in = Nd4j.rand(DataType.DOUBLE, 5, 3);
        INDArray expected = GraphTestSupport.outputs(sd, Map.of("x", in), "out").get("out");
        try (ExecutionPlan plan = new ExecutionPlan(sd, List.of("out"))) {
            assertEquals(expected, plan.run(Map.of("x", in)).get("out"));
            // four outputs of 5 x 3 doubles, at most two alive at once
            assertEquals(2 * 5 * 3 * 8, plan.pooledBytes());
            assertEquals(expected, plan.run(Map.of("x", in)).get("out"));
            INDArray other = Nd4j.rand(DataType.DOUBLE, 7, 3);
            assertEquals(GraphTestSupport.outputs(sd, Map.of("x", other), "out").get("out"), plan.run(Map.of("x", other)).get("out"));
            assertEquals(2 * 7 * 3 * 8, plan.pooledBytes(), "planned afresh for the new batch size");
        }
    }

    @Test
    void matmulGradientWithTransposesAndBatches() {
        checkOp(new long[]{4, 5}, new long[]{4, 3}, (sd, v) -> sd.mmul(v[0], v[1], true, false, false));
        checkOp(new long[]{5, 4}, new long[]{3, 4}, (sd, v) -> sd.mmul(v[0], v[1], false, true, false));
        checkOp(new long[]{4, 5}, new long[]{3, 4}, (sd, v) -> sd.mmul(v[0], v[1], true, true, false));
        checkOp(new long[]{5, 4}, new long[]{4, 3}, (sd, v) -> sd.mmul(v[0], v[1]));
        checkOp(new long[]{2, 5, 4}, new long[]{2, 4, 3}, (sd, v) -> sd.mmul(v[0], v[1]));
        checkOp(new long[]{2, 4, 5}, new long[]{2, 4, 3}, (sd, v) -> sd.mmul(v[0], v[1], true, false, false));
        checkOp(new long[]{2, 5, 4}, new long[]{2, 3, 4}, (sd, v) -> sd.mmul(v[0], v[1], false, true, false));
    }

    @Test
    void concatenationAndItsGradientAlongLeadingAndInnerAxes() {
        checkOp(new long[]{2, 5, 3}, new long[]{3, 5, 3}, (sd, v) -> sd.concat(0, v[0], v[1]));   // blocks
        checkOp(new long[]{5, 3}, new long[]{2, 3}, (sd, v) -> sd.concat(0, v[0], v[1]));
        checkOp(new long[]{5, 2, 3}, new long[]{5, 4, 3}, (sd, v) -> sd.concat(1, v[0], v[1]));   // interleaved: libnd4j
        checkOp(new long[]{1, 2, 3}, new long[]{1, 4, 3}, (sd, v) -> sd.concat(1, v[0], v[1]));   // blocks after a 1
        checkOp(new long[]{5, 2}, new long[]{5, 3}, (sd, v) -> sd.concat(-1, v[0], v[1]));
    }

    // ---- errors ----

    @Test
    void errorsNameWhatIsMissing() {
        PleGraph g = PleGraphBuilder.build(Presets.paddleCensus(2, 8));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new ExecutionPlan(g.sameDiff(), List.of("no/such/output")));
        assertEquals("the graph has no variable 'no/such/output' to compute", unknown.getMessage());
        String pred = g.signature().predictionOutputs().get(0);
        ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), List.of(pred));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> plan.run(Map.of()));
        assertEquals("no array was given for placeholder '" + GraphSignature.DENSE + "'", missing.getMessage());
        plan.close();
        plan.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> plan.run(Map.of(GraphSignature.DENSE, Nd4j.rand(DataType.FLOAT, 2, 8))));
        assertEquals("the execution plan is closed", closed.getMessage());
    }

    @Test
    void aFailingOpIsNamedWithItsInputShapes() {
        PleGraph g = PleGraphBuilder.build(Presets.paddleCensus(2, 8));
        String pred = g.signature().predictionOutputs().get(0);
        try (ExecutionPlan plan = new ExecutionPlan(g.sameDiff(), List.of(pred))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> plan.run(Map.of(GraphSignature.DENSE, Nd4j.rand(DataType.FLOAT, 2, 5))));
            assertTrue(e.getMessage().startsWith("op '"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 5]"), e.getMessage());
        }
    }
}
