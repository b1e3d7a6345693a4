package io.github.ple4j.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.onnx.OnnxOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's ONNX serving snippet, as written, on a model with 3 dense features and user and item ids. */
class ReadmeOnnxExampleTest {
    @TempDir
    Path dir;

    @Test
    void theServingSnippetRuns() throws Exception {
        PleConfig cfg = PleConfig.builder()
                .inputs(new InputSpec(3, java.util.List.of(new CategoricalField("user", 100, 4),
                        new CategoricalField("item", 1000, 4))))
                .task(TaskSpec.binary("click").withTower(4)).task(TaskSpec.binary("buy").withTower(4))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8)).build();
        Path modelPle = dir.resolve("model.ple");
        Predictions expected;
        try (PleModel m = PleModel.create(cfg)) {
            m.save(modelPle);
            expected = m.predict(Nd4j.createFromArray(new float[][]{{0.3f, -1.2f, 0.5f}, {1.1f, 0.0f, -0.4f}}),
                    Nd4j.createFromArray(new long[][]{{17, 401}, {3, 9}}));
        }
        String onnxFile = dir.resolve("model.onnx").toString();
        float[][] click;
        float[][] score;
        // the README's snippet, with its two paths made the test's own
        try (PleModel model = PleModel.load(modelPle)) {                                   // the training side
            model.exportOnnx(Path.of(onnxFile), OnnxOptions.defaults().withScore(Map.of("click", 1.0, "buy", 0.5)));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();                              // the serving side
        try (OrtSession session = env.createSession(onnxFile, new OrtSession.SessionOptions());
             OnnxTensor dense = OnnxTensor.createTensor(env, new float[][]{{0.3f, -1.2f, 0.5f}, {1.1f, 0.0f, -0.4f}});
             OnnxTensor ids = OnnxTensor.createTensor(env, new long[][]{{17, 401}, {3, 9}});   // user, item ids
             OrtSession.Result out = session.run(Map.of("input/dense", dense, "input/categorical", ids))) {
            click = (float[][]) out.get("prediction/click").orElseThrow().getValue();   // [2][1]
            score = (float[][]) out.get("score").orElseThrow().getValue();              // click^1 * buy^0.5
        }
        for (int i = 0; i < 2; i++) {
            double c = expected.asDoubles("click")[i];
            double b = expected.asDoubles("buy")[i];
            assertEquals(c, click[i][0], 1e-6);
            assertEquals(c * Math.sqrt(b), score[i][0], 1e-6);
        }
    }
}
