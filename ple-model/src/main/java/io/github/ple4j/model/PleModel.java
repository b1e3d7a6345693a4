package io.github.ple4j.model;

import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.GateUsage;
import io.github.ple4j.model.eval.GateUtilisation;
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
import io.github.ple4j.model.onnx.OnnxExport;
import io.github.ple4j.model.onnx.OnnxOptions;
import io.github.ple4j.model.train.FitLoop;
import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.train.FitState;
import io.github.ple4j.model.train.Trainer;
import io.github.ple4j.model.train.TrainingListener;
import io.github.ple4j.model.train.TrainingResult;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PLE-family multi-task model (Tang et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task
 * Learning Model for Personalized Recommendations", RecSys 2020): build it from a {@link PleConfig}, train it
 * on MultiDataSets laid out as {@link GraphSignature} describes, predict, evaluate, save and load.
 *
 * <pre>{@code
 * PleConfig config = Presets.paddleCensus(2, 499);
 * try (PleModel model = PleModel.create(config)) {
 *     model.fit(train, valid, new ProgressListener(System.out));
 *     Predictions p = model.predict(features);
 *     model.save(Path.of("census.ple"));
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

    private static volatile boolean gpusChecked;

    /**
     * Builds a fresh model with parameters initialised from the config's seed.
     *
     * @throws IllegalStateException on the CUDA backend, when a GPU cannot run the natives ({@link CudaSupport}):
     *                               refused here, in one line, rather than at its first kernel launch
     */
    public static PleModel create(PleConfig config) {
        if (!gpusChecked) {
            CudaSupport.requireSupportedGpus();
            gpusChecked = true;
        }
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

    /**
     * The underlying SameDiff graph, for inspection (its variables, ops and shapes). Training and prediction run
     * it with the library's own {@link io.github.ple4j.model.exec.ExecutionPlan}, not with SameDiff's session, so
     * SameDiff listeners attached to it are not called.
     */
    public SameDiff sameDiff() {
        open();
        return graph.sameDiff();
    }

    /**
     * Trains until {@code training.epochs} epochs are complete in total (a loaded model continues from the epoch
     * it was saved at); the same as {@link #fit(MultiDataSetIterator, MultiDataSetIterator, FitOptions)} with
     * these listeners and nothing else.
     *
     * @param train     training batches
     * @param valid     validation batches, or null (required by early stopping)
     * @param listeners progress and other callbacks
     * @throws IllegalStateException when the model has already trained all configured epochs
     */
    public TrainingResult fit(MultiDataSetIterator train, MultiDataSetIterator valid, TrainingListener... listeners) {
        return fit(train, valid, FitOptions.of(Arrays.asList(listeners)));
    }

    /**
     * Trains with options: checkpoints every N steps or epochs (atomic files, the newest K kept), resuming from a
     * checkpoint mid-epoch, a stop request, another number of epochs. The loop is {@link FitLoop}.
     *
     * <pre>{@code
     * try (CheckpointDirectory ck = CheckpointDirectory.open(dir, 3)) {
     *     Optional<CheckpointDirectory.Checkpoint> last = ck.latest(System.err::println);
     *     try (PleModel m = last.map(CheckpointDirectory.Checkpoint::model).orElseGet(() -> PleModel.create(config))) {
     *         m.fit(train, valid, FitOptions.builder().checkpoints(ck).checkpointEverySteps(1000)
     *                 .resume(last.isPresent()).build());
     *     }
     * }
     * }</pre>
     *
     * @throws IllegalStateException when the model has already trained the epochs asked for, or {@code resume} is
     *                               set but the model has no saved fit state
     */
    public TrainingResult fit(MultiDataSetIterator train, MultiDataSetIterator valid, FitOptions options) {
        open();
        Trainer t = trainer();
        FitState state;
        if (options.resume()) {
            state = fitState().orElseThrow(() -> new IllegalStateException("FitOptions.resume is set but the model "
                    + "has no saved fit state (load it from a checkpoint written by fit)"));
        } else {
            state = FitState.start(t.epoch(), t.step());
            int total = options.epochs() != null ? options.epochs() : config().training().epochs();
            if (t.epoch() >= total) {
                throw new IllegalStateException("the model has already trained " + t.epoch() + " epoch(s) and "
                        + (options.epochs() != null ? "FitOptions.epochs" : "training.epochs") + " is " + total
                        + "; ask for more with FitOptions.builder().epochs(n)");
            }
        }
        return new FitLoop(this, t, it -> predictor.evaluate(it, t.epoch(), t.step()), options, valid != null)
                .run(train, valid, state);
    }

    /**
     * One optimisation step on one batch, for callers that run their own loop (it does not count epochs);
     * returns the batch's total loss before the update. Throws
     * {@link io.github.ple4j.model.train.NonFiniteLossException} before changing any parameter when the loss or a
     * gradient is not finite.
     */
    public double fitBatch(MultiDataSet batch) {
        open();
        return trainer().step(batch, 0).loss();
    }

    /**
     * The sparse embedding tables' optimiser state (lazy Adam's moments, row-wise AdaGrad's accumulators): the live
     * arrays by name ("embedding/item/m"); empty without sparse tables or before training.
     */
    public Map<String, INDArray> tableState() {
        open();
        return trainer == null ? Map.of() : trainer.tableState();
    }

    /** The fit state saved with the model by {@link #fit} (a checkpoint's position in its run), if any. */
    public Optional<FitState> fitState() {
        return attachment(FitState.ATTACHMENT).map(FitState::fromJson);
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

    /**
     * How much every gate uses each of its experts over a whole data set (reset first): per gate, the mean and
     * standard deviation over samples of its softmax weight per expert (the paper's Fig. 8).
     *
     * @return one entry per gate; empty for models without gates (single-task, shared-bottom)
     */
    public List<GateUsage> gateUsage(MultiDataSetIterator data) {
        open();
        if (gates().isEmpty()) {
            return List.of();
        }
        GateUtilisation u = new GateUtilisation(gates());
        if (data.resetSupported()) {
            data.reset();
        }
        while (data.hasNext()) {
            u.add(gateWeights(data.next().getFeatures()));
        }
        return u.result();
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

    /** The names of the trainable parameters (embedding tables included), as {@link #parameters()} keys them. */
    public List<String> parameterNames() {
        return graph.parameterNames();
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

    /** Saves the model with its optimiser state (so training resumes exactly) as one versioned bundle, atomically. */
    public void save(Path file) throws IOException {
        save(file, SaveOptions.forResuming());
    }

    /**
     * Saves the model as one versioned bundle file, atomically. The epoch and step counters are always stored.
     *
     * @param options whether to store the optimiser state ({@link SaveOptions#forResuming()},
     *                {@link SaveOptions#parametersOnly()})
     */
    public void save(Path file, SaveOptions options) throws IOException {
        open();
        Map<String, INDArray> updater = options.optimizerState() && trainer != null ? trainer.updaterState() : Map.of();
        // The live arrays, streamed to the file: a large table is written without a second copy.
        ModelBundle.write(file, new BundleContents(config(), parameterArrays(), updater, epochsTrained(),
                trainer == null ? 0 : trainer.step(), trainer == null ? 0 : trainer.optimizerStep(), attachments));
    }

    /**
     * Writes the inference graph as an ONNX model for serving outside the JVM (ONNX Runtime, Triton): inputs named as
     * {@link GraphSignature#featureInputs()}, one output per task, optionally the fused score; embedding lookups as
     * {@code Gather}; the config and the attached documents (the fitted preprocessing) as metadata. See
     * {@link OnnxExport} for the format.
     */
    public OnnxExport.Written exportOnnx(Path file, OnnxOptions options) throws IOException {
        open();
        Map<String, String> docs = new LinkedHashMap<>(attachments);
        docs.remove(FitState.ATTACHMENT);
        return OnnxExport.write(config(), parameterArrays(), docs, file, options);
    }

    /** The parameters' own arrays (not copies), by name. */
    Map<String, INDArray> parameterArrays() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String p : graph.parameterNames()) {
            m.put(p, graph.sameDiff().getArrForVarName(p));
        }
        return m;
    }

    /**
     * Replaces this model's parameters with those of a bundle of the same config (counters, optimiser state and
     * attachments stay as they are): how a fit restores its best epoch from a checkpoint directory.
     *
     * @throws UncheckedIOException     when the file cannot be read
     * @throws IllegalArgumentException when the bundle's parameters do not match this model's
     */
    public void restoreParameters(Path file) {
        open();
        try (ModelBundle.Reader r = ModelBundle.open(file)) {
            ModelFiles.checkParameters(this, r, file);
            r.verify();   // every entry's CRC first, so a corrupt file changes nothing
            r.arrays(r.manifest().parameters(), (name, shape) -> graph.sameDiff().getArrForVarName(name));
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a bundle. The model is built from the bundle's config and every parameter is checked (name and
     * shape) before the model is returned, so a bad file never yields a half-loaded model. Arrays are streamed
     * from the file into the model's own (a large table is read without a second copy).
     *
     * @throws MalformedModelException when the file is not a valid bundle for this library
     */
    public static PleModel load(Path file) throws IOException {
        try (ModelBundle.Reader r = ModelBundle.open(file)) {
            PleModel model = create(r.config());
            try {
                Trainer t = ModelFiles.restore(model, r, file);
                model.attachments.putAll(r.attachments());
                if (t != null) {
                    model.trainer = t;
                }
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    PleGraph graph() {
        return graph;
    }

    Feeds feeds() {
        return feeds;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }

    /**
     * Starts timing every op of the training step ({@link #fit}, {@link #fitBatch}) and of {@link #predict}; each
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
