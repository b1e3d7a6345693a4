package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.loss.LossBuilder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the trainable SameDiff graph of a {@link PleConfig}: input placeholders named by the
 * {@link GraphSignature}, the network ({@link PleNetwork}) with parameters as graph variables, and the
 * losses ({@link LossBuilder}).
 */
public final class PleGraphBuilder {
    private PleGraphBuilder() {
    }

    /** Builds the graph, looking ids up by gather. */
    public static PleGraph build(PleConfig config) {
        return build(config, EmbeddingLookup.GATHER);
    }

    /**
     * Builds the graph with the given embedding lookup ({@link EmbeddingLookup#ONE_HOT} is the reference the
     * gather path is tested against).
     */
    public static PleGraph build(PleConfig config, EmbeddingLookup lookup) {
        SameDiff sd = SameDiff.create();
        DataType dt = config.dataType().nd4j();
        GraphSignature signature = new GraphSignature(config);
        InputSpec in = config.inputs();
        SDVariable dense = in.denseSize() > 0 ? sd.placeHolder(GraphSignature.DENSE, dt, -1, in.denseSize()) : null;
        SDVariable ids = in.hasCategorical()
                ? sd.placeHolder(GraphSignature.CATEGORICAL, DataType.INT64, -1, in.singleValued().size()) : null;
        Map<String, SDVariable> bags = new LinkedHashMap<>();
        for (CategoricalField f : in.bags()) {
            bags.put(f.name(), sd.placeHolder(GraphSignature.bag(f.name()), DataType.INT64, -1, -1));
        }
        SameDiffParams params = new SameDiffParams(sd, config.seed(), dt);
        PleNetwork.Outputs out = PleNetwork.define(config, sd, new NetworkInputs(dense, ids, bags, lookup), params, true);
        // Tables of a gather graph are graph constants (the trainer derives their gradients from the lookups): dense
        // ones join the flat parameter vector, sparse ones are updated row by row outside it. The zero anchor of
        // the input is never trained.
        Set<String> tables = new LinkedHashSet<>();
        in.tables().forEach(t -> tables.add(GraphSignature.table(t.name())));
        boolean sparse = lookup == EmbeddingLookup.GATHER && config.training().embeddingOptimizer().sparse();
        Set<String> excluded = new LinkedHashSet<>();
        Set<String> included = new LinkedHashSet<>();
        if (lookup == EmbeddingLookup.GATHER) {
            if (!in.categorical().isEmpty()) {
                excluded.add(GraphSignature.ANCHOR);
            }
            if (!sparse) {
                included.addAll(tables);
            }
        }
        LossBuilder.build(sd, config, signature, out.logits(), params.weightNames());
        FlatParameters flat = FlatParameters.flatten(sd, excluded, included);
        return new PleGraph(sd, config, signature, out.gates(), out.dropoutSites(), params.weightNames(), flat, lookup,
                sparse ? List.copyOf(tables) : List.of(), out.mixtures());
    }
}
