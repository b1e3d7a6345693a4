package io.github.ple4j.datavec.schema;

import io.github.ple4j.model.config.Pooling;

import java.util.Objects;

/**
 * How a multi-valued categorical column is read: its text is a list of values ("tag1|tag2|tag3") split at a
 * separator; empty parts are skipped, so an empty cell is an empty bag. A row with more than {@code maxLength}
 * values keeps its first {@code maxLength} (the fit counts such rows).
 *
 * @param separator the literal text between values (not a regular expression), at least one character
 * @param maxLength the most values a row keeps, at least 1
 * @param pooling   how the model pools the bag's embeddings (sum or mean)
 */
public record BagColumn(String separator, int maxLength, Pooling pooling) {
    /** The separator used when none is given. */
    public static final String DEFAULT_SEPARATOR = "|";
    /** The length limit used when none is given. */
    public static final int DEFAULT_MAX_LENGTH = 50;

    public BagColumn {
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("a bag's separator must be at least one character but was "
                    + (separator == null ? "null" : "''"));
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("a bag's maxLength must be >= 1 but was " + maxLength);
        }
        Objects.requireNonNull(pooling, "pooling");
    }

    /** Bags split at '|', up to 50 values, mean-pooled. */
    public static BagColumn defaults() {
        return new BagColumn(DEFAULT_SEPARATOR, DEFAULT_MAX_LENGTH, Pooling.MEAN);
    }
}
