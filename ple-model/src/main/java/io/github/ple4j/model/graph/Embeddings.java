package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

/** The vector the first extraction level reads: the dense features, then every categorical field's embedding. */
final class Embeddings {
    private Embeddings() {
    }

    /** Dense features and embedded categorical fields, concatenated: [B, width]. */
    static SDVariable input(SameDiff sd, DataType dt, ParamSource params, InputSpec in, SDVariable dense,
                            SDVariable ids) {
        List<SDVariable> parts = new ArrayList<>();
        if (in.denseSize() > 0) {
            parts.add(dense);
        }
        for (int c = 0; c < in.categorical().size(); c++) {
            CategoricalField f = in.categorical().get(c);
            String path = "embedding/" + f.name();
            // Embedding lookup as one-hot [B, V] x table [V, D]: SameDiff's gather has no working
            // backprop in 1.0.0-M2.1. Costs B x V per field, fine for small vocabularies.
            SDVariable table = params.weight(path, params.init().uniform(path, f.vocabularySize() * f.embeddingDim(), 0.05),
                    f.vocabularySize(), f.embeddingDim());
            SDVariable col = sd.castTo(ids.get(SDIndex.all(), SDIndex.point(c)), DataType.INT64);
            SDVariable oneHot = sd.oneHot(col, f.vocabularySize(), -1, 1.0, 0.0, dt);
            parts.add(oneHot.mmul(table));
        }
        return parts.size() == 1 ? parts.get(0) : sd.concat("input/concat", 1, parts.toArray(new SDVariable[0]));
    }
}
