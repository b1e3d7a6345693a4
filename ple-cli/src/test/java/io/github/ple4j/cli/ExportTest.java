package io.github.ple4j.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.datasets.AliCcpLike;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.onnx.OnnxExport;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ple export} as a serving side uses it: the example job trained on recommender logs (hashed ids, bags, a
 * sample space), exported with the fused score, then raw log rows encoded with the preprocessing found in the ONNX
 * file's own metadata and scored by ONNX Runtime give what {@code ple predict} writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportTest {
    Path dir;
    Path train;
    Path model;

    @BeforeAll
    void trainOnce(@TempDir Path tmp) throws IOException {
        dir = tmp;
        AliCcpLike.write(new AliCcpLike.Spec(600, 300, 400, 1.1, true, 2, true, 5), dir, "train");
        train = dir.resolve("train");
        model = dir.resolve("example.ple");
        expect(0, "train", "--config", LogsTest.EXAMPLE, "--train", train, "--out", model, "--epochs", 1, "--quiet");
    }

    private static List<List<Writable>> rows(Path part) throws IOException {
        List<List<Writable>> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(part)),
                StandardCharsets.UTF_8))) {
            r.readLine();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                List<Writable> row = new ArrayList<>();
                for (String cell : l.split(",", -1)) {
                    row.add(new Text(cell));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void onnxRuntimeOnRowsEncodedFromTheExportedMetadataMatchesPredict() throws Exception {
        Path onnx = dir.resolve("example.onnx");
        PleCli.Result r = expect(0, "export", "--model", model, "--onnx", onnx, "--weights", "click=1,purchase=2");
        assertTrue(r.out().startsWith("wrote " + onnx + " ("), r.out());
        assertTrue(r.out().contains("inputs [input/dense, input/categorical, input/bag/history, input/bag/tags], outputs "
                + "[prediction/click, prediction/purchase, score]"), r.out());

        Path preds = dir.resolve("preds.csv");
        Path part = train.resolve("part-00000.csv.gz");
        expect(0, "predict", "--model", model, "--data", part, "--out", preds, "--weights", "click=1,purchase=2");
        List<String> lines = Files.readAllLines(preds);
        assertEquals("line,click,purchase,score", lines.get(0), "gzip input gets the line column");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            PleConfig config = ConfigJson.fromJson(meta.get(OnnxExport.META_CONFIG), "onnx metadata");
            FittedPipeline pipeline = FittedPipeline.fromJson(meta.get(OnnxExport.META_ATTACHMENT + "preprocessing"));
            GraphSignature sig = new GraphSignature(config);
            List<List<Writable>> records = rows(part);
            assertEquals(lines.size() - 1, records.size());
            INDArray[] features = pipeline.features(records, sig);
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (int i = 0; i < features.length; i++) {
                String name = sig.featureInputs().get(i);
                feed.put(name, name.equals(GraphSignature.DENSE)
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(features[i].castTo(DataType.FLOAT).data().asFloat()),
                        features[i].shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(features[i].castTo(DataType.INT64).data().asLong()),
                        features[i].shape()));
            }
            try (OrtSession.Result out = s.run(feed)) {
                float[][] click = (float[][]) out.get("prediction/click").orElseThrow().getValue();
                float[][] purchase = (float[][]) out.get("prediction/purchase").orElseThrow().getValue();
                float[][] score = (float[][]) out.get(OnnxExport.SCORE).orElseThrow().getValue();
                for (int i = 0; i < records.size(); i++) {
                    String[] cells = lines.get(i + 1).split(",");
                    assertEquals(Integer.toString(i + 2), cells[0]);
                    assertEquals(Double.parseDouble(cells[1]), click[i][0], 1e-5, "click, row " + i);
                    assertEquals(Double.parseDouble(cells[2]), purchase[i][0], 1e-5, "purchase, row " + i);
                    assertEquals(Double.parseDouble(cells[3]), score[i][0], 1e-5, "score, row " + i);
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
            assertTrue(meta.get(OnnxExport.META_ATTACHMENT + "job").contains("\"sampleSpace\""), "the job travels too");
        }
    }

    @Test
    void externalDataAndErrors() throws IOException {
        Path onnx = dir.resolve("split.onnx");
        PleCli.Result r = expect(0, "export", "--model", model, "--onnx", onnx, "--external-data-from", 100000);
        assertTrue(r.out().contains(", external data " + dir.resolve("split.onnx.data") + " "), r.out());
        assertTrue(Files.size(dir.resolve("split.onnx.data")) > 100000);

        PleCli.Result w = expect(ExitCodes.USAGE, "export", "--model", model, "--onnx", onnx, "--weights", "like=1");
        assertCleanError(w);
        assertTrue(w.err().contains("--weights names the task 'like' but the model's tasks are [click, purchase]"), w.err());
        PleCli.Result n = expect(ExitCodes.USAGE, "export", "--model", model, "--onnx", onnx, "--external-data-from", -1);
        assertCleanError(n);
        assertTrue(n.err().contains("--external-data-from must be >= 0 bytes but was -1"), n.err());
        Path missing = dir.resolve("nothing.ple");
        PleCli.Result m = expect(ExitCodes.IO, "export", "--model", missing, "--onnx", onnx);
        assertCleanError(m);
        assertTrue(m.err().contains(missing.toString()), m.err());
    }
}
