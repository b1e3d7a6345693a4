package io.github.ple4j.model.config;

/** How a bag field's embeddings are combined into one vector (as {@code torch.nn.EmbeddingBag}'s modes). */
public enum Pooling {
    /** The sum of the bag's embeddings (an empty bag gives zeros). */
    SUM,
    /** The mean of the bag's embeddings (an empty bag gives zeros). */
    MEAN
}
