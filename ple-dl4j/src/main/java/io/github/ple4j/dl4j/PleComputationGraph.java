package io.github.ple4j.dl4j;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a DL4J {@link ComputationGraph} computing a PLE model, for the DL4J tooling that only accepts
 * ComputationGraphs: {@code fit(MultiDataSetIterator)}, {@code EarlyStoppingGraphTrainer},
 * {@code ModelSerializer}, {@code ParallelWrapper}, {@code ParallelInference} and dl4j-spark.
 *
 * <p>The graph, in vertex names:
 * <pre>
 *   input/dense [B,F] --+
 *                       +-- input/merged (MergeVertex, only with both inputs) -- ple/network (PleLayer) [B,T]
 *   input/categorical --+
 *   ple/network -- ple/logit/&lt;task&gt; (SubsetVertex, column k) -- &lt;task&gt; (LossLayer, one output per task)
 * </pre>
 * Inputs and outputs follow the {@link GraphSignature}: feature arrays dense then categorical, one label
 * array and one (optional) label mask per task in task order, so the MultiDataSets that train a
 * {@code PleModel} train the graph unchanged. Output k is task k's prediction [B, 1] (probability for BINARY
 * tasks). Outputs are named by task; the other vertex names contain '/', which task names cannot.
 *
 * <p>Objective: with {@link PleTaskLoss} per output, DL4J's L2 on weights (not biases) and the config's
 * optimiser, the graph minimises exactly the SameDiff model's loss for fixed task weights. What the graph
 * does not do (rejected by {@link #checkSupported}): dropout, dynamic-decay and uncertainty loss weighting,
 * HALF/BFLOAT16 data types, bag fields, vocabularies above {@link #MAX_VOCABULARY} and sparse embedding
 * optimisers. The config's epochs and early stopping are not used: DL4J's trainers decide
 * those.
 */
public final class PleComputationGraph {
    /** Dense feature input, [B, F]. */
    public static final String DENSE_INPUT = GraphSignature.DENSE;
    /** Categorical id input, [B, C]. */
    public static final String CATEGORICAL_INPUT = GraphSignature.CATEGORICAL;
    /** Merge of the two inputs, [B, F + C] (present when both inputs are). */
    public static final String MERGED = "input/merged";
    /**
     * Largest vocabulary of a categorical field on this path: ids are looked up as one-hot [B, V] products whose
     * gradient is a dense [V, D] matrix every step (SameDiff 1.0.0-M2.1's gather has no working backprop).
     */
    public static final int MAX_VOCABULARY = 100_000;
    /** The {@link PleLayer}. */
    public static final String NETWORK = "ple/network";

    private PleComputationGraph() {
    }

    /** The vertex selecting task {@code task}'s logit column. */
    public static String logitVertex(String task) {
        return "ple/logit/" + task;
    }

    /**
     * Rejects configs the graph cannot express, with a message saying what to change.
     *
     * @throws IllegalArgumentException for dropout > 0, dynamic-decay or uncertainty weighting, HALF/BFLOAT16
     */
    public static void checkSupported(PleConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.dropout() > 0) {
            problems.add("dropout is " + config.dropout() + " (the DL4J graph has no dropout; set dropout to 0 "
                    + "or train with PleModel)");
        }
        LossWeighting w = config.training().weighting();
        if (w instanceof LossWeighting.DynamicDecay) {
            problems.add("training.weighting is dynamic-decay (DL4J output layers have fixed loss weights; use fixed "
                    + "weighting or train with PleModel)");
        } else if (w instanceof LossWeighting.Uncertainty) {
            problems.add("training.weighting is uncertainty (its learnable log-variances are not DL4J parameters; use "
                    + "fixed weighting or train with PleModel)");
        }
        if (config.dataType() != ModelDataType.FLOAT && config.dataType() != ModelDataType.DOUBLE) {
            problems.add("dataType is " + config.dataType() + " (the DL4J graph supports FLOAT and DOUBLE)");
        }
        for (CategoricalField f : config.inputs().categorical()) {
            if (f.multiValued()) {
                problems.add("categorical field '" + f.name() + "' is a bag of ids (the DL4J graph takes one id per field; "
                        + "train bag fields with PleModel)");
            } else if (f.vocabularySize() > MAX_VOCABULARY) {
                problems.add("categorical field '" + f.name() + "' has " + f.vocabularySize() + " ids, above the "
                        + MAX_VOCABULARY + " the DL4J graph allows (it looks ids up as one-hot products with dense "
                        + "gradients; PleModel looks them up sparsely)");
            }
        }
        if (config.training().embeddingOptimizer().sparse()) {
            problems.add("training.embeddingOptimizer is " + config.training().embeddingOptimizer().type() + " (DL4J's "
                    + "updaters are dense; use DENSE or train with PleModel)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("this PleConfig cannot be built as a DL4J ComputationGraph: "
                    + String.join("; ", problems));
        }
    }

    /** The graph configuration of a config (not initialised). */
    public static ComputationGraphConfiguration configuration(PleConfig config) {
        checkSupported(config);
        InputSpec in = config.inputs();
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(config.dataType().nd4j())
                .updater(config.training().optimizer().toUpdater());
        if (config.l2() > 0) {
            global.l2(config.l2());
        }
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder();
        List<String> inputs = new ArrayList<>();
        List<InputType> types = new ArrayList<>();
        if (in.denseSize() > 0) {
            inputs.add(DENSE_INPUT);
            types.add(InputType.feedForward(in.denseSize()));
        }
        if (in.hasCategorical()) {
            inputs.add(CATEGORICAL_INPUT);
            types.add(InputType.feedForward(in.singleValued().size()));
        }
        g.addInputs(inputs).setInputTypes(types.toArray(new InputType[0]));
        String networkInput = inputs.get(0);
        if (inputs.size() == 2) {
            g.addVertex(MERGED, new MergeVertex(), inputs.toArray(new String[0]));
            networkInput = MERGED;
        }
        // The layer reads the graph's features (through a merge without parameters): nothing reads its input gradient.
        g.addLayer(NETWORK, new PleLayer(config, false), networkInput);
        List<String> outputs = new ArrayList<>();
        for (int k = 0; k < config.tasks().size(); k++) {
            TaskSpec t = config.tasks().get(k);
            PleTaskLoss loss = new PleTaskLoss(t.type(), t.lossWeight());
            g.addVertex(logitVertex(t.name()), new SubsetVertex(k, k), NETWORK);
            g.addLayer(t.name(), new LossLayer.Builder().lossFunction(loss).activation(loss.activation()).build(),
                    logitVertex(t.name()));
            outputs.add(t.name());
        }
        return g.setOutputs(outputs.toArray(new String[0])).build();
    }

    /**
     * An initialised graph. Its parameters start at the values {@code PleModel.create(config)} starts with, so
     * both compute the same predictions until trained.
     */
    public static ComputationGraph create(PleConfig config) {
        ComputationGraph cg = new ComputationGraph(configuration(config));
        cg.init();
        return cg;
    }

    /** The PLE layer's config of a graph built by this class. */
    public static PleConfig config(ComputationGraph cg) {
        return pleLayer(cg).pleConfig();
    }

    /** The {@link PleLayer} configuration of a graph built by this class. */
    static PleLayer pleLayer(ComputationGraph cg) {
        org.deeplearning4j.nn.api.Layer layer = cg.getLayer(NETWORK);
        if (layer == null || !(layer.conf().getLayer() instanceof PleLayer p)) {
            throw new IllegalArgumentException("the graph has no PleLayer named '" + NETWORK
                    + "'; build it with PleComputationGraph");
        }
        return p;
    }
}
