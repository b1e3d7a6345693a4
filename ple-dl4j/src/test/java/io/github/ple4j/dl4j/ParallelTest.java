package io.github.ple4j.dl4j;

import io.github.ple4j.model.train.InMemoryBatches;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelInference;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.inference.InferenceMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training (ParallelWrapper) and serving (ParallelInference) of the PLE graph with 2 CPU workers. */
class ParallelTest {
    @Test
    void parallelWrapperTrainsWithTwoWorkers() {
        ComputationGraph cg = PleComputationGraph.create(PleComputationGraphTest.twoBinary(0.01));
        MultiDataSet valid = Data.twoBinaryTasks(2, 500, 6, DataType.FLOAT);
        double before = cg.score(valid);
        ParallelWrapper pw = new ParallelWrapper.Builder<>(cg).workers(2).prefetchBuffer(2)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).averagingFrequency(2).averageUpdaters(true)
                .build();
        try {
            InMemoryBatches train = Data.batches(Data.twoBinaryTasks(1, 2048, 6, DataType.FLOAT), 64);
            for (int epoch = 0; epoch < 3; epoch++) {
                train.reset();
                pw.fit(train);
            }
        } finally {
            pw.shutdown();
        }
        double after = cg.score(valid);
        assertTrue(after < 0.6 * before, "loss " + before + " -> " + after);
    }

    @Test
    void parallelInferencePredictsLikeTheGraph() throws Exception {
        ComputationGraph cg = PleComputationGraph.create(PleComputationGraphTest.mixedConfig(
                io.github.ple4j.model.config.ModelDataType.FLOAT, io.github.ple4j.model.config.Activation.RELU,
                io.github.ple4j.model.config.OptimizerSpec.adam(1e-2)));
        MultiDataSet data = Data.batch(PleComputationGraph.config(cg), 3, 64, false, DataType.FLOAT);
        cg.fit(data);
        INDArray[] expected = cg.output(data.getFeatures());

        ParallelInference pi = new ParallelInference.Builder(cg).workers(2).inferenceMode(InferenceMode.BATCHED)
                .batchLimit(32).queueLimit(64).build();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<INDArray[]>> answers = new ArrayList<>();
            for (int from = 0; from < 64; from += 8) {
                org.nd4j.linalg.dataset.api.MultiDataSet rows = InMemoryBatches.rows(data, from, from + 8);
                answers.add(clients.submit(() -> pi.output(rows.getFeatures())));
            }
            for (int i = 0; i < answers.size(); i++) {
                INDArray[] got = answers.get(i).get();
                assertEquals(expected.length, got.length);
                for (int k = 0; k < got.length; k++) {
                    INDArray want = expected[k].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i * 8, i * 8 + 8),
                            org.nd4j.linalg.indexing.NDArrayIndex.all());
                    double diff = want.sub(got[k]).amaxNumber().doubleValue();
                    assertTrue(diff < 1e-6, "request " + i + " output " + k + " differs by " + diff);
                }
            }
        } finally {
            clients.shutdownNow();
            pi.shutdown();
        }
    }
}
