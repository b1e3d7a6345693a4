package io.github.ple4j.datavec.schema;

import java.util.Objects;

/**
 * A categorical input column, before fitting.
 *
 * <p>Ids come either from a vocabulary fitted on the training data (id 0 for every value outside it) or, with
 * {@code buckets > 0}, from hashing the text ({@link io.github.ple4j.model.config.IdHashing}: MurmurHash3 of the
 * UTF-8 bytes modulo the bucket count; no fitting, no out-of-vocabulary id, the same bucket in any JVM).
 *
 * @param column       the column
 * @param encoding     ids for an embedding table, or a one-hot block of the dense vector
 * @param minCount     values seen fewer times than this in the training data are left out of the vocabulary
 *                     (they map to the out-of-vocabulary id 0); at least 1
 * @param embeddingDim width of the field's embedding (IDS); at least 1 for IDS, 0 for ONE_HOT
 * @param field        name of the model's {@link io.github.ple4j.model.config.CategoricalField} (IDS), or null
 *                     to derive it from the column name (characters other than letters, digits, '_' and '-'
 *                     become '_')
 * @param maxSize      the most values the vocabulary keeps (the most frequent; ties by value order), 0 for no
 *                     limit
 * @param buckets      hash buckets (the table's rows), or 0 for a fitted vocabulary; IDS only
 * @param bag          null for one value per row; how the values of a multi-valued column are split otherwise
 *                     (IDS only)
 * @param table        the embedding table the field looks up, or null for its own; columns that name one table
 *                     share its vocabulary (fitted over all of their values) and rows, as a target item and the
 *                     items of a history do
 */
public record CategoricalFeature(ColumnRef column, CategoricalEncoding encoding, int minCount, int embeddingDim,
                                 String field, int maxSize, int buckets, BagColumn bag, String table) {
    /** Embedding width used when none is given. */
    public static final int DEFAULT_EMBEDDING_DIM = 4;

    public CategoricalFeature {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(encoding, "encoding");
        String what = "categorical column " + column.describe();
        if (minCount < 1) {
            throw new IllegalArgumentException(what + ": minCount must be >= 1 but was " + minCount);
        }
        if (encoding == CategoricalEncoding.ONE_HOT) {
            embeddingDim = 0;
        } else if (embeddingDim < 1) {
            throw new IllegalArgumentException(what + ": embeddingDim must be >= 1 but was " + embeddingDim);
        }
        if (field != null) {
            Names.check(what + " field", field);
        }
        if (maxSize < 0) {
            throw new IllegalArgumentException(what + ": maxSize must be >= 0 (0: no limit) but was " + maxSize);
        }
        if (buckets < 0) {
            throw new IllegalArgumentException(what + ": buckets must be >= 1 (or 0 for a fitted vocabulary) but was "
                    + buckets);
        }
        if (buckets > 0 && encoding != CategoricalEncoding.IDS) {
            throw new IllegalArgumentException(what + ": hash buckets need the IDS encoding but the column is "
                    + encoding);
        }
        if (buckets > 0 && (minCount > 1 || maxSize > 0)) {
            throw new IllegalArgumentException(what + ": a hashed column has no fitted vocabulary, so minCount ("
                    + minCount + ") and maxSize (" + maxSize + ") do not apply; leave them at 1 and 0");
        }
        if (bag != null && encoding != CategoricalEncoding.IDS) {
            throw new IllegalArgumentException(what + ": a multi-valued column needs the IDS encoding but is " + encoding);
        }
        if (table != null) {
            if (encoding != CategoricalEncoding.IDS) {
                throw new IllegalArgumentException(what + ": a shared table needs the IDS encoding but the column is "
                        + encoding);
            }
            Names.check(what + " table", table);
        }
    }

    /** A column with a fitted vocabulary, one value per row, its own table. */
    public CategoricalFeature(ColumnRef column, CategoricalEncoding encoding, int minCount, int embeddingDim,
                              String field) {
        this(column, encoding, minCount, embeddingDim, field, 0, 0, null, null);
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
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets, bag, table);
    }

    /** A copy with an explicit field name. */
    public CategoricalFeature withField(String field) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets, bag, table);
    }

    /** A copy whose vocabulary keeps at most the {@code maxSize} most frequent values. */
    public CategoricalFeature withMaxSize(int maxSize) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets, bag, table);
    }

    /** A copy that hashes its values into {@code buckets} ids instead of fitting a vocabulary. */
    public CategoricalFeature withBuckets(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("categorical column " + column.describe() + ": buckets must be >= 1 but was "
                    + buckets);
        }
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets, bag, table);
    }

    /** A copy that reads the column as a bag of values. */
    public CategoricalFeature withBag(BagColumn bag) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets,
                Objects.requireNonNull(bag, "bag"), table);
    }

    /** A copy that looks up (and fits its vocabulary with) the shared table {@code table}. */
    public CategoricalFeature withTable(String table) {
        return new CategoricalFeature(column, encoding, minCount, embeddingDim, field, maxSize, buckets, bag,
                Objects.requireNonNull(table, "table"));
    }

    /** Whether the column holds a bag of values per row. */
    public boolean multiValued() {
        return bag != null;
    }
}
