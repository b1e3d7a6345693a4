package io.github.ple4j.model;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.eval.RankingScore;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.GraphTestSupport;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.onnx.OnnxExport;
import io.github.ple4j.model.onnx.OnnxOptions;
import io.github.ple4j.model.onnx.OnnxRuntimeSupport;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported ONNX model computes what {@link PleModel#predict} computes: every architecture, dense, categorical and
 * bag inputs, binary and regression tasks, every activation, run in ONNX Runtime on 1,000 rows and checked by ONNX's
 * checker.
 */
class OnnxExportTest {
    private static final int ROWS = 1000;
    private static final double TOL = 1e-5;

    @TempDir
    Path dir;

    private static List<CategoricalField> sparseFields() {
        return List.of(new CategoricalField("user", 50, 4), new CategoricalField("item", 40, 3),
                new CategoricalField("history", 40, 3).withTable("item").asBag(6, Pooling.MEAN),
                new CategoricalField("tags", 20, 2).asBag(4, Pooling.SUM));
    }

    private static PleConfig config(ExtractionSpec ex, InputSpec in, boolean gateBias) {
        return PleConfig.builder().inputs(in)
                .task(TaskSpec.binary("ctr").withTower(5)).task(TaskSpec.regression("watch").withTower(4, 3))
                .task(TaskSpec.binary("cvr"))
                .extraction(ex).gate(new GateSpec(gateBias)).seed(11).build();
    }

    static Stream<Object[]> variants() {
        InputSpec mixed = new InputSpec(6, sparseFields());
        return Stream.of(
                new Object[]{"single-task", config(ExtractionSpec.singleTask(8), mixed, false)},
                new Object[]{"shared-bottom", config(ExtractionSpec.sharedBottom(8, 6), mixed, false)},
                new Object[]{"mmoe", config(ExtractionSpec.mmoe(3, 7), mixed, true)},
                new Object[]{"cgc", config(ExtractionSpec.cgc(2, 2, 6), mixed, false)},
                new Object[]{"cgc-deep", config(ExtractionSpec.cgc(1, 2, 6, 5, 4), mixed, true)},
                new Object[]{"ple-2", config(ExtractionSpec.ple(2, 2, 1, 6), mixed, false)},
                new Object[]{"ple-3-deep", config(ExtractionSpec.ple(3, 1, 2, 5, 4), mixed, true)},
                new Object[]{"ple-dense-only", config(ExtractionSpec.ple(2, 1, 1, 6), InputSpec.dense(7), false)},
                new Object[]{"ple-ids-only", config(ExtractionSpec.ple(2, 2, 2, 5),
                        new InputSpec(0, sparseFields().subList(0, 2)), false)},
                new Object[]{"ple-bags-only", config(ExtractionSpec.ple(2, 1, 1, 5),
                        new InputSpec(0, List.of(sparseFields().get(3))), false)},
                new Object[]{"ple-dropout-l2", PleConfig.builder().inputs(mixed).task(TaskSpec.binary("ctr").withTower(5))
                        .task(TaskSpec.regression("watch")).extraction(ExtractionSpec.ple(2, 1, 2, 6)).dropout(0.3).l2(1e-3)
                        .seed(4).build()},
                new Object[]{"ple-double", config(ExtractionSpec.ple(2, 2, 1, 6), mixed, false)
                        .withDataType(ModelDataType.DOUBLE)});
    }

    /** A model with non-trivial parameters: random values of scale 0.5 everywhere (tables, biases included). */
    private static PleModel model(PleConfig cfg) {
        PleModel m = PleModel.create(cfg);
        GraphTestSupport.randomizeParameters(m.graph(), 7, 0.5);
        return m;
    }

    private static List<String> inputs(Onnx.ModelProto proto) {
        return proto.getGraph().getInputList().stream().map(Onnx.ValueInfoProto::getName).toList();
    }

    private static Onnx.ModelProto read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return Onnx.ModelProto.parseFrom(in);
        }
    }

    private static void assertAgrees(PleModel m, Path file, MultiDataSet data) throws Exception {
        Predictions expected = m.predict(data.getFeatures());
        Map<String, float[]> actual = OnnxRuntimeSupport.run(file, m.signature().featureInputs(), data.getFeatures());
        for (String task : m.signature().tasks()) {
            double[] e = expected.asDoubles(task);
            float[] a = actual.get(GraphSignature.prediction(task));
            assertEquals(e.length, a.length, task);
            double worst = 0;
            for (int i = 0; i < e.length; i++) {
                worst = Math.max(worst, Math.abs(e[i] - a[i]));
            }
            assertTrue(worst <= TOL, task + ": ONNX Runtime differs from PleModel.predict by up to " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void onnxRuntimeAgreesWithPredictOnEveryVariant(String name, PleConfig cfg) throws Exception {
        try (PleModel m = model(cfg)) {
            Path file = dir.resolve(name + ".onnx");
            m.exportOnnx(file, OnnxOptions.defaults());
            Onnx.ModelProto proto = read(file);
            assertEquals(m.signature().featureInputs(), inputs(proto));
            assertEquals(m.signature().predictionOutputs(),
                    proto.getGraph().getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList());
            assertEquals(OnnxExport.OPSET, proto.getOpsetImport(0).getVersion());
            for (Onnx.NodeProto n : proto.getGraph().getNodeList()) {
                assertFalse(n.getOpType().equals("OneHot"), "lookups are gathers");
            }
            assertAgrees(m, file, GraphTestSupport.batch(cfg, 3, ROWS, false));
            assertTrue(OnnxRuntimeSupport.check(file).endsWith("checker: ok"));
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyActivationExports(Activation a) throws Exception {
        PleConfig cfg = config(ExtractionSpec.ple(2, 1, 1, 5, 4).withActivation(a), new InputSpec(4, sparseFields()), false);
        try (PleModel m = model(cfg)) {
            Path file = dir.resolve(a + ".onnx");
            m.exportOnnx(file, OnnxOptions.defaults());
            assertAgrees(m, file, GraphTestSupport.batch(cfg, 5, ROWS, false));
        }
    }

    @Test
    void theFusedScoreEqualsRankingScore() throws Exception {
        PleConfig cfg = config(ExtractionSpec.ple(2, 1, 1, 6), new InputSpec(6, sparseFields()), false);
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("ctr", 1.0);
        weights.put("watch", 0.0);
        weights.put("cvr", 0.5);
        try (PleModel m = model(cfg)) {
            Path file = dir.resolve("score.onnx");
            m.exportOnnx(file, OnnxOptions.defaults().withScore(weights));
            MultiDataSet data = GraphTestSupport.batch(cfg, 9, ROWS, false);
            Predictions p = m.predict(data.getFeatures());
            Map<String, double[]> probs = new LinkedHashMap<>();
            probs.put("ctr", p.asDoubles("ctr"));
            probs.put("watch", p.asDoubles("watch"));
            probs.put("cvr", p.asDoubles("cvr"));
            double[] expected = RankingScore.fuse(probs, weights, null);
            float[] actual = OnnxRuntimeSupport.run(file, m.signature().featureInputs(), data.getFeatures())
                    .get(OnnxExport.SCORE);
            for (int i = 0; i < ROWS; i++) {
                assertEquals(expected[i], actual[i], TOL * Math.max(1, expected[i]), "row " + i);
            }
            Map<String, String> meta = metadata(read(file));
            assertEquals("ctr=1.0,watch=0.0,cvr=0.5", meta.get(OnnxExport.META_SCORE));
            assertTrue(OnnxRuntimeSupport.check(file).endsWith("checker: ok"));
        }
    }

    private static Map<String, String> metadata(Onnx.ModelProto proto) {
        return proto.getMetadataPropsList().stream()
                .collect(Collectors.toMap(Onnx.StringStringEntryProto::getKey, Onnx.StringStringEntryProto::getValue));
    }

    @Test
    void metadataCarriesTasksInputsConfigAndAttachmentsButNotTheFitState() throws Exception {
        PleConfig cfg = config(ExtractionSpec.cgc(1, 1, 4), new InputSpec(3, sparseFields()), false);
        try (PleModel m = model(cfg)) {
            m.attach("preprocessing", "{\"vocabulary\":[\"a\",\"b\"]}");
            m.fitBatch(GraphTestSupport.batch(cfg, 1, 32, false));
            Path file = dir.resolve("meta.onnx");
            m.exportOnnx(file, OnnxOptions.defaults());
            Map<String, String> meta = metadata(read(file));
            assertEquals("ctr,watch,cvr", meta.get(OnnxExport.META_TASKS));
            assertEquals("input/dense,input/categorical,input/bag/history,input/bag/tags", meta.get(OnnxExport.META_INPUTS));
            assertEquals(cfg, ConfigJson.fromJson(meta.get(OnnxExport.META_CONFIG), "metadata"));
            assertEquals("{\"vocabulary\":[\"a\",\"b\"]}", meta.get(OnnxExport.META_ATTACHMENT + "preprocessing"));
            assertEquals(List.of(OnnxExport.META_TASKS, OnnxExport.META_INPUTS, OnnxExport.META_CONFIG,
                    OnnxExport.META_ATTACHMENT + "preprocessing"), new ArrayList<>(metaKeys(read(file))));
        }
    }

    private static List<String> metaKeys(Onnx.ModelProto proto) {
        return proto.getMetadataPropsList().stream().map(Onnx.StringStringEntryProto::getKey).toList();
    }

    @Test
    void badScoreWeightsAreRefusedAndAnExistingFileIsKept() throws Exception {
        PleConfig cfg = config(ExtractionSpec.mmoe(2, 4), InputSpec.dense(3), false);
        try (PleModel m = model(cfg)) {
            Path file = dir.resolve("kept.onnx");
            Files.writeString(file, "an earlier export");
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> m.exportOnnx(file,
                    OnnxOptions.defaults().withScore(Map.of("ctr", 1.0, "cvr", 1.0))));
            assertEquals("score weights: no weight for task 'watch'; weights were given for [ctr, cvr] (every task needs "
                    + "one; 0 leaves it out of the product)", missing.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> m.exportOnnx(file,
                    OnnxOptions.defaults().withScore(Map.of("ctr", 1.0, "cvr", 1.0, "watch", 0.0, "like", 1.0))));
            assertEquals("score weights: weight given for unknown task 'like'; tasks are [ctr, watch, cvr]",
                    unknown.getMessage());
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> OnnxOptions.defaults().withScore(Map.of("ctr", -1.0)));
            assertEquals("score weight of task 'ctr' must be finite and >= 0 but was -1.0", negative.getMessage());
            assertEquals("an earlier export", Files.readString(file));
            // a target that cannot be replaced (a non-empty directory): the export fails and leaves no temporary file
            Path blocked = dir.resolve("blocked.onnx");
            Files.createDirectories(blocked.resolve("inside"));
            assertThrows(java.io.IOException.class, () -> m.exportOnnx(blocked, OnnxOptions.defaults()));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of("blocked.onnx", "kept.onnx"), files.map(p -> p.getFileName().toString()).sorted()
                        .toList());
            }
        }
    }

    @Test
    void theCheckerFailsOnABrokenModel() throws Exception {
        PleConfig cfg = config(ExtractionSpec.mmoe(2, 4), InputSpec.dense(3), false);
        try (PleModel m = model(cfg)) {
            Path file = dir.resolve("good.onnx");
            m.exportOnnx(file, OnnxOptions.defaults());
            Onnx.ModelProto good = read(file);
            // the first MatMul made to read a value nobody produces
            Onnx.ModelProto.Builder broken = good.toBuilder();
            int i = 0;
            while (!broken.getGraph().getNode(i).getOpType().equals("MatMul")) {
                i++;
            }
            broken.getGraphBuilder().getNodeBuilder(i).setInput(0, "no/such/value");
            Path bad = dir.resolve("broken.onnx");
            try (java.io.OutputStream out = Files.newOutputStream(bad)) {
                broken.build().writeTo(out);
            }
            AssertionError e = assertThrows(AssertionError.class, () -> OnnxRuntimeSupport.check(bad));
            assertTrue(e.getMessage().contains("no/such/value"), e.getMessage());
        }
    }

    @Test
    void aMillionRowTableExportsInlineAndAsExternalDataAndRuns() throws Exception {
        PleConfig cfg = PleConfig.builder()
                .inputs(new InputSpec(4, List.of(new CategoricalField("item", 1_000_000, 16),
                        new CategoricalField("user", 1000, 8))))
                .task(TaskSpec.binary("ctr").withTower(8)).task(TaskSpec.binary("cvr").withTower(8))
                .extraction(ExtractionSpec.ple(2, 1, 1, 16)).seed(3).build();
        try (PleModel m = PleModel.create(cfg)) {
            for (int i = 0; i < 5; i++) {
                m.fitBatch(GraphTestSupport.batch(cfg, i, 256, false));
            }
            MultiDataSet data = GraphTestSupport.batch(cfg, 99, ROWS, false);
            Path inline = dir.resolve("inline.onnx");
            m.exportOnnx(inline, OnnxOptions.defaults());
            assertTrue(Files.size(inline) > 64_000_000L, "the table is inside the model file");
            assertFalse(Files.exists(dir.resolve("inline.onnx.data")));
            assertAgrees(m, inline, data);

            Path external = dir.resolve("external.onnx");
            m.exportOnnx(external, OnnxOptions.defaults().withExternalDataFrom(1 << 20));
            Path data2 = dir.resolve("external.onnx.data");
            assertTrue(Files.size(external) < 1_000_000L, "only small tensors are inside: " + Files.size(external));
            assertEquals(64_000_000L, Files.size(data2), "the 1e6 x 16 float table, the only tensor of >= 1 MiB");
            Onnx.TensorProto table = read(external).getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals("embedding/item")).findFirst().orElseThrow();
            assertEquals(Onnx.TensorProto.DataLocation.EXTERNAL, table.getDataLocation());
            assertEquals(List.of("location=external.onnx.data", "offset=0", "length=64000000"), table.getExternalDataList()
                    .stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            assertAgrees(m, external, data);
            assertTrue(OnnxRuntimeSupport.check(external).endsWith("checker: ok"));
            INDArray rows = m.parameters().get("embedding/item");
            float[] first = new float[16];
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(data2)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.read(b);
                b.flip().asFloatBuffer().get(first);
            }
            assertArrayEquals(rows.getRow(0).toFloatVector(), first);
        }
    }
}
