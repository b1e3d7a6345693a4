package io.github.ple4j.model.train;

import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.exec.ExecutionPlan;
import io.github.ple4j.model.exec.FlatKernels;
import io.github.ple4j.model.exec.GradientFunction;
import io.github.ple4j.model.exec.NativeMemory;
import io.github.ple4j.model.graph.DropoutSite;
import io.github.ple4j.model.graph.EmbeddingLookup;
import io.github.ple4j.model.graph.FlatParameters;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.PleGraph;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimisation step at a time: a forward/backward pass of the SameDiff graph's gradient function per batch
 * (run by an {@link ExecutionPlan}, which gives the same numbers as {@link SameDiff#calculateGradientsAndOutputs}
 * several times faster and with buffers reused between steps), then one ND4J updater op over all parameters.
 * Owning the step (rather than calling {@code SameDiff.fit}) gives per-task losses every step, non-finite checks
 * before any parameter changes, per-step loss weights (Eq. 10), dropout masks, and updater state that can be
 * saved and restored exactly. The epoch loop around it is {@link FitLoop}. Not thread-safe; owned by
 * {@link io.github.ple4j.model.PleModel}.
 */
public final class Trainer implements AutoCloseable {
    private final PleGraph graph;
    private final Feeds feeds;
    private final SameDiff sd;
    private final PleConfig config;
    private final List<String> params;
    private final FlatParameters flat;
    /** Gradients of all parameters, in the layout of {@link FlatParameters}; the updater turns it into the update. */
    private final INDArray gradient;
    private final INDArray gradientRow;
    private final GradientUpdater updater;
    /** System property: {@code false} steps Adam with ND4J's updater op instead of {@link FlatKernels#adamStep}. */
    public static final String FUSED_ADAM_PROPERTY = "ple4j.train.fusedAdam";
    /** The Adam config when {@link FlatKernels#adamStep} does the step (the dense optimiser is Adam), else null. */
    private final Adam adam;
    /** The updater's state over all parameters: k vectors of the parameter layout, one after another. */
    private final INDArray updaterView;
    private final int stateVectors;
    private final List<String> withoutGradient = new ArrayList<>();
    private final Random dropoutRng;
    private final List<String> lossOutputs;
    private final Map<String, String> gradientNames = new LinkedHashMap<>();
    private final ExecutionPlan plan;
    /** The embedding tables of a gather-lookup graph, or null. */
    private final TableTraining tables;
    private int epoch;
    private long step;
    private long optimizerStep;

    public Trainer(PleGraph graph, Feeds feeds) {
        checkTrainable(graph.config());
        this.graph = graph;
        this.feeds = feeds;
        this.sd = graph.sameDiff();
        this.config = graph.config();
        this.params = graph.parameters().names();
        this.flat = graph.parameters();
        IUpdater conf = config.training().optimizer().toUpdater();
        DataType dt = config.dataType().nd4j();
        long total = flat.length();
        // One updater over all parameters: ND4J's updaters are element-wise, so this computes exactly what one
        // updater per parameter would, in one op instead of one per parameter.
        long stateSize = conf.stateSize(total);
        if (stateSize % Math.max(total, 1) != 0) {
            throw new IllegalStateException("optimiser " + conf + " keeps " + stateSize + " state values for "
                    + total + " parameters; expected a multiple");
        }
        this.stateVectors = (int) (stateSize / Math.max(total, 1));
        this.updaterView = stateSize == 0 ? null : Nd4j.zeros(dt, 1, stateSize);
        this.updater = conf.instantiate(updaterView, true);
        this.gradient = flat.newVector();
        this.gradientRow = gradient.reshape(1, gradient.length());
        this.adam = conf instanceof Adam a && !"false".equals(System.getProperty(FUSED_ADAM_PROPERTY))
                && FlatKernels.adamApplies(flat.buffer(), gradient, updaterView) ? a : null;
        if (gradientRow.data().addressPointer().address() != gradient.data().addressPointer().address()) {
            throw new IllegalStateException("the gradient row is not a view of the gradient vector");
        }
        this.dropoutRng = Nd4j.getRandomFactory().getNewRandomInstance(config.seed() ^ 0x5DEECE66DL);
        List<String> outs = new ArrayList<>();
        outs.add(GraphSignature.TOTAL_LOSS);
        outs.addAll(graph.signature().taskLossOutputs());
        this.lossOutputs = List.copyOf(outs);
        GradientFunction.create(sd);
        boolean gather = graph.lookup() == EmbeddingLookup.GATHER && !config.inputs().categorical().isEmpty();
        this.tables = gather ? new TableTraining(graph) : null;
        List<String> tableNames = tables == null ? List.of() : tables.tables();
        List<String> requested = new ArrayList<>(lossOutputs);
        for (String p : params) {
            SDVariable g = sd.getVariable(p).getGradient();
            // A gathered table's gradient comes from its lookups (TableTraining), not from the graph.
            if (g != null && !tableNames.contains(p)) {
                gradientNames.put(p, g.name());
                requested.add(g.name());
            }
        }
        if (tables != null) {
            requested.addAll(tables.requiredOutputs());
        }
        this.plan = new ExecutionPlan(sd.getFunction("grad"), sd, requested, graph.fusedOps());
        for (String p : params) {
            if (gradientNames.containsKey(p)) {
                plan.bindOutput(gradientNames.get(p), flat.view(gradient, p));
            } else if (!tableNames.contains(p)) {
                withoutGradient.add(p);
            }
        }
    }

    /**
     * 16-bit training fails on ND4J 1.0.0-M2.1's CPU backend (measured: HALF gives a NaN loss at the second
     * Adam step, BFLOAT16 fails in relu backprop with "Data types validation failed"), so it is refused there
     * with a clear message instead of failing mid-training. Inference in 16 bits works on the CPU.
     */
    static void checkTrainable(PleConfig config) {
        boolean sixteen = config.dataType() == io.github.ple4j.model.config.ModelDataType.HALF
                || config.dataType() == io.github.ple4j.model.config.ModelDataType.BFLOAT16;
        if (sixteen && Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu")) {
            throw new IllegalStateException("training with dataType " + config.dataType() + " is not supported on ND4J's "
                    + "CPU backend (1.0.0-M2.1); train with FLOAT (inference in " + config.dataType() + " works)");
        }
    }

    /** Epochs completed so far. */
    public int epoch() {
        return epoch;
    }

    /** Optimisation steps done so far. */
    public long step() {
        return step;
    }

    /** Steps the optimiser state has seen (its bias-correction counter); equals {@link #step()} unless the
     * model was loaded without optimiser state. */
    public long optimizerStep() {
        return optimizerStep;
    }

    /** Restores the counters (when resuming from a bundle). */
    public void setCounters(int epoch, long step, long optimizerStep) {
        this.epoch = epoch;
        this.step = step;
        this.optimizerStep = optimizerStep;
    }

    /**
     * The optimiser state, by name. For each parameter of the dense optimiser a copy, a row [1, k * n] holding its
     * n values of each of the updater's k state vectors in turn (Adam: m, then v), the layout of one ND4J updater
     * per parameter (none for stateless updaters such as SGD). Then the state of every sparse table, named
     * "table/state" ("embedding/user/m"), as the live arrays (not copies: they may be as large as the tables).
     */
    public Map<String, INDArray> updaterState() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        if (tables != null) {
            m.putAll(tables.state());
        }
        if (updaterView == null) {
            return m;
        }
        for (String p : params) {
            long[] r = flat.range(p);
            INDArray row = Nd4j.create(updaterView.dataType(), 1, stateVectors * r[1]);
            for (int k = 0; k < stateVectors; k++) {
                row.get(NDArrayIndex.point(0), NDArrayIndex.interval(k * r[1], (k + 1) * r[1]))
                        .assign(stateSlice(k, r));
            }
            m.put(p, row);
        }
        return m;
    }

    /** The sparse tables' optimiser state: the live arrays, by state name ("embedding/user/m"); empty without. */
    public Map<String, INDArray> tableState() {
        return tables == null ? Map.of() : tables.state();
    }

    /**
     * Restores optimiser state in the layout of {@link #updaterState()}.
     *
     * @throws IllegalArgumentException naming a parameter that is unknown or whose state has the wrong length
     */
    public void restoreUpdaterState(Map<String, INDArray> state) {
        Map<String, INDArray> tableState = tables == null ? Map.of() : tables.state();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            INDArray live = tableState.get(e.getKey());
            if (live != null) {
                if (!java.util.Arrays.equals(live.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("optimiser state '" + e.getKey() + "' has shape "
                            + java.util.Arrays.toString(e.getValue().shape()) + " but "
                            + java.util.Arrays.toString(live.shape()) + " is expected");
                }
                continue;
            }
            if (!params.contains(e.getKey()) || updaterView == null) {
                throw new IllegalArgumentException("no optimiser state is kept for '" + e.getKey() + "'");
            }
            long[] r = flat.range(e.getKey());
            if (e.getValue().length() != stateVectors * r[1]) {
                throw new IllegalArgumentException("optimiser state of '" + e.getKey() + "' has " + e.getValue().length()
                        + " values but " + stateVectors * r[1] + " are expected");
            }
        }
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            INDArray live = tableState.get(e.getKey());
            if (live != null) {
                if (live != e.getValue()) {
                    live.assign(e.getValue());
                }
                continue;
            }
            long[] r = flat.range(e.getKey());
            INDArray values = e.getValue().reshape(e.getValue().length());
            for (int k = 0; k < stateVectors; k++) {
                stateSlice(k, r).assign(values.get(NDArrayIndex.interval(k * r[1], (k + 1) * r[1])));
            }
        }
    }

    /** State vector k's values for the parameter at range r (offset, length): a view. */
    private INDArray stateSlice(int k, long[] r) {
        long start = (long) k * flat.length() + r[0];
        return updaterView.get(NDArrayIndex.point(0), NDArrayIndex.interval(start, start + r[1]));
    }

    /**
     * One optimisation step on a batch. Throws {@link NonFiniteLossException} before changing any
     * parameter when the loss or a gradient is not finite.
     */
    public StepInfo step(MultiDataSet batch, int batchInEpoch) {
        Pass pass = forwardBackward(batch, batchInEpoch);
        if (adam != null) {
            // ND4J's Adam op and the subtraction of its update, in one pass (FlatKernels).
            FlatKernels.adamStep(flat.buffer(), gradient, updaterView, adam.getLearningRate((int) optimizerStep, epoch),
                    adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(), optimizerStep);
        } else {
            updater.applyUpdater(gradientRow, (int) optimizerStep, epoch);
            flat.buffer().subi(gradient);
        }
        if (tables != null && tables.sparse()) {
            tables.updateSparse(optimizerStep);
        }
        pass.release();
        NativeMemory.afterPass();
        StepInfo info = new StepInfo(epoch, step, batchInEpoch, pass.batchSize(), pass.loss(), pass.taskLoss());
        step++;
        optimizerStep++;
        return info;
    }

    /**
     * The gradient of the total loss on a batch with respect to every parameter, tables included (a sparse table's
     * as the dense [V, D] scatter of its rows), without changing anything: what the next {@link #step} would
     * apply. Dropout masks are those the next step would draw. For tests and debugging; copies.
     */
    public Map<String, INDArray> gradients(MultiDataSet batch) {
        Pass pass = forwardBackward(batch, 0);
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String p : params) {
            m.put(p, flat.view(gradient, p).dup());
        }
        if (tables != null && tables.sparse()) {
            m.putAll(tables.denseGradients());
        }
        pass.release();
        return m;
    }

    /** A forward and backward pass: its losses, and the dropout masks it fed (freed by {@link #release()}). */
    private record Pass(double loss, Map<String, Double> taskLoss, long batchSize, List<INDArray> masks) {
        void release() {
            masks.forEach(INDArray::close);
        }
    }

    /**
     * Runs the training pass: the dense gradients land in the flat gradient vector, the tables' in their row
     * gradients. Throws {@link NonFiniteLossException} when the loss or a gradient is not finite.
     */
    private Pass forwardBackward(MultiDataSet batch, int batchInEpoch) {
        double[] weights = config.taskWeightsAt(epoch, step);
        Map<String, INDArray> ph = feeds.batch(batch, weights);
        long batchSize = batch.getFeatures(0).size(0);
        double keep = 1.0 - config.dropout();
        if (!graph.dropoutSites().isEmpty()) {
            // Seeded by (seed, step): a resumed run draws the same masks as an uninterrupted one.
            dropoutRng.setSeed(config.seed() * 0x9E3779B97F4A7C15L + step);
        }
        List<INDArray> masks = new ArrayList<>();
        for (DropoutSite s : graph.dropoutSites()) {
            INDArray m = Nd4j.createUninitialized(config.dataType().nd4j(), s.shapeFor(batchSize));
            Nd4j.getExecutioner().exec(new BernoulliDistribution(m, keep), dropoutRng);
            ph.put(s.placeholder(), m.divi(keep));
            masks.add(m);
        }
        Map<String, INDArray> outs = plan.run(ph);
        double loss = outs.get(GraphSignature.TOTAL_LOSS).getDouble(0);
        Map<String, Double> taskLoss = new LinkedHashMap<>();
        for (String t : graph.signature().tasks()) {
            taskLoss.put(t, outs.get(GraphSignature.taskLoss(t)).getDouble(0));
        }
        Pass pass = new Pass(loss, taskLoss, batchSize, masks);
        if (!Double.isFinite(loss)) {
            pass.release();
            throw new NonFiniteLossException("non-finite loss " + loss + " at epoch " + epoch + ", step " + step
                    + "; task losses " + taskLoss + "; parameters were not updated", epoch, step, batchInEpoch, taskLoss, null);
        }
        for (String p : withoutGradient) {
            flat.view(gradient, p).assign(0);
        }
        String bad = null;
        if (tables != null) {
            tables.collect(outs, ph);
            if (!tables.sparse()) {
                tables.scatterDense(flat, gradient);
            } else {
                bad = tables.nonFinite();
            }
        }
        // The gradients are already in the flat vector (the plan writes them there): one check, one updater
        // op, one subtraction for all parameters.
        if (bad == null && !FlatKernels.allFinite(gradient)) {
            bad = params.stream().filter(p -> !Double.isFinite(flat.view(gradient, p).sumNumber().doubleValue()))
                    .findFirst().orElse("?");
        }
        if (bad != null) {
            pass.release();
            throw new NonFiniteLossException("non-finite gradient of parameter '" + bad + "' at epoch " + epoch
                    + ", step " + step + " (loss " + loss + ", task losses " + taskLoss + "); parameters were not updated",
                    epoch, step, batchInEpoch, taskLoss, bad);
        }
        return pass;
    }

    /** Counts the current epoch as complete: the epoch counter (saved in bundles, read by Eq. 10) moves on. */
    public void completeEpoch() {
        epoch++;
    }

    /** Copies of every parameter, tables included, by name (for restoring the best epoch). */
    public Map<String, INDArray> snapshotParameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String p : graph.parameterNames()) {
            m.put(p, sd.getVariable(p).getArr().dup());
        }
        return m;
    }

    /** Puts back parameters taken by {@link #snapshotParameters()}. */
    public void restoreParameters(Map<String, INDArray> snapshot) {
        snapshot.forEach((n, a) -> sd.getVariable(n).getArr().assign(a));
    }

    /** Elements of the largest buffer of the training pass ({@link ExecutionPlan#largestBuffer()}). */
    public long largestBuffer() {
        return plan.largestBuffer();
    }

    /** Starts timing every op of the training pass ({@link ExecutionPlan#startProfiling()}). */
    public void startProfiling() {
        plan.startProfiling();
    }

    /** Time per op kind of the training pass since {@link #startProfiling()} ({@link ExecutionPlan#profile()}). */
    public Map<String, long[]> profile() {
        return plan.profile();
    }

    /** Frees the buffers of the training pass. */
    @Override
    public void close() {
        plan.close();
        if (tables != null) {
            tables.close();
        }
        gradient.close();
        if (updaterView != null) {
            updaterView.close();
        }
    }
}
