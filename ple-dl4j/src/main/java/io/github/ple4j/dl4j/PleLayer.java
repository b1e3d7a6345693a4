package io.github.ple4j.dl4j;

import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.exec.ExpertMixture;
import io.github.ple4j.model.graph.EmbeddingLookup;
import io.github.ple4j.model.graph.NetworkInputs;
import io.github.ple4j.model.graph.PleNetwork;
import io.github.ple4j.model.graph.RecordingParams;
import io.github.ple4j.model.graph.TableParams;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.shade.jackson.annotation.JsonIgnoreProperties;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole PLE network of a {@link PleConfig} as one DL4J layer, for use inside a ComputationGraph (see
 * {@link PleComputationGraph}). The maths is not repeated here: the layer calls {@link PleNetwork#define}, the
 * same code the SameDiff model ({@code PleModel}) is built from, with parameters read from DL4J's parameter
 * table ({@link TableParams}).
 *
 * <p>Input: [B, F + C], the dense features followed by the categorical ids (as floating point), i.e. the
 * model's two feature arrays concatenated. Output: the per-task logits [B, T] in task order; the per-task
 * output layers apply the sigmoid (BINARY) or identity (REGRESSION) head, so the graph's outputs are the
 * model's predictions.
 *
 * <p>Parameters: the ones {@code PleModel} has, packed into two DL4J parameters ({@link ParamLayout}):
 * {@code W}, every weight matrix, and {@code b}, every bias and embedding table, each tensor flattened row-major in
 * creation order. {@link WeightMapping#pleParameters} gives every tensor by PLE name as a view. They are
 * initialised with exactly the values {@code PleModel.create(config)} gives, so a fresh graph and a fresh model
 * compute the same function. Inside the layer's SameDiff graph the tensors are variables named by
 * {@link ParamKeys} (the PLE name with '_' replaced by '.') holding those views.
 *
 * <p>Serialised by DL4J through JSON: the config travels as the bean property {@code configJson}; everything
 * derived from it is transient and rebuilt on demand.
 */
@JsonIgnoreProperties({"layerParams"})
public class PleLayer extends SameDiffLayer {
    private String configJson;
    private transient PleConfig config;
    private transient List<RecordingParams.Param> recorded;
    private transient ParamLayout layout;

    /** Whether the backward pass computes the gradient with respect to the layer's input (bean property). */
    private boolean inputGradient = true;

    /** For JSON deserialisation; set the config with {@link #setConfigJson}. */
    public PleLayer() {
    }

    /**
     * A layer computing the network of {@code config}.
     *
     * @throws IllegalArgumentException when the config uses something the DL4J path does not support
     *                                  ({@link PleComputationGraph#checkSupported})
     */
    public PleLayer(PleConfig config) {
        this(config, true);
    }

    /**
     * A layer computing the network of {@code config}.
     *
     * @param inputGradient whether the backward pass returns the gradient with respect to the input. Layers with
     *                      parameters before this one need it; when the input is the graph's own features (as
     *                      {@link PleComputationGraph} builds it) it is never read, and leaving it out saves a
     *                      product as large as the first expert layer's forward pass. Without it the layer returns
     *                      zeros as that gradient.
     * @throws IllegalArgumentException when the config uses something the DL4J path does not support
     *                                  ({@link PleComputationGraph#checkSupported})
     */
    public PleLayer(PleConfig config, boolean inputGradient) {
        PleComputationGraph.checkSupported(config);
        this.configJson = ConfigJson.toJson(config);
        this.config = config;
        this.inputGradient = inputGradient;
    }

    /** Whether the backward pass computes the gradient with respect to the input (DL4J bean property). */
    public boolean isInputGradient() {
        return inputGradient;
    }

    /** Sets whether the backward pass computes the gradient with respect to the input (DL4J bean property). */
    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    /** The config as JSON (DL4J bean property). */
    public String getConfigJson() {
        return configJson;
    }

    /** Sets the config from JSON (DL4J bean property). */
    public void setConfigJson(String configJson) {
        this.configJson = configJson;
        this.config = null;
        this.recorded = null;
        this.layout = null;
    }

    /** The config (parsed from {@link #getConfigJson()} on first use). */
    public PleConfig pleConfig() {
        PleConfig c = config;
        if (c == null) {
            if (configJson == null) {
                throw new IllegalStateException("PleLayer has no config: construct it with a PleConfig or set configJson");
            }
            c = ConfigJson.fromJson(configJson, "PleLayer configJson");
            config = c;
        }
        return c;
    }

    /**
     * The network's parameters with their logical names, shapes, kinds and initial values, in creation order,
     * found by defining the network once in a scratch SameDiff.
     */
    public List<RecordingParams.Param> parameterSpecs() {
        List<RecordingParams.Param> r = recorded;
        if (r == null) {
            PleConfig c = pleConfig();
            SameDiff scratch = SameDiff.create();
            InputSpec in = c.inputs();
            SDVariable dense = in.denseSize() > 0 ? scratch.placeHolder("dense", DataType.DOUBLE, -1, in.denseSize()) : null;
            SDVariable ids = in.hasCategorical()
                    ? scratch.placeHolder("ids", DataType.INT64, -1, in.categorical().size()) : null;
            RecordingParams rec = new RecordingParams(scratch, c.seed(), DataType.DOUBLE);
            PleNetwork.define(c.withDataType(ModelDataType.DOUBLE), scratch,
                    new NetworkInputs(dense, ids, null, EmbeddingLookup.ONE_HOT), rec, false);
            r = rec.params();
            recorded = r;
        }
        return r;
    }

    /** Width of the layer input: F + C. */
    public int inputWidth() {
        InputSpec in = pleConfig().inputs();
        return in.denseSize() + in.categorical().size();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType != null && inputType.getType() == InputType.Type.FF
                && ((InputType.InputTypeFeedForward) inputType).getSize() != inputWidth()) {
            throw new IllegalArgumentException("PleLayer '" + getLayerName() + "' needs an input of width "
                    + inputWidth() + " (dense features then categorical ids) but gets " + inputType);
        }
        return InputType.feedForward(pleConfig().tasks().size());
    }

    /** Where each parameter lives in the layer's DL4J parameters. */
    ParamLayout layout() {
        ParamLayout l = layout;
        if (l == null) {
            l = new ParamLayout(parameterSpecs());
            layout = l;
        }
        return l;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        ParamLayout l = layout();
        if (l.weights() > 0) {
            params.addWeightParam(ParamLayout.WEIGHTS, 1, l.weights());
        }
        if (l.others() > 0) {
            params.addBiasParam(ParamLayout.OTHERS, 1, l.others());
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Map<String, INDArray> views = layout().views(params);
        for (RecordingParams.Param p : parameterSpecs()) {
            INDArray target = views.get(p.name());
            target.assign(p.initialValue(target.dataType()));
        }
    }

    /**
     * DL4J's regularisation of a parameter of this layer (the DL4J parameter layout is recomputed from the config
     * when a graph is read back: it is not serialised).
     */
    @Override
    public List<org.nd4j.linalg.learning.regularization.Regularization> getRegularizationByParam(String paramName) {
        return getLayerParams().isWeightParam(paramName) ? getRegularization()
                : getLayerParams().isBiasParam(paramName) ? getRegularizationBias() : null;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        // As SameDiffLayer.instantiate, with the runtime class that names the layer's loss variable.
        PleLayerImpl layer = new PleLayerImpl(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public void validateInput(INDArray input) {
        if (input.rank() != 2 || input.size(1) != inputWidth()) {
            throw new IllegalArgumentException("PleLayer '" + getLayerName() + "' needs input of shape [batch, "
                    + inputWidth() + "] (dense features then categorical ids) but got " + Arrays.toString(input.shape()));
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable, SDVariable mask) {
        return define(sd, layerInput, paramTable).output();
    }

    /** The layer's output (the task logits) and the gate mixtures its execution plans compute by kernel. */
    record Defined(SDVariable output, List<ExpertMixture> mixtures) {
    }

    Defined define(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable) {
        PleConfig c = pleConfig();
        int f = c.inputs().denseSize();
        int k = c.inputs().categorical().size();
        SDVariable dense = f == 0 ? null : k == 0 ? layerInput : layerInput.get(SDIndex.all(), SDIndex.interval(0, f));
        SDVariable ids = k == 0 ? null : sd.castTo(f == 0 ? layerInput : layerInput.get(SDIndex.all(), SDIndex.interval(f, f + k)),
                DataType.INT64);
        PleNetwork.Outputs out = PleNetwork.define(c, sd, new NetworkInputs(dense, ids, null, EmbeddingLookup.ONE_HOT),
                new TableParams(paramTable, ParamKeys::toDl4j, c.seed()), false);
        List<SDVariable> logits = new ArrayList<>(out.logits().values());
        SDVariable output = logits.size() == 1 ? logits.get(0)
                : sd.concat("ple/logits", 1, logits.toArray(new SDVariable[0]));
        return new Defined(output, out.mixtures());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PleLayer other && super.equals(o) && Objects.equals(configJson, other.configJson)
                && inputGradient == other.inputGradient;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Objects.hashCode(configJson)) + Boolean.hashCode(inputGradient);
    }

    @Override
    public String toString() {
        return "PleLayer(" + getLayerName() + ", " + (configJson == null ? "no config" : pleConfig().architecture()
                + " " + pleConfig().tasks().size() + " tasks") + ")";
    }
}
