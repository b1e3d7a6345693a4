package io.github.ple4j.model.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * A gate's mixture of expert outputs in the expert-major layout of deeper experts, which the plan computes with one
 * kernel: {@code output[b, :] = sum_i weights[b, i] S_i[b, :]}, where the experts S_i are taken in order from the
 * parts, part p being experts {@code from .. from + count - 1} of its source [E, B, h]. The graph computes the same
 * value by slicing the sources, concatenating the slices, permuting and expanding the weights, multiplying and
 * summing (six ops, the slices, concatenation and product each writing an [n, B, h] array); the kernel reads each
 * expert once and writes only [B, h]. Tests hold the plan to the graph's value.
 *
 * @param output  the mixture [B, h] the graph computes
 * @param weights the gate's softmax weights [B, n], n = the parts' experts in order
 * @param parts   the experts mixed, in gate order
 */
public record ExpertMixture(String output, String weights, List<Part> parts) implements FusedOp {
    /**
     * Experts {@code from .. from + count - 1} of {@code source} [E, B, h].
     *
     * @param source the variable holding the experts, expert index first
     * @param from   first expert taken
     * @param count  experts taken
     */
    public record Part(String source, int from, int count) {
        public Part {
            if (from < 0 || count < 1) {
                throw new IllegalArgumentException("a part takes count >= 1 experts from index >= 0 but got from "
                        + from + ", count " + count + " of " + source);
            }
        }
    }

    public ExpertMixture {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a mixture needs at least one part: " + output);
        }
    }

    /** The weights, then each part's source (a source repeats when several parts read it). */
    @Override
    public List<String> inputs() {
        List<String> in = new ArrayList<>();
        in.add(weights);
        parts.forEach(p -> in.add(p.source()));
        return in;
    }

    /** Number of experts mixed. */
    public int experts() {
        return parts.stream().mapToInt(Part::count).sum();
    }
}
