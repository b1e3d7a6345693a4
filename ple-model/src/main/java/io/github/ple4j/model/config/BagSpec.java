package io.github.ple4j.model.config;

/**
 * A multi-valued categorical field (tags, a user's recent items): each row holds a bag of up to {@code maxLength}
 * ids, fed as one [B, L] array padded with -1 to the batch's longest bag (L at most {@code maxLength}); the
 * embeddings of a bag's ids are pooled into one vector.
 *
 * @param maxLength the most ids a row may hold (>= 1); a longer bag is refused when fed
 * @param pooling   sum or mean
 */
public record BagSpec(int maxLength, Pooling pooling) {
    public BagSpec {
        Checks.positive("bag maxLength", maxLength);
        Checks.notNull("bag pooling", pooling);
    }
}
