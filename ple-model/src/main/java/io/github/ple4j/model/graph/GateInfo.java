package io.github.ple4j.model.graph;

import java.util.List;

/**
 * A softmax gate in the graph (paper Eq. 2-3 and 6).
 *
 * @param output  name of the gate-weight output, [B, experts.size()]
 * @param level   extraction level, 0-based
 * @param owner   task name, or "shared" for the shared gate
 * @param experts labels of the experts it mixes, in column order ("income/0", "shared/1", ...)
 */
public record GateInfo(String output, int level, String owner, List<String> experts) {
    public GateInfo {
        experts = List.copyOf(experts);
    }
}
