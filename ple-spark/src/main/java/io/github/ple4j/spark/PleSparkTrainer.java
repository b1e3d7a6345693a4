package io.github.ple4j.spark;

import io.github.ple4j.dl4j.PleComputationGraph;
import io.github.ple4j.model.config.PleConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.spark.transform.misc.StringToWritablesFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a PLE model on Spark with synchronous parameter averaging: each worker trains a copy of the PLE
 * {@link ComputationGraph} ({@link PleComputationGraph}) on its share of the data for {@code averagingFrequency}
 * minibatches of {@code batchSizePerWorker} rows, then the driver averages parameters (and optimiser state) and
 * broadcasts them; repeat until the data is used up, which is one epoch.
 *
 * <p>Data: CSV text lines in the {@link CsvLayout} of the config, parsed by DataVec's {@code CSVRecordReader}
 * through datavec-spark's {@link StringToWritablesFunction} and turned into one-row MultiDataSets
 * ({@link RecordToMultiDataSet}); dl4j-spark regroups them into minibatches.
 *
 * <pre>{@code
 * try (JavaSparkContext sc = new JavaSparkContext(PleSparkTrainer.configure(new SparkConf().setAppName("ple")))) {
 *     PleSparkTrainer trainer = new PleSparkTrainer(sc, config, PleSparkTrainer.Settings.defaults());
 *     JavaRDD<MultiDataSet> train = trainer.parse(sc.textFile("hdfs:///data/train.csv"), true).cache();
 *     List<Double> losses = trainer.fit(train, 10);
 *     ComputationGraph trained = trainer.network();      // WeightMapping.toPleModel(trained) for a PleModel
 * }
 * }</pre>
 */
public final class PleSparkTrainer {
    /**
     * Parameter-averaging settings.
     *
     * @param batchSizePerWorker rows per minibatch on each worker
     * @param averagingFrequency minibatches each worker trains between two averagings (1 = synchronous SGD on
     *                           {@code workers x batchSizePerWorker} rows, larger = less communication)
     * @param workers            number of workers, or null for Spark's default parallelism
     * @param exportDirectory    where dl4j-spark writes the regrouped minibatches (a path every executor can read,
     *                           e.g. on HDFS), or null for its default under {@code hadoop.tmp.dir}
     */
    public record Settings(int batchSizePerWorker, int averagingFrequency, Integer workers, String exportDirectory) {
        public Settings {
            if (batchSizePerWorker < 1 || averagingFrequency < 1 || (workers != null && workers < 1)) {
                throw new IllegalArgumentException("batchSizePerWorker, averagingFrequency and workers must be >= 1 but were "
                        + batchSizePerWorker + ", " + averagingFrequency + ", " + workers);
            }
        }

        /** 256 rows per worker minibatch, averaging every 5 minibatches, Spark's parallelism, default export dir. */
        public static Settings defaults() {
            return new Settings(256, 5, null, null);
        }
    }

    private final JavaSparkContext sc;
    private final PleConfig config;
    private final Settings settings;
    private final SparkComputationGraph sparkNet;

    /** A trainer starting from a fresh graph (initialised as {@code PleModel.create(config)} is). */
    public PleSparkTrainer(JavaSparkContext sc, PleConfig config, Settings settings) {
        this(sc, PleComputationGraph.create(config), settings);
    }

    /** A trainer continuing from an existing PLE graph. */
    public PleSparkTrainer(JavaSparkContext sc, ComputationGraph network, Settings settings) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.config = PleComputationGraph.config(network);
        this.settings = Objects.requireNonNull(settings, "settings");
        ParameterAveragingTrainingMaster.Builder tm = new ParameterAveragingTrainingMaster.Builder(settings.workers(), 1)
                .batchSizePerWorker(settings.batchSizePerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .saveUpdater(true)
                .rngSeed(config.seed());
        if (settings.exportDirectory() != null) {
            tm.exportDirectory(settings.exportDirectory());
        }
        this.sparkNet = new SparkComputationGraph(sc, network, tm.build());
    }

    /**
     * The Spark settings this module needs: Kryo with ND4J's registrator (INDArrays in RDDs). Call it on the
     * {@link SparkConf} before creating the context (spark-submit users can pass the same as {@code --conf}).
     */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    }

    /**
     * Parses CSV lines ({@link CsvLayout#of} the config) into one-row MultiDataSets with DataVec.
     *
     * @param header whether the input has header lines: every line equal to the first line is dropped (one
     *               header per file with identical headers, as a directory of CSV part files has)
     */
    public JavaRDD<MultiDataSet> parse(JavaRDD<String> lines, boolean header) {
        CsvLayout layout = CsvLayout.of(config);
        JavaRDD<String> body = lines;
        if (header) {
            body = lines.filter(new NotEqual(lines.first()));
        }
        return body.filter(new NotBlank())
                .map(new StringToWritablesFunction(new CSVRecordReader(0, layout.delimiter())))
                .map(new RecordToMultiDataSet(layout, config.dataType().nd4j()));
    }

    /**
     * Trains {@code epochs} passes over {@code data} (cache it first) and returns the average loss over
     * {@code data} after each epoch, as {@link #score} computes it.
     */
    public List<Double> fit(JavaRDD<MultiDataSet> data, int epochs) {
        List<Double> losses = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            sparkNet.fitMultiDataSet(data);
            losses.add(score(data));
        }
        return losses;
    }

    /**
     * The average loss over {@code data}: per-task masked losses (normalised by labelled rows in each scoring
     * minibatch of {@code batchSizePerWorker}), weighted, plus L2, averaged over rows.
     */
    public double score(JavaRDD<MultiDataSet> data) {
        return sparkNet.calculateScoreMultiDataSet(data, true, settings.batchSizePerWorker());
    }

    /** The current (driver-side) graph. */
    public ComputationGraph network() {
        return sparkNet.getNetwork();
    }

    /** The dl4j-spark wrapper, for its other functions (evaluation, scoring single examples). */
    public SparkComputationGraph sparkNetwork() {
        return sparkNet;
    }

    /** The Spark context. */
    public JavaSparkContext context() {
        return sc;
    }

    private static final class NotEqual implements Function<String, Boolean> {
        private static final long serialVersionUID = 1L;
        private final String line;

        NotEqual(String line) {
            this.line = line;
        }

        @Override
        public Boolean call(String s) {
            return !s.equals(line);
        }
    }

    private static final class NotBlank implements Function<String, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean call(String s) {
            return !s.isBlank();
        }
    }
}
