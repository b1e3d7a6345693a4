package io.github.ple4j.datavec.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A fitted categorical column. The value {@code vocabulary.get(i)} has id {@code i + 1}; id 0 is every other
 * value (unseen in training or rarer than {@code minCount}).
 *
 * @param column       0-based column index in the record
 * @param name         the schema's column name, or null
 * @param field        field name: the model's categorical field (IDS) and the prefix of the one-hot slot names
 * @param encoding     ids or one-hot
 * @param embeddingDim embedding width (IDS), 0 for ONE_HOT
 * @param minCount     the minimum count the vocabulary was fitted with
 * @param vocabulary   fitted values in id order (ids 1..V), sorted by {@link String#compareTo}
 */
public record FittedCategorical(int column, String name, String field, CategoricalEncoding encoding,
                                int embeddingDim, int minCount, List<String> vocabulary) {
    public FittedCategorical {
        if (column < 0) {
            throw new IllegalArgumentException("categorical column index must be >= 0 but was " + column);
        }
        Names.check("categorical column " + Columns.label(column, name) + " field", field);
        Objects.requireNonNull(encoding, "encoding");
        vocabulary = List.copyOf(vocabulary);
        if (new HashSet<>(vocabulary).size() != vocabulary.size()) {
            throw new IllegalArgumentException("categorical column " + Columns.label(column, name)
                    + ": the vocabulary has a value twice");
        }
        if (encoding == CategoricalEncoding.IDS && embeddingDim < 1) {
            throw new IllegalArgumentException("categorical column " + Columns.label(column, name)
                    + ": embeddingDim must be >= 1 but was " + embeddingDim);
        }
    }

    /** Number of ids, V + 1 (including the out-of-vocabulary id 0). */
    public int vocabularySize() {
        return vocabulary.size() + 1;
    }
}
