package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The one source of truth for the names of the graph's placeholders, outputs and losses, and for the order
 * of the arrays in a {@link org.nd4j.linalg.dataset.api.MultiDataSet} that feeds the model. The graph
 * builder, the trainer, the predictor and the DataVec iterators all read it.
 *
 * <p>MultiDataSet layout:
 * <ul>
 *   <li>features: {@link #featureInputs()} in order: the dense matrix [B, F] (if F > 0), then the
 *       categorical-id matrix [B, C] of the single-valued fields (if there are any; integer ids, {@code INT64} in
 *       the graph; floating-point arrays holding integers are accepted), then one [B, L] id array per bag field
 *       ({@link #bag}), each row's ids followed by -1 padding up to L, the batch's longest bag;</li>
 *   <li>labels: one [B, 1] array per task, in task order ({@link #labelInputs()});</li>
 *   <li>label masks (optional): one [B, 1] array of 0/1 per task ({@link #maskInputs()}); a missing mask
 *       array, or a null entry, means every sample has that task's label (paper Eq. 9).</li>
 * </ul>
 */
public final class GraphSignature {
    /** Dense feature placeholder, [B, F]. */
    public static final String DENSE = "input/dense";
    /** Categorical id placeholder of the single-valued fields, [B, C], INT64. */
    public static final String CATEGORICAL = "input/categorical";
    /**
     * The first level's input [B, width] of a gather-lookup graph with categorical fields: dense features and
     * embeddings concatenated, plus {@link #ANCHOR}; the trainer scatters the column blocks of its gradient into the
     * tables.
     */
    public static final String EMBEDDED_INPUT = "embedding/input";
    /** The concatenation of the input's parts (dense, single-valued fields, bags) when it has more than one. */
    public static final String INPUT_CONCAT = "input/concat";
    /** The zero, never-trained [1, width] variable added to {@link #EMBEDDED_INPUT} so the graph differentiates it. */
    public static final String ANCHOR = "embedding/anchor";
    /** Value that pads a bag field's rows after their ids. */
    public static final long BAG_PADDING = -1;
    /** Total scalar loss, the graph's loss variable. */
    public static final String TOTAL_LOSS = "loss/total";
    /** Placeholder of per-task loss weights [T] (dynamic decay weighting only). */
    public static final String LOSS_WEIGHTS = "loss/weights";
    /** Scalar L2 penalty (present when l2 > 0). */
    public static final String L2_PENALTY = "loss/l2";

    private final List<String> tasks;
    private final List<String> featureInputs;
    private final boolean lossWeightsPlaceholder;

    /** Derives the signature from a config. */
    public GraphSignature(PleConfig config) {
        this.tasks = config.tasks().stream().map(TaskSpec::name).toList();
        InputSpec in = config.inputs();
        List<String> f = new ArrayList<>();
        if (in.denseSize() > 0) {
            f.add(DENSE);
        }
        if (in.hasCategorical()) {
            f.add(CATEGORICAL);
        }
        in.bags().forEach(b -> f.add(bag(b.name())));
        this.featureInputs = List.copyOf(f);
        this.lossWeightsPlaceholder = config.training().weighting() instanceof LossWeighting.DynamicDecay;
    }

    /** Task names in label order. */
    public List<String> tasks() {
        return tasks;
    }

    /** Feature placeholders, in MultiDataSet feature-array order. */
    public List<String> featureInputs() {
        return featureInputs;
    }

    /** Label placeholders, in MultiDataSet label-array order. */
    public List<String> labelInputs() {
        return tasks.stream().map(GraphSignature::label).toList();
    }

    /** Label-mask placeholders, in MultiDataSet label-mask-array order. */
    public List<String> maskInputs() {
        return tasks.stream().map(GraphSignature::mask).toList();
    }

    /** Prediction outputs (probability or value), in task order. */
    public List<String> predictionOutputs() {
        return tasks.stream().map(GraphSignature::prediction).toList();
    }

    /** Per-task loss outputs, in task order. */
    public List<String> taskLossOutputs() {
        return tasks.stream().map(GraphSignature::taskLoss).toList();
    }

    /** Whether the graph has the {@link #LOSS_WEIGHTS} placeholder. */
    public boolean hasLossWeightsPlaceholder() {
        return lossWeightsPlaceholder;
    }

    /** Id placeholder of a bag field, [B, L], INT64, -1 after each row's ids. */
    public static String bag(String field) {
        return "input/bag/" + field;
    }


    /** The pooled embedding [B, D] of a bag field. */
    public static String pooled(String field) {
        return "embedding/bag/" + field;
    }

    /** The embedding table parameter of a table. */
    public static String table(String table) {
        return "embedding/" + table;
    }

    public static String label(String task) {
        return "label/" + task;
    }

    public static String mask(String task) {
        return "mask/" + task;
    }

    public static String logit(String task) {
        return "logit/" + task;
    }

    public static String prediction(String task) {
        return "prediction/" + task;
    }

    public static String taskLoss(String task) {
        return "loss/" + task;
    }

    /** Learnable log-variance of a task (uncertainty weighting). */
    public static String logVariance(String task) {
        return "loss/logvar/" + task;
    }

    /** Gate output [B, experts] of a task at a level (0-based). */
    public static String taskGate(int level, String task) {
        return "gate/level" + level + "/" + task;
    }

    /** Shared gate output [B, experts] at a level (0-based; absent on the last level). */
    public static String sharedGate(int level) {
        return "gate/level" + level + "/shared";
    }

    /** Dropout mask placeholder of one dropout site. */
    public static String dropoutMask(String site) {
        return "dropout/" + site;
    }
}
