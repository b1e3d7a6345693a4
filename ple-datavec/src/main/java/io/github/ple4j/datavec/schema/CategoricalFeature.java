package io.github.ple4j.datavec.schema;

import java.util.Objects;

/**
 * A categorical input column, before fitting.
 *
 * @param column       the column
 * @param encoding     ids for an embedding table, or a one-hot block of the dense vector
 * @param minCount     values seen fewer times than this in the training data are left out of the vocabulary
 *                     (they map to the out-of-vocabulary id 0); at least 1
 * @param embeddingDim width of the field's embedding (IDS); at least 1 for IDS, 0 for ONE_HOT
 * @param field        name of the model's {@link io.github.ple4j.model.config.CategoricalField} (IDS), or null
 *                     to derive it from the column name (characters other than letters, digits, '_' and '-'
 *                     become '_')
 */
public record CategoricalFeature(ColumnRef column, CategoricalEncoding encoding, int minCount, int embeddingDim,
                                 String field) {
    /** Embedding width used when none is given. */
    public static final int DEFAULT_EMBEDDING_DIM = 4;

    public CategoricalFeature {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(encoding, "encoding");
        if (minCount < 1) {
            throw new IllegalArgumentException("categorical column " + column.describe() + ": minCount must be >= 1 but was "
                    + minCount);
        }
        if (encoding == CategoricalEncoding.ONE_HOT) {
            embeddingDim = 0;
        } else if (embeddingDim < 1) {
            throw new IllegalArgumentException("categorical column " + column.describe()
                    + ": embeddingDim must be >= 1 but was " + embeddingDim);
        }
        if (field != null) {
            Names.check("categorical column " + column.describe() + " field", field);
        }
    }

    /** Ids for an embedding table of the given width; min count 1, field name from the column. */
    public static CategoricalFeature ids(ColumnRef column, int embeddingDim) {
        return new CategoricalFeature(column, CategoricalEncoding.IDS, 1, embeddingDim, null);
    }

    /** A one-hot block of the dense vector; min count 1. */
    public static CategoricalFeature oneHot(ColumnRef column) {
        return new CategoricalFeature(column, CategoricalEncoding.ONE_HOT, 1, 0, null);
    }

    /** A copy with another minimum count. */
    public CategoricalFeature withMinCount(int minCount) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field);
    }

    /** A copy with an explicit field name. */
    public CategoricalFeature withField(String field) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field);
    }
}
