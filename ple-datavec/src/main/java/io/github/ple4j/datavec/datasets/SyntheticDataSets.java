package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.ArraysIterator;
import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The synthetic two-task regression data as model input. */
public final class SyntheticDataSets {
    private SyntheticDataSets() {
    }

    /**
     * Arrays keyed by placeholder name for a model with dense input of size d and two REGRESSION tasks.
     *
     * @param signature the model's signature; its first two tasks get y1 and y2
     */
    public static Map<String, INDArray> arrays(GraphSignature signature, SyntheticTasks.Sample sample, DataType dt) {
        List<String> tasks = signature.tasks();
        if (tasks.size() != 2) {
            throw new IllegalArgumentException("the synthetic data has 2 tasks but the model has " + tasks.size() + " " + tasks);
        }
        Map<String, INDArray> m = new HashMap<>();
        m.put(GraphSignature.DENSE, Nd4j.createFromArray(sample.x()).castTo(dt));
        for (int k = 0; k < 2; k++) {
            double[] y = sample.y()[k];
            m.put(GraphSignature.label(tasks.get(k)), Nd4j.create(y, new long[]{y.length, 1}, 'c').castTo(dt));
        }
        return m;
    }

    /** An iterator over a sample. */
    public static ArraysIterator iterator(GraphSignature signature, SyntheticTasks.Sample sample, int batchSize,
                                          Long shuffleSeed) {
        return new ArraysIterator(signature, arrays(signature, sample, DataType.FLOAT), batchSize, shuffleSeed);
    }
}
