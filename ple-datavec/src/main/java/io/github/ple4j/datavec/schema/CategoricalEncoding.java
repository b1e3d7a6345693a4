package io.github.ple4j.datavec.schema;

/** How a categorical column reaches the model. */
public enum CategoricalEncoding {
    /**
     * One id per record in the categorical-id matrix [B, C], looked up in the field's embedding table: 0 for a
     * value outside the vocabulary, 1..V for the fitted values.
     */
    IDS,
    /**
     * A block of V + 1 slots appended to the dense vector [B, F]: slot 0 is the out-of-vocabulary slot, slot i
     * is the value with id i.
     */
    ONE_HOT
}
