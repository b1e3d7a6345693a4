package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.exec.EmbeddedInput;
import io.github.ple4j.model.exec.EmbeddingBag;
import io.github.ple4j.model.exec.ExpertMixture;
import io.github.ple4j.model.exec.FusedOp;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
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
 * @param parameters   every trainable parameter but the sparse tables, as views of one vector
 * @param lookup       how ids are looked up
 * @param sparseTables table parameters updated row by row (outside {@code parameters}), in input order
 * @param mixtures     gate mixtures of deeper experts, computed by the execution plan with a kernel of its own
 */
public record PleGraph(SameDiff sameDiff, PleConfig config, GraphSignature signature, List<GateInfo> gates,
                       List<DropoutSite> dropoutSites, List<String> weightNames, FlatParameters parameters,
                       EmbeddingLookup lookup, List<String> sparseTables, List<ExpertMixture> mixtures) {
    public PleGraph {
        mixtures = List.copyOf(mixtures);
        gates = List.copyOf(gates);
        dropoutSites = List.copyOf(dropoutSites);
        weightNames = List.copyOf(weightNames);
        sparseTables = List.copyOf(sparseTables);
    }

    /**
     * The values an execution plan over this graph computes with kernels of its own: the gate mixtures of deeper
     * experts ({@link ExpertMixture}) and, in gather graphs, each pooled bag and the concatenated input when it has
     * several parts. {@code -Dple4j.exec.fused=false} runs the graph's own ops instead (for comparison).
     */
    public List<FusedOp> fusedOps() {
        if (!FusedOp.enabled()) {
            return List.of();
        }
        List<FusedOp> ops = new ArrayList<>(mixtures);
        if (lookup != EmbeddingLookup.GATHER) {
            return ops;
        }
        InputSpec in = config.inputs();
        List<String> pooled = new ArrayList<>();
        for (CategoricalField f : in.bags()) {
            ops.add(new EmbeddingBag(GraphSignature.pooled(f.name()), GraphSignature.bag(f.name()),
                    GraphSignature.table(f.table()), f.bag().pooling() == Pooling.MEAN));
            pooled.add(GraphSignature.pooled(f.name()));
        }
        int parts = (in.denseSize() > 0 ? 1 : 0) + in.categorical().size();
        if (parts > 1) {
            List<String> tables = in.singleValued().stream().map(f -> GraphSignature.table(f.table())).toList();
            ops.add(new EmbeddedInput(GraphSignature.INPUT_CONCAT, in.denseSize() > 0 ? GraphSignature.DENSE : null,
                    tables.isEmpty() ? null : GraphSignature.CATEGORICAL, tables, pooled));
        }
        return ops;
    }

    /** Names of all trainable parameters: the flat ones (sorted), then the sparse tables. */
    public List<String> parameterNames() {
        List<String> all = new java.util.ArrayList<>(parameters.names());
        all.addAll(sparseTables);
        return List.copyOf(all);
    }

    /** Total number of trainable scalars, tables included. */
    public long numParams() {
        long n = parameters.length();
        for (String t : sparseTables) {
            n += sameDiff.getArrForVarName(t).length();
        }
        return n;
    }
}
