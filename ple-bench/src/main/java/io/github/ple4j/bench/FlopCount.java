package io.github.ple4j.bench;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;

import java.util.List;

/**
 * Floating-point operations per sample of a model's forward pass, counted from its config.
 *
 * <p>Convention: every dense layer (matrix multiply) with {@code in} inputs and {@code out} outputs costs
 * {@code 2 * in * out} FLOPs per sample (one multiply and one add per weight). Counted are the expert layers,
 * the gate projections, the tower layers and the task heads. Embedding lookups gather rows (copies, no
 * arithmetic; bag pooling adds a few additions per id) and count 0. Not counted:
 * biases, activations, softmax, the gates' weighted sums of expert outputs and the losses, all of which are
 * linear in the layer widths rather than quadratic. The count follows the graph exactly: a gate over a single
 * expert is the identity and costs nothing; the shared gate exists on every level but the last.
 *
 * <p>Because every weight is used once per sample, the forward count equals twice the number of scalars in
 * the weight matrices.
 *
 * <p>Training: one step is taken as {@value #TRAINING_FACTOR} x the forward pass (the forward pass plus a
 * backward pass that costs two matrix multiplies, for input and weight gradients, per forward multiply). The
 * optimiser update is not counted.
 *
 * @param experts    expert MLP layers, all levels
 * @param gates      gate projections (softmax logits), task and shared gates, all levels
 * @param towers     hidden layers of the task towers
 * @param heads      output layers of the task heads (one logit per task)
 * @param embeddings embedding lookups (0: gathers are copies)
 */
public record FlopCount(long experts, long gates, long towers, long heads, long embeddings) {
    /** Training FLOPs per sample as a multiple of the forward FLOPs. */
    public static final int TRAINING_FACTOR = 3;
    /** The convention, for reports. */
    public static final String CONVENTION = "forward = sum over dense layers (experts, gates, towers, heads) of 2*in*out"
            + " per sample; embedding gathers (copies), biases, activations, softmax and gate mixing not counted;"
            + " training step = " + TRAINING_FACTOR + " x forward (forward + backward), optimiser update not counted";

    /** Counts the forward pass of a config. */
    public static FlopCount of(PleConfig config) {
        ExtractionSpec ex = config.extraction();
        int tasks = config.tasks().size();
        int width = config.inputs().width();
        int out = ex.expertOutput();
        int mk = ex.expertsPerTask();
        int ms = ex.sharedExperts();

        long embeddings = 0;
        long experts = 0;
        long gates = 0;
        int expertsPerLevel = tasks * mk + ms;
        for (int level = 0; level < ex.levels(); level++) {
            int in = level == 0 ? width : out;
            experts += expertsPerLevel * mlp(in, ex.expertHidden());
            gates += tasks * gate(in, mk + ms);
            boolean last = level == ex.levels() - 1;
            if (!last && ms > 0) {
                gates += gate(in, expertsPerLevel);
            }
        }
        long towers = 0;
        long heads = 0;
        for (TaskSpec t : config.tasks()) {
            towers += mlp(out, t.towerHidden());
            int last = t.towerHidden().isEmpty() ? out : t.towerHidden().get(t.towerHidden().size() - 1);
            heads += dense(last, 1);
        }
        return new FlopCount(experts, gates, towers, heads, embeddings);
    }

    /** Forward FLOPs per sample. */
    public long forward() {
        return experts + gates + towers + heads + embeddings;
    }

    /** Training FLOPs per sample ({@value #TRAINING_FACTOR} x forward). */
    public long training() {
        return TRAINING_FACTOR * forward();
    }

    /** FLOPs of one dense layer for one sample. */
    static long dense(long in, long out) {
        return 2L * in * out;
    }

    private static long mlp(int in, List<Integer> hidden) {
        long f = 0;
        int prev = in;
        for (int h : hidden) {
            f += dense(prev, h);
            prev = h;
        }
        return f;
    }

    /** A softmax gate over {@code experts} experts; a single expert needs no gate. */
    private static long gate(int in, int experts) {
        return experts > 1 ? dense(in, experts) : 0;
    }
}
