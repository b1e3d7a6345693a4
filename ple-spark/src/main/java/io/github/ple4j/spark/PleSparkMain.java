package io.github.ple4j.spark;

import io.github.ple4j.dl4j.WeightMapping;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.SaveOptions;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spark-submit} entry point: trains a PLE config on CSV data with parameter averaging and writes a PLE
 * bundle (loadable with {@code PleModel.load}) and optionally the DL4J graph.
 *
 * <pre>
 * spark-submit --class io.github.ple4j.spark.PleSparkMain [spark options] ple-spark-app.jar \
 *   --config model.json --train hdfs:///data/train.csv [--valid hdfs:///data/valid.csv] [--header] \
 *   [--epochs 10] [--batch 256] [--averaging 5] [--workers N] [--export-dir hdfs:///tmp/ple-export] \
 *   --output model.ple [--graph-output model-graph.zip]
 * </pre>
 * The config is read on the driver (a local path); outputs are written on the driver's file system.
 */
public final class PleSparkMain {
    private static final Set<String> FLAGS = Set.of("--header");
    private static final Set<String> OPTIONS = Set.of("--config", "--train", "--valid", "--epochs", "--batch",
            "--averaging", "--workers", "--export-dir", "--output", "--graph-output");

    private PleSparkMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        PleConfig config = ConfigJson.read(Path.of(required(a, "--config")));
        int epochs = Integer.parseInt(a.getOrDefault("--epochs", String.valueOf(config.training().epochs())));
        PleSparkTrainer.Settings settings = new PleSparkTrainer.Settings(
                Integer.parseInt(a.getOrDefault("--batch", "256")), Integer.parseInt(a.getOrDefault("--averaging", "5")),
                a.containsKey("--workers") ? Integer.valueOf(a.get("--workers")) : null, a.get("--export-dir"));
        boolean header = a.containsKey("--header");

        SparkConf conf = PleSparkTrainer.configure(new SparkConf().setAppName("ple4j-train"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            PleSparkTrainer trainer = new PleSparkTrainer(sc, config, settings);
            JavaRDD<MultiDataSet> train = trainer.parse(sc.textFile(required(a, "--train")), header).cache();
            JavaRDD<MultiDataSet> valid = a.containsKey("--valid")
                    ? trainer.parse(sc.textFile(a.get("--valid")), header).cache() : null;
            for (int e = 1; e <= epochs; e++) {
                List<Double> loss = trainer.fit(train, 1);
                System.out.printf("epoch %d/%d train loss %.6f%s%n", e, epochs, loss.get(0),
                        valid == null ? "" : String.format(" valid loss %.6f", trainer.score(valid)));
            }
            try (PleModel model = WeightMapping.toPleModel(trainer.network())) {
                model.save(Path.of(required(a, "--output")), SaveOptions.parametersOnly());
            }
            if (a.containsKey("--graph-output")) {
                ModelSerializer.writeModel(trainer.network(), new File(a.get("--graph-output")), true);
            }
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (FLAGS.contains(k)) {
                out.put(k, "true");
            } else if (OPTIONS.contains(k) && i + 1 < args.length) {
                out.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown or incomplete argument '" + k + "'; options: " + OPTIONS
                        + " (each followed by a value), flags: " + FLAGS);
            }
        }
        return out;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }
}
