package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.loss.LossBuilder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Builds the trainable SameDiff graph of a {@link PleConfig}: input placeholders named by the
 * {@link GraphSignature}, the network ({@link PleNetwork}) with parameters as graph variables, and the
 * losses ({@link LossBuilder}).
 */
public final class PleGraphBuilder {
    private PleGraphBuilder() {
    }

    /** Builds the graph. */
    public static PleGraph build(PleConfig config) {
        SameDiff sd = SameDiff.create();
        DataType dt = config.dataType().nd4j();
        GraphSignature signature = new GraphSignature(config);
        InputSpec in = config.inputs();
        SDVariable dense = in.denseSize() > 0 ? sd.placeHolder(GraphSignature.DENSE, dt, -1, in.denseSize()) : null;
        SDVariable ids = in.hasCategorical()
                ? sd.placeHolder(GraphSignature.CATEGORICAL, dt, -1, in.categorical().size()) : null;
        SameDiffParams params = new SameDiffParams(sd, config.seed(), dt);
        PleNetwork.Outputs out = PleNetwork.define(config, sd, dense, ids, params, true);
        LossBuilder.build(sd, config, signature, out.logits(), params.weightNames());
        FlatParameters flat = FlatParameters.flatten(sd);
        return new PleGraph(sd, config, signature, out.gates(), out.dropoutSites(), params.weightNames(), flat);
    }
}
