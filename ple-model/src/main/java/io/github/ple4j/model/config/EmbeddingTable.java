package io.github.ple4j.model.config;

import java.util.List;

/**
 * An embedding table of the model, derived from the categorical fields that look it up ({@link InputSpec#tables()}).
 *
 * @param name   table name (the field name unless fields share a table)
 * @param rows   number of rows (ids)
 * @param dim    row width
 * @param fields the fields that look it up, in input order
 */
public record EmbeddingTable(String name, int rows, int dim, List<String> fields) {
    public EmbeddingTable {
        fields = List.copyOf(fields);
    }

    /** Number of scalars, rows x dim. */
    public long size() {
        return (long) rows * dim;
    }
}
