package io.github.ple4j.model.graph;

import io.github.ple4j.model.TestData;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Helpers shared by the graph and loss correctness tests (data, parameter randomisation, quiet autodiff). */
public final class GraphTestSupport {
    private GraphTestSupport() {
    }

    /**
     * A random batch for a config: dense features uniform in [-1, 1], categorical ids as floating-point integers, bags
     * ({@link #bag}),
     * binary labels 0/1, regression labels uniform in [-1, 1], and (when {@code masked}) label masks with some zeros
     * (row i of task k is masked out when (i + k) % 3 == 0).
     */
    public static MultiDataSet batch(PleConfig cfg, long seed, int rows, boolean masked) {
        SplittableRandom r = new SplittableRandom(seed);
        DataType dt = DataType.DOUBLE;
        List<INDArray> features = new java.util.ArrayList<>();
        if (cfg.inputs().denseSize() > 0) {
            features.add(TestData.uniform(seed * 31 + 7, dt, 1.0, rows, cfg.inputs().denseSize()));
        }
        if (cfg.inputs().hasCategorical()) {
            List<CategoricalField> fields = cfg.inputs().singleValued();
            double[] ids = new double[rows * fields.size()];
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < fields.size(); c++) {
                    ids[i * fields.size() + c] = r.nextInt(fields.get(c).vocabularySize());
                }
            }
            features.add(Nd4j.create(ids, new long[]{rows, fields.size()}, 'c').castTo(DataType.FLOAT));
        }
        for (CategoricalField f : cfg.inputs().bags()) {
            features.add(bag(r, f, rows));
        }
        List<TaskSpec> tasks = cfg.tasks();
        INDArray[] labels = new INDArray[tasks.size()];
        INDArray[] masks = masked ? new INDArray[tasks.size()] : null;
        for (int k = 0; k < tasks.size(); k++) {
            double[] y = new double[rows];
            double[] m = new double[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = tasks.get(k).type() == TaskType.BINARY ? r.nextInt(2) : 2 * r.nextDouble() - 1;
                m[i] = (i + k) % 3 == 0 ? 0 : 1;
            }
            labels[k] = Nd4j.create(y, new long[]{rows, 1}, 'c');
            if (masked) {
                masks[k] = Nd4j.create(m, new long[]{rows, 1}, 'c');
            }
        }
        return new MultiDataSet(features.toArray(new INDArray[0]), labels, null, masks);
    }

    /**
     * Random bags of a field: row i holds i % (maxLength + 1) ids (so row 0 is an empty bag), padded with -1 to the
     * longest; ids repeat within and across rows.
     */
    public static INDArray bag(SplittableRandom r, CategoricalField f, int rows) {
        int longest = Math.max(1, Math.min(rows - 1, f.bag().maxLength()));
        long[][] ids = new long[rows][longest];
        for (int i = 0; i < rows; i++) {
            int n = Math.min(i % (f.bag().maxLength() + 1), longest);
            for (int j = 0; j < longest; j++) {
                ids[i][j] = j < n ? r.nextInt(f.vocabularySize()) : -1;
            }
        }
        return Nd4j.createFromArray(ids);
    }

    /** Sets every trainable parameter (weights, biases, log-variances) to uniform(-scale, scale) values. */
    public static void randomizeParameters(PleGraph g, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        for (String p : g.parameterNames()) {
            INDArray a = g.sameDiff().getVariable(p).getArr();
            for (long i = 0; i < a.length(); i++) {
                a.putScalar(i, (2 * r.nextDouble() - 1) * scale);
            }
        }
    }

    /** Runs the forward pass and returns detached copies of the named outputs. */
    public static Map<String, INDArray> outputs(SameDiff sd, Map<String, INDArray> ph, String... names) {
        Map<String, INDArray> out = sd.output(ph, names);
        Map<String, INDArray> copy = new LinkedHashMap<>();
        for (String n : names) {
            copy.put(n, out.get(n).dup());
        }
        return copy;
    }

    /** A scalar output. */
    public static double scalar(SameDiff sd, Map<String, INDArray> ph, String name) {
        return sd.output(ph, name).get(name).getDouble(0);
    }

    /** Analytic gradients of the graph's loss w.r.t. {@code params} (detached copies; missing ones are null). */
    public static Map<String, INDArray> gradients(SameDiff sd, Map<String, INDArray> ph, Collection<String> params) {
        ensureGradFunction(sd);
        Map<String, INDArray> g = sd.calculateGradients(ph, params);
        Map<String, INDArray> copy = new LinkedHashMap<>();
        for (String p : params) {
            INDArray a = g.get(p);
            copy.put(p, a == null ? null : a.dup());
        }
        return copy;
    }

    /** Creates the backward graph once, hiding SameDiff's per-op console lines. */
    public static void ensureGradFunction(SameDiff sd) {
        if (sd.hasGradientFunction()) {
            return;
        }
        PrintStream original = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(original);
        }
    }
}
