package io.github.ple4j.model;

import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.graph.Feeds;
import io.github.ple4j.model.graph.GateInfo;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.PleGraph;
import io.github.ple4j.model.graph.PleGraphBuilder;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.infer.Predictor;
import io.github.ple4j.model.io.BundleContents;
import io.github.ple4j.model.io.MalformedModelException;
import io.github.ple4j.model.io.ModelBundle;
import io.github.ple4j.model.train.StepInfo;
import io.github.ple4j.model.train.Trainer;
import io.github.ple4j.model.train.TrainingListener;
import io.github.ple4j.model.train.TrainingResult;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PLE-family multi-task model (Tang et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task
 * Learning Model for Personalized Recommendations", RecSys 2020): build it from a {@link PleConfig}, train it
 * on MultiDataSets laid out as {@link GraphSignature} describes, predict, evaluate, save and load.
 *
 * <pre>{@code
 * PleConfig config = Presets.paddleCensus(2, 499);
 * try (PleModel model = PleModel.create(config)) {
 *     model.fit(train, valid, new ProgressListener(System.out, 10, config.training().epochs()));
 *     Predictions p = model.predict(features);
 *     model.save(Path.of("census.ple"), true);
 * }
 * }</pre>
 *
 * <p>Thread safety: prediction, gate and evaluation calls are serialised on the model's predictor and may
 * come from any thread; {@code fit}, {@code save} and {@code close} must not run concurrently with anything
 * else. The model owns native memory (its SameDiff graph); close it when done.
 */
public final class PleModel implements AutoCloseable {
    static {
        // Before ND4J loads its natives (when nothing touched ND4J yet): the fastest build this CPU can run.
        NativeSelection.apply();
    }

    private final PleGraph graph;
    private final Feeds feeds;
    private final Predictor predictor;
    private Trainer trainer;
    private final Map<String, String> attachments = new LinkedHashMap<>();
    private boolean closed;

    private PleModel(PleGraph graph) {
        this.graph = graph;
        this.feeds = new Feeds(graph);
        this.predictor = new Predictor(graph, feeds);
    }

    /** Builds a fresh model with parameters initialised from the config's seed. */
    public static PleModel create(PleConfig config) {
        return new PleModel(PleGraphBuilder.build(config));
    }

    /** The config. */
    public PleConfig config() {
        return graph.config();
    }

    /** Names and MultiDataSet array order. */
    public GraphSignature signature() {
        return graph.signature();
    }

    /** The gates, for reading {@link #gateWeights}. */
    public List<GateInfo> gates() {
        return graph.gates();
    }

    /** Number of trainable scalars. */
    public long numParams() {
        return graph.numParams();
    }

    /** Epochs trained so far. */
    public int epochsTrained() {
        return trainer == null ? 0 : trainer.epoch();
    }

    /** The underlying SameDiff graph, for advanced use (listeners, inspection). */
    public SameDiff sameDiff() {
        open();
        return graph.sameDiff();
    }

    /**
     * Trains until {@code training.epochs} epochs are complete in total (a resumed model continues from
     * the epoch it was saved at).
     *
     * @param train     training batches
     * @param valid     validation batches, or null (required by early stopping)
     * @param listeners progress and other callbacks
     * @throws IllegalStateException when the model has already trained all configured epochs
     */
    public TrainingResult fit(MultiDataSetIterator train, MultiDataSetIterator valid, TrainingListener... listeners) {
        int remaining = config().training().epochs() - epochsTrained();
        if (remaining <= 0) {
            throw new IllegalStateException("the model has already trained " + epochsTrained()
                    + " epoch(s) and training.epochs is " + config().training().epochs()
                    + "; use fitEpochs(n, ...) to train more");
        }
        return fitEpochs(remaining, train, valid, listeners);
    }

    /** Trains {@code epochs} more epochs. */
    public TrainingResult fitEpochs(int epochs, MultiDataSetIterator train, MultiDataSetIterator valid,
                                    TrainingListener... listeners) {
        open();
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1 but was " + epochs);
        }
        Trainer t = trainer();
        return t.fit(epochs, train, valid, it -> predictor.evaluate(it, t.epoch(), t.step()), Arrays.asList(listeners));
    }

    /** One optimisation step on one batch; returns the batch's total loss before the update. */
    public double fitBatch(MultiDataSet batch) {
        open();
        return trainer().step(batch, 0).loss();
    }

    /**
     * One optimisation step, for callers that run their own epoch loop (to checkpoint and resume mid-epoch):
     * {@link #fitEpochs} does exactly this for every batch of an epoch, then {@link #completeEpoch()}. Throws
     * {@link io.github.ple4j.model.train.NonFiniteLossException} before changing any parameter when the loss or
     * a gradient is not finite.
     *
     * @param batch        the batch
     * @param batchInEpoch index of the batch within the current epoch (reported in the result)
     */
    public StepInfo fitStep(MultiDataSet batch, int batchInEpoch) {
        open();
        return trainer().step(batch, batchInEpoch);
    }

    /**
     * Counts the current epoch as complete, for callers that run their own loop with {@link #fitStep}: the epoch
     * counter (saved in bundles, used by dynamic loss weights and {@link #fit}) moves on by one.
     */
    public void completeEpoch() {
        open();
        Trainer t = trainer();
        t.setCounters(t.epoch() + 1, t.step(), t.optimizerStep());
    }

    /** Optimisation steps done so far (restored by {@link #load}). */
    public long stepsTrained() {
        return trainer == null ? 0 : trainer.step();
    }

    private Trainer trainer() {
        if (trainer == null) {
            trainer = new Trainer(graph, feeds);
        }
        return trainer;
    }

    /** Per-task predictions for feature arrays in {@link GraphSignature#featureInputs()} order. */
    public Predictions predict(INDArray... features) {
        open();
        return predictor.predict(features);
    }

    /** Per-task predictions for the features of a MultiDataSet. */
    public Predictions predict(MultiDataSet batch) {
        return predict(batch.getFeatures());
    }

    /** Gate weights per gate output name, [B, experts] (see {@link #gates()} for the expert order). */
    public Map<String, INDArray> gateWeights(INDArray... features) {
        open();
        return predictor.gateWeights(features);
    }

    /** Per-task metrics and losses over the whole iterator (reset first). */
    public EvaluationReport evaluate(MultiDataSetIterator data) {
        open();
        if (data.resetSupported()) {
            data.reset();
        }
        return predictor.evaluate(data, epochsTrained(), trainer == null ? 0 : trainer.step());
    }

    /**
     * Stores a named JSON document with the model; it is saved in the bundle and available after
     * {@link #load}. ple-datavec attaches its fitted preprocessing here so serving applies the same transform.
     *
     * @param name lower-case letters, digits and '-'
     */
    public void attach(String name, String json) {
        attachments.put(ModelBundle.checkAttachmentName(name), java.util.Objects.requireNonNull(json, "json"));
    }

    /** A document attached with {@link #attach}, if present. */
    public java.util.Optional<String> attachment(String name) {
        return java.util.Optional.ofNullable(attachments.get(name));
    }

    /** Copies of the parameters, by graph variable name. */
    public Map<String, INDArray> parameters() {
        open();
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String p : graph.parameterNames()) {
            m.put(p, graph.sameDiff().getVariable(p).getArr().dup());
        }
        return m;
    }

    /**
     * Saves the model as one versioned bundle file, atomically.
     *
     * @param includeUpdaterState also store the optimiser state, so training resumes exactly; the epoch and step
     *                            counters are always stored (without state, a loaded model continues counting
     *                            but its optimiser starts afresh)
     */
    public void save(Path file, boolean includeUpdaterState) throws IOException {
        open();
        Map<String, INDArray> updater = includeUpdaterState && trainer != null ? trainer.updaterState() : Map.of();
        ModelBundle.write(file, new BundleContents(config(), parameters(), updater, epochsTrained(),
                trainer == null ? 0 : trainer.step(), trainer == null ? 0 : trainer.optimizerStep(), attachments));
    }

    /**
     * Loads a bundle. The model is built from the bundle's config and every parameter is checked (name and
     * shape) before the model is returned, so a bad file never yields a half-loaded model.
     *
     * @throws MalformedModelException when the file is not a valid bundle for this library
     */
    public static PleModel load(Path file) throws IOException {
        BundleContents c = ModelBundle.read(file);
        PleModel model = create(c.config());
        try {
            model.restore(c, file);
            return model;
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private void restore(BundleContents c, Path file) throws MalformedModelException {
        List<String> names = graph.parameterNames();
        for (String n : names) {
            if (!c.parameters().containsKey(n)) {
                throw new MalformedModelException(file + ": bundle lacks parameter '" + n + "' that its config needs");
            }
        }
        for (String n : c.parameters().keySet()) {
            if (!names.contains(n)) {
                throw new MalformedModelException(file + ": bundle has parameter '" + n + "' that its config does not define");
            }
            checkShape(file, "parameter", n, graph.sameDiff().getVariable(n).getArr(), c.parameters().get(n));
        }
        Trainer t = null;
        if (!c.updaterState().isEmpty() || c.epoch() > 0 || c.step() > 0) {
            t = new Trainer(graph, feeds);
            try {
                checkUpdaterState(file, c, t.updaterState());
            } catch (MalformedModelException | RuntimeException e) {
                t.close();
                throw e;
            }
        }
        // Everything checked: now assign.
        attachments.putAll(c.attachments());
        c.parameters().forEach((n, a) -> graph.sameDiff().getVariable(n).getArr().assign(a));
        if (t != null) {
            t.restoreUpdaterState(c.updaterState());
            // Without stored optimiser state the optimiser starts afresh (its step counter from 0), while the
            // epoch and step counters (for fit() and the dynamic loss weights) continue.
            t.setCounters(c.epoch(), c.step(), c.optimizerStep());
            if (trainer != null) {
                trainer.close();
            }
            trainer = t;
        }
    }

    private static void checkUpdaterState(Path file, BundleContents c, Map<String, INDArray> live)
            throws MalformedModelException {
        for (Map.Entry<String, INDArray> e : c.updaterState().entrySet()) {
            INDArray target = live.get(e.getKey());
            if (target == null) {
                throw new MalformedModelException(file + ": bundle has optimiser state for '" + e.getKey()
                        + "' that the configured optimiser does not keep");
            }
            checkShape(file, "optimiser state of", e.getKey(), target, e.getValue());
        }
        if (!c.updaterState().isEmpty()) {
            for (String n : live.keySet()) {
                if (!c.updaterState().containsKey(n)) {
                    throw new MalformedModelException(file + ": bundle has optimiser state for some parameters "
                            + "but not for '" + n + "'");
                }
            }
        }
    }

    private static void checkShape(Path file, String what, String name, INDArray target, INDArray stored)
            throws MalformedModelException {
        if (!Arrays.equals(target.shape(), stored.shape())) {
            throw new MalformedModelException(file + ": " + what + " '" + name + "' has shape "
                    + Arrays.toString(stored.shape()) + " but the config needs " + Arrays.toString(target.shape()));
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }

    /**
     * Starts timing every op of the training step ({@link #fitBatch} and friends) and of {@link #predict}; each
     * op then costs two clock reads more. {@link #profile()} gives the totals. For finding where time goes.
     */
    public void startProfiling() {
        open();
        trainer().startProfiling();
        predictor.startProfiling();
    }

    /**
     * Time per op kind since {@link #startProfiling()}: "train" and "predict" each map an op name (marked
     * "(rewritten)" or "(view)" where the execution plan runs its own kernel) to {total nanoseconds,
     * executions}, longest first.
     */
    public Map<String, Map<String, long[]>> profile() {
        open();
        Map<String, Map<String, long[]>> m = new LinkedHashMap<>();
        m.put("train", trainer == null ? Map.of() : trainer.profile());
        m.put("predict", predictor.profile());
        return m;
    }

    /** Releases the graph's arrays. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (trainer != null) {
            trainer.close();
        }
        predictor.close();
        for (String p : graph.parameterNames()) {
            INDArray a = graph.sameDiff().getVariable(p).getArr();
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
