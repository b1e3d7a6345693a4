package io.github.ple4j.model.graph;

/** How the graph looks categorical ids up in their tables ({@link Embeddings}). */
public enum EmbeddingLookup {
    /** Rows gathered by id: work independent of the vocabulary; table gradients scattered by the trainer. */
    GATHER,
    /** One-hot times table: differentiable by SameDiff alone, B x V work per field; for small vocabularies. */
    ONE_HOT
}
