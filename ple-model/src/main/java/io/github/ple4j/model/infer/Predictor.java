package io.github.ple4j.model.infer;

import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.TaskMetrics;
import io.github.ple4j.model.exec.ExecutionPlan;
import io.github.ple4j.model.exec.NativeArrays;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GateInfo;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.exec.NativeMemory;
import io.github.ple4j.model.graph.PleGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward passes: predictions, gate weights and evaluation, each run by an {@link ExecutionPlan} over the
 * model's SameDiff graph (created on first use, its buffers reused by later calls). Every method is
 * {@code synchronized} on this predictor, so one model may be shared by threads; calls run one at a time.
 */
public final class Predictor implements AutoCloseable {
    private final PleGraph graph;
    private final Feeds feeds;
    private final PleConfig config;
    private ExecutionPlan predictPlan;
    private ExecutionPlan gatePlan;
    private ExecutionPlan evaluatePlan;
    private boolean closed;
    private boolean profiling;

    public Predictor(PleGraph graph, Feeds feeds) {
        this.graph = graph;
        this.feeds = feeds;
        this.config = graph.config();
    }

    /** Per-task predictions for the feature arrays (in {@link GraphSignature#featureInputs()} order). */
    public synchronized Predictions predict(INDArray... features) {
        if (predictPlan == null) {
            predictPlan = plan(graph.signature().predictionOutputs());
        }
        Map<String, INDArray> out = predictPlan.run(feeds.features(features));
        Map<String, INDArray> byTask = new LinkedHashMap<>();
        for (String t : graph.signature().tasks()) {
            byTask.put(t, out.get(GraphSignature.prediction(t)).dup());
        }
        NativeMemory.afterPass();
        return new Predictions(byTask);
    }

    /**
     * Gate weights for the feature arrays: output name ({@link GraphSignature#taskGate},
     * {@link GraphSignature#sharedGate}) to [B, experts]; see {@link PleGraph#gates()} for the expert order.
     */
    public synchronized Map<String, INDArray> gateWeights(INDArray... features) {
        List<String> names = graph.gates().stream().map(GateInfo::output).toList();
        Map<String, INDArray> result = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return result;
        }
        if (gatePlan == null) {
            gatePlan = plan(names);
        }
        Map<String, INDArray> out = gatePlan.run(feeds.features(features));
        names.forEach(n -> result.put(n, out.get(n).dup()));
        NativeMemory.afterPass();
        return result;
    }

    /**
     * Metrics and masked losses over a whole iterator (from its current position; reset it first). Task
     * losses are averaged over the labelled samples of the data set; the total weights them with the
     * current static or decayed task weights.
     */
    public synchronized EvaluationReport evaluate(MultiDataSetIterator data, int epoch, long step) {
        List<TaskSpec> tasks = config.tasks();
        List<List<double[]>> preds = new ArrayList<>();
        List<List<double[]>> labels = new ArrayList<>();
        List<List<double[]>> masks = new ArrayList<>();
        double[] lossSum = new double[tasks.size()];
        double[] countSum = new double[tasks.size()];
        tasks.forEach(t -> {
            preds.add(new ArrayList<>());
            labels.add(new ArrayList<>());
            masks.add(new ArrayList<>());
        });
        double[] weights = config.taskWeightsAt(epoch, step);
        if (evaluatePlan == null) {
            List<String> outputs = new ArrayList<>(graph.signature().predictionOutputs());
            outputs.addAll(graph.signature().taskLossOutputs());
            evaluatePlan = plan(outputs);
        }
        while (data.hasNext()) {
            MultiDataSet mds = data.next();
            Map<String, INDArray> ph = feeds.batch(mds, weights);
            Map<String, INDArray> out = evaluatePlan.run(ph);
            for (int k = 0; k < tasks.size(); k++) {
                String t = tasks.get(k).name();
                double[] m = NativeArrays.doubles(ph.get(GraphSignature.mask(t)));
                double n = 0;
                for (double v : m) {
                    n += v;
                }
                lossSum[k] += out.get(GraphSignature.taskLoss(t)).getDouble(0) * n;
                countSum[k] += n;
                preds.get(k).add(NativeArrays.doubles(out.get(GraphSignature.prediction(t))));
                labels.get(k).add(NativeArrays.doubles(ph.get(GraphSignature.label(t))));
                masks.get(k).add(m);
            }
            NativeMemory.afterPass();
        }
        Map<String, TaskMetrics> metrics = new LinkedHashMap<>();
        Map<String, Double> taskLoss = new LinkedHashMap<>();
        double total = 0;
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            double[] p = concat(preds.get(k));
            double[] y = concat(labels.get(k));
            double[] m = concat(masks.get(k));
            metrics.put(t.name(), t.type() == TaskType.BINARY ? TaskMetrics.binary(t.name(), p, y, m)
                    : TaskMetrics.regression(t.name(), p, y, m));
            double l = countSum[k] > 0 ? lossSum[k] / countSum[k] : Double.NaN;
            taskLoss.put(t.name(), l);
            if (countSum[k] > 0) {
                total += weights[k] * l;
            }
        }
        return new EvaluationReport(metrics, taskLoss, total);
    }

    private static double[] concat(List<double[]> parts) {
        int n = parts.stream().mapToInt(a -> a.length).sum();
        double[] r = new double[n];
        int i = 0;
        for (double[] a : parts) {
            System.arraycopy(a, 0, r, i, a.length);
            i += a.length;
        }
        return r;
    }

    private ExecutionPlan plan(List<String> outputs) {
        if (closed) {
            throw new IllegalStateException("the predictor is closed");
        }
        ExecutionPlan p = new ExecutionPlan(graph.sameDiff(), graph.sameDiff(), outputs, graph.fusedOps());
        if (profiling) {
            p.startProfiling();
        }
        return p;
    }

    /** Elements of the largest buffer of the prediction pass ({@link ExecutionPlan#largestBuffer()}), 0 before it ran. */
    public synchronized long largestBuffer() {
        return predictPlan == null ? 0 : predictPlan.largestBuffer();
    }

    /** Starts timing every op of {@link #predict} ({@link ExecutionPlan#startProfiling()}). */
    public synchronized void startProfiling() {
        profiling = true;
        if (predictPlan != null) {
            predictPlan.startProfiling();
        }
    }

    /** Time per op kind of {@link #predict} since {@link #startProfiling()} ({@link ExecutionPlan#profile()}). */
    public synchronized Map<String, long[]> profile() {
        return predictPlan == null ? Map.of() : predictPlan.profile();
    }

    /** Frees the buffers of the forward passes. */
    @Override
    public synchronized void close() {
        closed = true;
        for (ExecutionPlan p : new ExecutionPlan[]{predictPlan, gatePlan, evaluatePlan}) {
            if (p != null) {
                p.close();
            }
        }
        predictPlan = null;
        gatePlan = null;
        evaluatePlan = null;
    }
}
