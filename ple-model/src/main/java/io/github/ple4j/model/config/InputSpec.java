package io.github.ple4j.model.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model input: a dense feature vector plus optional categorical fields. Each categorical field's id (or bag
 * of ids, pooled) is looked up in its embedding table, and the first extraction level reads the concatenation
 * [dense features, single-valued fields in order, bag fields in order], of width {@link #width()}.
 *
 * @param denseSize   size F of the dense feature vector (0 when the model has only categorical inputs)
 * @param categorical categorical fields; the single-valued ones are the columns of the categorical-id array, in
 *                    this order, and each bag field has an array of its own, in this order
 */
public record InputSpec(int denseSize, List<CategoricalField> categorical) {
    public InputSpec {
        Checks.nonNegative("inputs.denseSize", denseSize);
        categorical = categorical == null ? List.of() : Checks.elements("inputs.categorical", categorical);
        Set<String> seen = new HashSet<>();
        Map<String, CategoricalField> tables = new LinkedHashMap<>();
        for (CategoricalField f : categorical) {
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("inputs.categorical has the field name '" + f.name() + "' twice");
            }
            CategoricalField first = tables.putIfAbsent(f.table(), f);
            if (first != null && (first.vocabularySize() != f.vocabularySize() || first.embeddingDim() != f.embeddingDim())) {
                throw new IllegalArgumentException("inputs.categorical: fields '" + first.name() + "' and '" + f.name()
                        + "' share the table '" + f.table() + "' but have vocabularySize " + first.vocabularySize() + " and "
                        + f.vocabularySize() + ", embeddingDim " + first.embeddingDim() + " and " + f.embeddingDim()
                        + "; fields sharing a table must agree on both");
            }
        }
        if (denseSize == 0 && categorical.isEmpty()) {
            throw new IllegalArgumentException(
                    "inputs must have denseSize >= 1 or at least one categorical field but had neither");
        }
    }

    /** Dense features only. */
    public static InputSpec dense(int denseSize) {
        return new InputSpec(denseSize, List.of());
    }

    /** Width of the vector the first level reads: dense size plus the embedding widths. */
    public int width() {
        return denseSize + categorical.stream().mapToInt(CategoricalField::embeddingDim).sum();
    }

    /** True when there are single-valued categorical fields (and hence a categorical-id input array). */
    public boolean hasCategorical() {
        return !singleValued().isEmpty();
    }

    /** The single-valued fields, in the column order of the categorical-id array. */
    public List<CategoricalField> singleValued() {
        return categorical.stream().filter(f -> !f.multiValued()).toList();
    }

    /** The bag fields, in input order. */
    public List<CategoricalField> bags() {
        return categorical.stream().filter(CategoricalField::multiValued).toList();
    }

    /** The embedding tables, in the order their first field appears. */
    public List<EmbeddingTable> tables() {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Map<String, CategoricalField> first = new LinkedHashMap<>();
        for (CategoricalField f : categorical) {
            fields.computeIfAbsent(f.table(), t -> new ArrayList<>()).add(f.name());
            first.putIfAbsent(f.table(), f);
        }
        List<EmbeddingTable> out = new ArrayList<>();
        first.forEach((t, f) -> out.add(new EmbeddingTable(t, f.vocabularySize(), f.embeddingDim(), fields.get(t))));
        return out;
    }
}
