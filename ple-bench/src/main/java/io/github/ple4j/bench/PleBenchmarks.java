package io.github.ple4j.bench;

import io.github.ple4j.model.Backend;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.infer.Predictions;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the forward pass ({@link PleModel#predict}) and of one training step
 * ({@link PleModel#fitBatch}) of the {@link BenchConfigs} models, on the same random batches as the
 * {@code throughput} command ({@link BenchData}). Scores are milliseconds per batch; samples/s =
 * batch * 1000 / score.
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * java -cp 'ple-bench/target/ple-bench.jar:ple-bench/target/lib/*' org.openjdk.jmh.Main PleBenchmarks
 * java -jar ple-bench/target/ple-bench.jar jmh -p config=large -p batch=1024 -p threads=2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Djava.awt.headless=true"})
public class PleBenchmarks {
    /** A {@link BenchConfigs} name. */
    @Param({BenchConfigs.PADDLE_CENSUS, BenchConfigs.LARGE})
    public String config;
    /** Rows per batch. */
    @Param({"256", "1024"})
    public int batch;
    /** ND4J native threads. */
    @Param({"1"})
    public int threads;

    private PleModel model;
    private List<MultiDataSet> data;
    private int next;

    /** Builds the model and draws the batches. */
    @Setup(Level.Trial)
    public void setUp() {
        Backend.setThreads(threads);
        model = PleModel.create(BenchConfigs.get(config));
        data = BenchData.batches(model.config(), batch, 4, BenchData.SEED);
    }

    /**
     * Collects garbage before every iteration (outside the measurement): ND4J frees native memory only when
     * the JVM collects the arrays' Java objects (see {@link ThroughputCommand#collectGarbage()}).
     */
    @Setup(Level.Iteration)
    public void collectGarbage() {
        ThroughputCommand.collectGarbage();
    }

    /** Releases the model. */
    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    private MultiDataSet nextBatch() {
        next = (next + 1) % data.size();
        return data.get(next);
    }

    /** Forward pass to per-task predictions. */
    @Benchmark
    public Predictions forward() {
        return model.predict(nextBatch().getFeatures());
    }

    /** One optimisation step: forward, backward, finiteness checks and Adam update. */
    @Benchmark
    public double trainStep() {
        return model.fitBatch(nextBatch());
    }
}
