package io.github.ple4j.model.exec;

import java.util.List;

/**
 * A value of the graph the execution plan computes with one kernel of its own instead of the graph's ops for it. The
 * graph keeps those ops, so SameDiff computes the same value (the reference the plan's tests compare against);
 * a plan given a fused op visits only its {@link #inputs()}, and ops that nothing else needs are not run.
 */
public sealed interface FusedOp permits EmbeddingBag, EmbeddedInput, ExpertMixture {
    /** The variable computed. */
    String output();

    /** The variables read, in the kernel's order. */
    List<String> inputs();

    /** Whether plans use fused kernels: {@code -Dple4j.exec.fused=false} runs the graph's own ops instead. */
    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("ple4j.exec.fused", "true"));
    }
}
