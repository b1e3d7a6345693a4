package io.github.ple4j.datavec.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A fitted categorical column. With a vocabulary, the value {@code vocabulary.get(i)} has id {@code i + 1} and id
 * 0 is every other value (unseen in training, rarer than {@code minCount}, or beyond {@code maxSize}). A hashed
 * column ({@code buckets > 0}) has no vocabulary: a value's id is its hash bucket.
 *
 * @param column       0-based column index in the record
 * @param name         the schema's column name, or null
 * @param field        field name: the model's categorical field (IDS) and the prefix of the one-hot slot names
 * @param encoding     ids or one-hot
 * @param embeddingDim embedding width (IDS), 0 for ONE_HOT
 * @param minCount     the minimum count the vocabulary was fitted with
 * @param vocabulary   fitted values in id order (ids 1..V), sorted by {@link String#compareTo}; empty when hashed
 * @param maxSize      the vocabulary size limit it was fitted with (0: none)
 * @param buckets      hash buckets, or 0 for a fitted vocabulary
 * @param bag          how a multi-valued column is split, or null
 * @param table        the embedding table (the field's name unless the column shares a table)
 */
public record FittedCategorical(int column, String name, String field, CategoricalEncoding encoding,
                                int embeddingDim, int minCount, List<String> vocabulary, int maxSize, int buckets,
                                BagColumn bag, String table) {
    public FittedCategorical {
        if (column < 0) {
            throw new IllegalArgumentException("categorical column index must be >= 0 but was " + column);
        }
        String what = "categorical column " + Columns.label(column, name);
        Names.check(what + " field", field);
        Objects.requireNonNull(encoding, "encoding");
        vocabulary = List.copyOf(vocabulary);
        if (new HashSet<>(vocabulary).size() != vocabulary.size()) {
            throw new IllegalArgumentException(what + ": the vocabulary has a value twice");
        }
        if (encoding == CategoricalEncoding.IDS && embeddingDim < 1) {
            throw new IllegalArgumentException(what + ": embeddingDim must be >= 1 but was " + embeddingDim);
        }
        if (buckets < 0 || maxSize < 0) {
            throw new IllegalArgumentException(what + ": buckets and maxSize must be >= 0 but were " + buckets + " and "
                    + maxSize);
        }
        if (buckets > 0 && !vocabulary.isEmpty()) {
            throw new IllegalArgumentException(what + ": a hashed column (" + buckets + " buckets) has no vocabulary but "
                    + vocabulary.size() + " values were given");
        }
        if ((buckets > 0 || bag != null) && encoding != CategoricalEncoding.IDS) {
            throw new IllegalArgumentException(what + ": hashing and bags need the IDS encoding");
        }
        table = table == null ? field : Names.check(what + " table", table);
    }

    /** A single-valued column with a fitted vocabulary and its own table. */
    public FittedCategorical(int column, String name, String field, CategoricalEncoding encoding, int embeddingDim,
                             int minCount, List<String> vocabulary) {
        this(column, name, field, encoding, embeddingDim, minCount, vocabulary, 0, 0, null, null);
    }

    /** Number of ids: the bucket count of a hashed column, V + 1 (with the out-of-vocabulary id 0) otherwise. */
    public int vocabularySize() {
        return buckets > 0 ? buckets : vocabulary.size() + 1;
    }

    /** Whether ids come from hashing. */
    public boolean hashed() {
        return buckets > 0;
    }

    /** Whether the column holds a bag of values per row. */
    public boolean multiValued() {
        return bag != null;
    }
}
