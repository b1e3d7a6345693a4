package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingTable;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.Pooling;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vector the first extraction level reads: the dense features, then the embedding of every single-valued
 * field, then the pooled embedding of every bag field ({@link InputSpec}). One table parameter per
 * {@link EmbeddingTable} ({@link GraphSignature#table}), looked up by every field that names it.
 *
 * <p>How a field is looked up ({@link EmbeddingLookup}):
 * <ul>
 *   <li>{@code GATHER}: the rows of the ids, {@code gather(table, ids)}: [B, D] for a single-valued field, [B*L, D]
 *       for a bag. Work and memory per step are O(B x D) whatever the vocabulary. SameDiff 1.0.0-M2.1 cannot build or
 *       run gather's gradient (it builds a control-flow loop per gather and fails with two of them), so the tables are
 *       graph constants and their gradients are not taken from the graph: a zero anchor [1, width], a variable the
 *       graph differentiates and nobody trains, is added to the whole input ({@link GraphSignature#EMBEDDED_INPUT}),
 *       and the trainer scatters the column block of each field of that input's gradient into the field's table
 *       (through the pooling for a bag; {@code io.github.ple4j.model.train.TableTraining}). One add for all fields:
 *       an anchor per field cost two ops per field and step.</li>
 *   <li>{@code ONE_HOT}: one-hot [B, V] x table [V, D], differentiable by SameDiff alone; costs B x V per field. The
 *       reference the gather path is tested against, and what the DL4J layer uses.</li>
 * </ul>
 * A bag's padding (id -1) is looked up as row 0 and masked out: pooled = sum_l mask_l E[id_l] (divided by
 * max(1, sum_l mask_l) for the mean), so an empty bag gives zeros and padding rows get a zero gradient.
 */
final class Embeddings {
    private Embeddings() {
    }

    /**
     * Dense features and embedded categorical fields, concatenated: [B, width].
     *
     * @param dense  dense features [B, F], or null when F = 0
     * @param ids    ids of the single-valued fields [B, C] (INT64), or null without such fields
     * @param bags   ids of each bag field [B, L] (INT64, -1 padding), by field name
     * @param lookup how fields are looked up
     */
    static SDVariable input(SameDiff sd, DataType dt, ParamSource params, InputSpec in, SDVariable dense, SDVariable ids,
                            Map<String, SDVariable> bags, EmbeddingLookup lookup) {
        Map<String, SDVariable> tables = new LinkedHashMap<>();
        for (EmbeddingTable t : in.tables()) {
            String name = GraphSignature.table(t.name());
            tables.put(t.name(), lookup == EmbeddingLookup.GATHER ? params.gatheredTable(name, t.rows(), t.dim())
                    : params.table(name, t.rows(), t.dim()));
        }
        List<SDVariable> parts = new ArrayList<>();
        if (in.denseSize() > 0) {
            parts.add(dense);
        }
        List<CategoricalField> single = in.singleValued();
        for (int c = 0; c < single.size(); c++) {
            CategoricalField f = single.get(c);
            SDVariable column = ids.get(SDIndex.all(), SDIndex.point(c));                          // [B]
            SDVariable table = tables.get(f.table());
            parts.add(lookup == EmbeddingLookup.GATHER
                    ? sd.gather(table, column, 0)                                                   // [B, D]
                    : sd.oneHot(column, f.vocabularySize(), -1, 1.0, 0.0, dt).mmul(table));
        }
        for (CategoricalField f : in.bags()) {
            parts.add(bag(sd, dt, f, bags.get(f.name()), tables.get(f.table()), lookup));
        }
        SDVariable x = parts.size() == 1 ? parts.get(0)
                : sd.concat(GraphSignature.INPUT_CONCAT, 1, parts.toArray(new SDVariable[0]));
        if (lookup == EmbeddingLookup.GATHER && !in.categorical().isEmpty()) {
            SDVariable anchor = sd.var(GraphSignature.ANCHOR, Nd4j.zeros(dt, 1, in.width()));
            x = x.add(anchor).rename(GraphSignature.EMBEDDED_INPUT);
        }
        return x;
    }

    /**
     * A bag field pooled: [B, D], named {@link GraphSignature#pooled}. The execution plan computes a gather graph's
     * pooled bags with one kernel ({@link PleGraph#fusedOps()}); the trainer's scatter reproduces this pooling's gradient.
     */
    private static SDVariable bag(SameDiff sd, DataType dt, CategoricalField f, SDVariable ids, SDVariable table,
                                  EmbeddingLookup lookup) {
        SDVariable zero = sd.constant(Nd4j.scalar(DataType.INT64, 0L));
        SDVariable mask = sd.castTo(sd.gte(ids, zero), dt);                                         // [B, L]
        SDVariable pooled;
        if (lookup == EmbeddingLookup.GATHER) {
            SDVariable safe = sd.reshape(sd.math.max(ids, zero), -1);                               // [B*L]
            SDVariable rows = sd.gather(table, safe, 0);                                            // [B*L, D]
            SDVariable shape = sd.concat(0, sd.shape(ids).castTo(DataType.INT64),
                    sd.constant(Nd4j.createFromArray(new long[]{f.embeddingDim()})));              // [B, L, D]
            SDVariable perPosition = sd.reshape(rows, shape);
            pooled = perPosition.mul(sd.expandDims(mask, 2)).sum(1);                              // [B, D]
        } else {
            // one-hot of -1 is a zero row: [B, L, V] summed over the bag gives id counts [B, V]
            SDVariable counts = sd.oneHot(ids, f.vocabularySize(), -1, 1.0, 0.0, dt).sum(1);
            pooled = counts.mmul(table);
        }
        if (f.bag().pooling() == Pooling.MEAN) {
            SDVariable n = sd.math.max(mask.sum(true, 1), sd.constant(Nd4j.scalar(dt, 1.0)));     // [B, 1]
            pooled = pooled.div(n);
        }
        return pooled.rename(GraphSignature.pooled(f.name()));
    }
}
