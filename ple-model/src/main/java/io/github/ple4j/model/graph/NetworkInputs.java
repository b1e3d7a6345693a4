package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Map;

/**
 * What the network reads.
 *
 * @param dense  dense features [B, F], or null when F = 0
 * @param ids    ids of the single-valued categorical fields [B, C] (INT64), or null without such fields
 * @param bags   ids of every bag field [B, L] (INT64, -1 padding), by field name
 * @param lookup how ids are looked up in their tables
 */
public record NetworkInputs(SDVariable dense, SDVariable ids, Map<String, SDVariable> bags, EmbeddingLookup lookup) {
    public NetworkInputs {
        bags = bags == null ? Map.of() : Map.copyOf(bags);
    }
}
