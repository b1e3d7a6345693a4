package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.PleConfig;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;

/**
 * A built PLE-family graph: the SameDiff instance plus what the trainer and predictor need to drive it.
 * Owned by {@link io.github.ple4j.model.PleModel}; not thread-safe by itself.
 *
 * @param sameDiff     the graph (placeholders, parameters, predictions, losses)
 * @param config       the config it was built from
 * @param signature    names and array order
 * @param gates        every softmax gate, level by level
 * @param dropoutSites dropout mask placeholders (empty when dropout is 0)
 * @param weightNames  weight matrices (counted by the L2 penalty); biases are not listed
 * @param parameters   every trainable parameter, as views of one vector
 */
public record PleGraph(SameDiff sameDiff, PleConfig config, GraphSignature signature, List<GateInfo> gates,
                       List<DropoutSite> dropoutSites, List<String> weightNames, FlatParameters parameters) {
    public PleGraph {
        gates = List.copyOf(gates);
        dropoutSites = List.copyOf(dropoutSites);
        weightNames = List.copyOf(weightNames);
    }

    /** Names of all trainable parameters, sorted. */
    public List<String> parameterNames() {
        return parameters.names();
    }

    /** Total number of trainable scalars. */
    public long numParams() {
        return parameters.length();
    }
}
