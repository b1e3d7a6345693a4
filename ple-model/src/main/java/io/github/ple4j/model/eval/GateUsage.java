package io.github.ple4j.model.eval;

import java.util.List;

/**
 * How much one gate uses each of its experts over a data set (paper Fig. 8): the mean and the standard
 * deviation, over samples, of the gate's softmax weight per expert.
 *
 * @param output  gate output name (see {@link io.github.ple4j.model.graph.GraphSignature#taskGate})
 * @param level   extraction level, 0-based
 * @param owner   task name, or "shared" for a shared gate
 * @param experts expert labels in column order ("task1/0", "shared/1", ...)
 * @param mean    mean weight per expert (sums to 1 over the experts)
 * @param std     population standard deviation of the weight per expert
 * @param samples number of samples the statistics cover
 */
public record GateUsage(String output, int level, String owner, List<String> experts, double[] mean, double[] std,
                        long samples) {
    public GateUsage {
        experts = List.copyOf(experts);
        if (mean.length != experts.size() || std.length != experts.size()) {
            throw new IllegalArgumentException("gate '" + output + "' has " + experts.size() + " experts but "
                    + mean.length + " means and " + std.length + " standard deviations");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Mean weight of an expert label, or 0 when this gate does not mix that expert. */
    public double meanOf(String expert) {
        int i = experts.indexOf(expert);
        return i < 0 ? 0 : mean[i];
    }

    /** Standard deviation of an expert label's weight, or 0 when this gate does not mix that expert. */
    public double stdOf(String expert) {
        int i = experts.indexOf(expert);
        return i < 0 ? 0 : std[i];
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }
}
