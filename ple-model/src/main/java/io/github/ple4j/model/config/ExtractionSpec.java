package io.github.ple4j.model.config;

import java.util.List;

/**
 * The stacked extraction network (paper Sec. 4.2). Every level has, per task, {@code expertsPerTask}
 * task-specific experts and {@code sharedExperts} shared experts, each an MLP with {@code expertHidden}
 * layers. One level is CGC (Sec. 4.1); more levels are PLE. The baselines are special cases:
 * <ul>
 *   <li>single-task: 1 level, 1 expert per task, 0 shared (no parameter is shared between tasks);</li>
 *   <li>shared-bottom: 1 level, 0 experts per task, 1 shared expert;</li>
 *   <li>MMoE: 1 level, 0 experts per task, M shared experts (one gate per task over all of them).</li>
 * </ul>
 * A gate over a single expert is the constant 1 and is left out of the graph.
 *
 * @param levels         number of extraction levels L (>= 1)
 * @param expertsPerTask task-specific experts per task and level, m_k (>= 0)
 * @param sharedExperts  shared experts per level, m_s (>= 0)
 * @param expertHidden   layer sizes of every expert MLP; the last is the expert output width
 * @param activation     activation of expert layers (and of tower hidden layers)
 */
public record ExtractionSpec(int levels, int expertsPerTask, int sharedExperts, List<Integer> expertHidden,
                             Activation activation) {
    public ExtractionSpec {
        Checks.positive("extraction.levels", levels);
        Checks.nonNegative("extraction.expertsPerTask", expertsPerTask);
        Checks.nonNegative("extraction.sharedExperts", sharedExperts);
        expertHidden = Checks.sizes("extraction.expertHidden", expertHidden);
        if (expertHidden.isEmpty()) {
            throw new IllegalArgumentException("extraction.expertHidden must have at least one layer size but was []");
        }
        Checks.notNull("extraction.activation", activation);
        if (expertsPerTask + sharedExperts == 0) {
            throw new IllegalArgumentException(
                    "extraction must have expertsPerTask >= 1 or sharedExperts >= 1 but both were 0");
        }
    }

    /** Output width of every expert (and of every level). */
    public int expertOutput() {
        return expertHidden.get(expertHidden.size() - 1);
    }

    /** The architecture this spec expresses, for reports. */
    public Architecture architecture() {
        if (levels > 1) {
            return Architecture.PLE;
        }
        if (sharedExperts == 0) {
            return expertsPerTask == 1 ? Architecture.SINGLE_TASK : Architecture.CGC;
        }
        if (expertsPerTask == 0) {
            return sharedExperts == 1 ? Architecture.SHARED_BOTTOM : Architecture.MMOE;
        }
        return Architecture.CGC;
    }

    /** PLE (Sec. 4.2): {@code levels} stacked extraction levels. */
    public static ExtractionSpec ple(int levels, int expertsPerTask, int sharedExperts, Integer... expertHidden) {
        return new ExtractionSpec(levels, expertsPerTask, sharedExperts, List.of(expertHidden), Activation.RELU);
    }

    /** CGC (Sec. 4.1): one extraction level with task-specific and shared experts. */
    public static ExtractionSpec cgc(int expertsPerTask, int sharedExperts, Integer... expertHidden) {
        return ple(1, expertsPerTask, sharedExperts, expertHidden);
    }

    /** MMoE (Ma et al. 2018): {@code experts} shared experts, one softmax gate per task. */
    public static ExtractionSpec mmoe(int experts, Integer... expertHidden) {
        return ple(1, 0, experts, expertHidden);
    }

    /** Shared-bottom (hard parameter sharing): one shared MLP below the towers. */
    public static ExtractionSpec sharedBottom(Integer... hidden) {
        return ple(1, 0, 1, hidden);
    }

    /**
     * Single-task baseline: every task has its own bottom MLP and tower and nothing is shared, so training
     * all tasks in one graph equals training one model per task (the summed loss has disjoint gradients).
     */
    public static ExtractionSpec singleTask(Integer... hidden) {
        return ple(1, 1, 0, hidden);
    }

    /**
     * A builder naming every size, for example
     * {@code ExtractionSpec.builder().levels(2).expertsPerTask(3).sharedExperts(2).expertHidden(16).build()} (the
     * same as {@code ple(2, 3, 2, 16)}). Defaults: 1 level, 0 task and 0 shared experts, ReLU; the expert layer
     * sizes are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ExtractionSpec}; {@link #build()} validates. */
    public static final class Builder {
        private int levels = 1;
        private int expertsPerTask;
        private int sharedExperts;
        private List<Integer> expertHidden;
        private Activation activation = Activation.RELU;

        private Builder() {
        }

        /** Extraction levels (1: CGC, more: PLE). */
        public Builder levels(int levels) {
            this.levels = levels;
            return this;
        }

        /** Task-specific experts per task and level. */
        public Builder expertsPerTask(int n) {
            this.expertsPerTask = n;
            return this;
        }

        /** Shared experts per level. */
        public Builder sharedExperts(int n) {
            this.sharedExperts = n;
            return this;
        }

        /** Layer sizes of every expert MLP; the last is the expert output width. */
        public Builder expertHidden(Integer... sizes) {
            this.expertHidden = sizes == null ? null : List.of(sizes);
            return this;
        }

        /** Activation of expert and tower hidden layers. */
        public Builder activation(Activation a) {
            this.activation = a;
            return this;
        }

        public ExtractionSpec build() {
            return new ExtractionSpec(levels, expertsPerTask, sharedExperts, expertHidden, activation);
        }
    }

    /** A copy with another activation. */
    public ExtractionSpec withActivation(Activation a) {
        return new ExtractionSpec(levels, expertsPerTask, sharedExperts, expertHidden, a);
    }
}
