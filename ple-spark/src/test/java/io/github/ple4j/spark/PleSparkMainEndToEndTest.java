package io.github.ple4j.spark;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.eval.EvaluationReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code PleSparkMain}, as spark-submit runs it, on local[2]: CSV in, a PLE bundle and a DL4J graph out. */
class PleSparkMainEndToEndTest {
    /** What spark-submit would pass as spark.* properties; SparkConf reads them from the system properties. */
    private static final Map<String, String> SPARK = Map.of("spark.master", "local[2]", "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false", "spark.default.parallelism", "2");

    @Test
    void mainTrainsAndWritesABundleThatLoadsAndPredicts(@TempDir Path dir) throws Exception {
        Path train = Files.write(dir.resolve("train.csv"), PleSparkTrainerTest.Rows.generate(1, 4000).csv(true));
        Path config = dir.resolve("model.json");
        ConfigJson.write(PleSparkTrainerTest.config(), config);
        Path out = dir.resolve("model.ple");
        Path graph = dir.resolve("model-graph.zip");
        SPARK.forEach(System::setProperty);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            PleSparkMain.main(new String[]{"--config", config.toString(), "--train", train.toString(), "--header",
                    "--epochs", "3", "--batch", "32", "--averaging", "2", "--workers", "2", "--export-dir",
                    dir.resolve("export").toUri().toString(), "--output", out.toString(), "--graph-output", graph.toString()});
        } finally {
            System.setOut(stdout);
            SPARK.keySet().forEach(System::clearProperty);
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        for (int e = 1; e <= 3; e++) {
            assertTrue(log.contains("epoch " + e + "/3 train loss "), log);
        }
        PleSparkTrainerTest.Rows test = PleSparkTrainerTest.Rows.generate(2, 1000);
        try (PleModel model = PleModel.load(out)) {
            assertEquals(PleSparkTrainerTest.config().tasks(), model.config().tasks());
            EvaluationReport r = model.evaluate(test.batches(500));
            assertTrue(r.tasks().get("a").auc() > 0.9, r.toTable());
            assertTrue(r.tasks().get("b_task").auc() > 0.9, r.toTable());
            assertEquals(1000, r.tasks().get("a").count());
        }
        ComputationGraph g = ModelSerializer.restoreComputationGraph(graph.toFile(), false);
        assertTrue(g.numParams() > 0);
    }
}
