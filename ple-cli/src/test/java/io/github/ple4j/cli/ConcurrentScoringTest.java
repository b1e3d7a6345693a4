package io.github.ple4j.cli;

import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.PleConfig;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoring from 8 threads at once gives exactly the single-thread results (see {@link Scorer} for the contract). */
class ConcurrentScoringTest {
    static final int THREADS = 8;
    static final int BATCHES = 1000;

    @TempDir
    Path dir;

    @Test
    void eightThreadsTimesAThousandBatchesEqualOneThread() throws Exception {
        Path train = Fixtures.data(dir, "train.csv", 400, 21);
        // The standard job: a two-level PLE with dropout (which must not act when scoring), trained for two epochs.
        JobConfig job = JobJson.fromJson(Fixtures.job(2, 32, null), "job");
        List<String> columns = CsvFiles.columns(train, job.csv());
        FittedPipeline fitted = job.pipeline(columns).fit(CsvFiles.reader(train, job.csv()));
        PleConfig config = job.modelConfig(fitted);
        List<List<Writable>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(train).subList(1, 401)) {
            rows.add(Arrays.stream(line.split(",", -1)).map(v -> (Writable) new Text(v)).toList());
        }
        // Batches of 1 to 8 rows taken from the file.
        Random r = new Random(5);
        List<List<List<Writable>>> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            int from = r.nextInt(390);
            batches.add(rows.subList(from, from + 1 + r.nextInt(8)));
        }
        try (PleModel model = PleModel.create(config)) {
            Map<String, INDArray> initial = model.parameters();
            try (CloseableMultiDataSetIterator it = fitted.iterator(CsvFiles.reader(train, job.csv()), config, 32)) {
                model.fit(it, null);
            }
            assertEquals(2, model.epochsTrained());
            org.junit.jupiter.api.Assertions.assertNotEquals(initial, model.parameters(), "the model was trained");
            Scorer scorer = new Scorer(model, fitted);
            List<double[][]> expected = new ArrayList<>();
            for (List<List<Writable>> b : batches) {
                expected.add(scorer.score(b));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    List<Integer> order = new ArrayList<>();
                    for (int b = 0; b < BATCHES; b++) {
                        order.add(b);
                    }
                    Collections.shuffle(order, new Random(t));
                    done.add(pool.submit(() -> {
                        for (int b : order) {
                            double[][] got = scorer.score(batches.get(b));
                            for (int k = 0; k < got.length; k++) {
                                assertArrayEquals(expected.get(b)[k], got[k], 0.0, "batch " + b + " task " + k);
                            }
                        }
                        return order.size();
                    }));
                }
                int total = 0;
                for (Future<Integer> f : done) {
                    total += f.get(5, TimeUnit.MINUTES);
                }
                assertEquals(THREADS * BATCHES, total);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
            }
        }
    }
}
