package io.github.ple4j.model.infer;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-task predictions for a batch: probabilities for BINARY tasks, values for REGRESSION tasks, each
 * [B, 1]. The arrays are detached copies owned by the caller.
 *
 * @param byTask task name to predictions, in task order
 */
public record Predictions(Map<String, INDArray> byTask) {
    public Predictions {
        byTask = Collections.unmodifiableMap(new LinkedHashMap<>(byTask));
    }

    /** Predictions of one task, [B, 1]. */
    public INDArray task(String name) {
        INDArray a = byTask.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no task named '" + name + "'; the tasks are " + byTask.keySet());
        }
        return a;
    }

    /** Predictions of one task as a Java array. */
    public double[] asDoubles(String name) {
        return task(name).toDoubleVector();
    }

    /** Task names in order. */
    public List<String> tasks() {
        return List.copyOf(byTask.keySet());
    }
}
