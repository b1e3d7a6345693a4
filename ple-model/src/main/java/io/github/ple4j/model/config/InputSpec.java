package io.github.ple4j.model.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model input: a dense feature vector plus optional categorical fields. Each categorical field's id is
 * looked up in its embedding table and the embeddings are concatenated after the dense part, so the first
 * extraction level reads a vector of width {@link #width()}.
 *
 * @param denseSize   size F of the dense feature vector (0 when the model has only categorical inputs)
 * @param categorical categorical fields, in the column order of the categorical-id array
 */
public record InputSpec(int denseSize, List<CategoricalField> categorical) {
    public InputSpec {
        Checks.nonNegative("inputs.denseSize", denseSize);
        categorical = categorical == null ? List.of() : Checks.elements("inputs.categorical", categorical);
        Set<String> seen = new HashSet<>();
        for (CategoricalField f : categorical) {
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("inputs.categorical has the field name '" + f.name() + "' twice");
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

    /** True when there are categorical fields (and hence a categorical-id input array). */
    public boolean hasCategorical() {
        return !categorical.isEmpty();
    }
}
