package io.github.ple4j.spark;

import io.github.ple4j.model.train.InMemoryBatches;
import io.github.ple4j.dl4j.PleComputationGraph;
import io.github.ple4j.dl4j.WeightMapping;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark in local[2]: DataVec CSV parsing, and parameter-averaging training compared with local training. */
class PleSparkTrainerTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = new JavaSparkContext(PleSparkTrainer.configure(new SparkConf().setMaster("local[2]").setAppName("ple-spark-test")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.default.parallelism", "2")));
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.close();
        }
    }

    static PleConfig config() {
        return PleConfig.builder().denseInputs(6)
                .task(TaskSpec.binary("a", 8)).task(TaskSpec.binary("b_task", 8))
                .extraction(ExtractionSpec.ple(2, 2, 1, 8))
                .training(TrainingSpec.defaults().withOptimizer(OptimizerSpec.adam(0.01)))
                .build();
    }

    /**
     * Rows of two learnable binary tasks on 6 features (a: x0 + x1 > 0, b: x0 - x2 > 0); task b's label is missing
     * (empty cell) in about a fifth of the rows.
     */
    record Rows(double[][] x, double[] a, double[] b) {
        static Rows generate(long seed, int n) {
            SplittableRandom r = new SplittableRandom(seed);
            double[][] x = new double[n][6];
            double[] a = new double[n];
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 6; j++) {
                    x[i][j] = 2 * r.nextDouble() - 1;
                }
                a[i] = x[i][0] + x[i][1] > 0 ? 1 : 0;
                b[i] = r.nextInt(5) == 0 ? Double.NaN : x[i][0] - x[i][2] > 0 ? 1 : 0;
            }
            return new Rows(x, a, b);
        }

        List<String> csv(boolean header) {
            List<String> lines = new ArrayList<>();
            if (header) {
                lines.add("x0,x1,x2,x3,x4,x5,a,b_task");
            }
            for (int i = 0; i < a.length; i++) {
                StringBuilder sb = new StringBuilder();
                for (double v : x[i]) {
                    sb.append(String.format(Locale.ROOT, "%.6f", v)).append(',');
                }
                sb.append((int) a[i]).append(',').append(Double.isNaN(b[i]) ? "" : String.valueOf((int) b[i]));
                lines.add(sb.toString());
            }
            return lines;
        }

        /** The same rows as minibatches in the GraphSignature layout, for local training and evaluation. */
        MultiDataSetIterator batches(int batch) {
            List<MultiDataSet> list = new ArrayList<>();
            for (int from = 0; from < a.length; from += batch) {
                int n = Math.min(batch, a.length - from);
                double[] xs = new double[n * 6];
                double[] ya = new double[n];
                double[] yb = new double[n];
                double[] mb = new double[n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x[from + i], 0, xs, i * 6, 6);
                    ya[i] = a[from + i];
                    yb[i] = Double.isNaN(b[from + i]) ? 0 : b[from + i];
                    mb[i] = Double.isNaN(b[from + i]) ? 0 : 1;
                }
                list.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{matrix(xs, n, 6)},
                        new INDArray[]{matrix(ya, n, 1), matrix(yb, n, 1)}, null,
                        new INDArray[]{Nd4j.ones(DataType.FLOAT, n, 1), matrix(mb, n, 1)}));
            }
            return new InMemoryBatches(list, null);
        }
    }

    private static INDArray matrix(double[] v, int rows, int cols) {
        return Nd4j.create(v, new long[]{rows, cols}, 'c').castTo(DataType.FLOAT);
    }

    @Test
    void parsesCsvWithDataVec() {
        PleSparkTrainer trainer = new PleSparkTrainer(sc, config(), new PleSparkTrainer.Settings(8, 1, 2, null));
        List<String> lines = List.of("x0,x1,x2,x3,x4,x5,a,b_task", "0.5,-1,2,0,0,1,1,0", "1,2,3,4,5,6,0,");
        List<MultiDataSet> rows = trainer.parse(sc.parallelize(lines, 1), true).collect();
        assertEquals(2, rows.size());
        MultiDataSet first = rows.get(0);
        assertEquals(Nd4j.create(new float[]{0.5f, -1, 2, 0, 0, 1}, new long[]{1, 6}), first.getFeatures(0));
        assertEquals(1.0, first.getLabels(0).getDouble(0), 0);
        assertEquals(0.0, first.getLabels(1).getDouble(0), 0);
        assertEquals(1.0, first.getLabelsMaskArray(1).getDouble(0), 0);
        assertEquals(0.0, rows.get(1).getLabelsMaskArray(1).getDouble(0), 0, "empty label cell -> mask 0");
        assertEquals(1.0, rows.get(1).getLabelsMaskArray(0).getDouble(0), 0);

        Exception e = assertThrows(Exception.class,
                () -> trainer.parse(sc.parallelize(List.of("1,2,3"), 1), false).collect());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().startsWith("CSV row has 3 columns but the layout needs 8"), root.getMessage());
    }

    @Test
    void trainsWithParameterAveragingLikeLocalTraining(@TempDir Path dir) {
        PleConfig config = config();
        Rows train = Rows.generate(1, 4000);
        Rows test = Rows.generate(2, 1000);
        int epochs = 4;

        PleSparkTrainer trainer = new PleSparkTrainer(sc, config,
                new PleSparkTrainer.Settings(32, 2, 2, dir.resolve("export").toUri().toString()));
        JavaRDD<MultiDataSet> data = trainer.parse(sc.parallelize(train.csv(true), 2), true).cache();
        assertEquals(4000, data.count());
        double initial = trainer.score(data);
        List<Double> losses = trainer.fit(data, epochs);
        assertTrue(losses.get(0) < initial && losses.get(epochs - 1) < losses.get(0)
                && losses.get(epochs - 1) < 0.3 * initial, "loss " + initial + " -> " + losses);

        ComputationGraph local = PleComputationGraph.create(config);
        local.fit(train.batches(64), epochs);

        try (PleModel spark = WeightMapping.toPleModel(trainer.network());
             PleModel reference = WeightMapping.toPleModel(local)) {
            EvaluationReport s = spark.evaluate(test.batches(500));
            EvaluationReport l = reference.evaluate(test.batches(500));
            System.out.printf("Spark loss by epoch %s (initial %.4f)%nSpark-trained:%n%s%nlocal:%n%s%n", losses, initial,
                    s.toTable(), l.toTable());
            for (String task : List.of("a", "b_task")) {
                double sa = s.tasks().get(task).auc();
                double la = l.tasks().get(task).auc();
                assertTrue(sa > 0.95, "Spark-trained AUC of " + task + " " + sa + "\n" + s.toTable());
                assertTrue(Math.abs(sa - la) < 0.03, task + ": Spark AUC " + sa + " vs local " + la);
            }
            assertEquals(1000, s.tasks().get("a").count());
            assertTrue(s.tasks().get("b_task").count() < 1000, "masked rows are not evaluated");
        }
    }
}
