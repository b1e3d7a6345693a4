package io.github.ple4j.model.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The first level's input of a gather graph computed row by row: {@code output[b] = [dense[b], E_1[ids[b, 0]], ...,
 * E_C[ids[b, C-1]], pooled_1[b], ...]}, each table row copied straight into its place. The graph builds it from a
 * column pick, a gather per field and a concatenation (2C + 1 ops and a second copy of every row).
 *
 * @param output the concatenated input [B, width]
 * @param dense  the dense features [B, F], or null without them
 * @param ids    the single-valued ids [B, C] (INT64), or null without single-valued fields
 * @param tables the table [V_c, D_c] of each single-valued field, in column order
 * @param pooled the pooled bags [B, D_k] that follow, in order
 */
public record EmbeddedInput(String output, String dense, String ids, List<String> tables, List<String> pooled)
        implements FusedOp {
    public EmbeddedInput {
        tables = List.copyOf(tables);
        pooled = List.copyOf(pooled);
        if ((ids == null) != tables.isEmpty()) {
            throw new IllegalArgumentException("single-valued fields need both the ids and their tables");
        }
    }

    @Override
    public List<String> inputs() {
        List<String> in = new ArrayList<>();
        if (dense != null) {
            in.add(dense);
        }
        if (ids != null) {
            in.add(ids);
        }
        in.addAll(tables);
        in.addAll(pooled);
        return in;
    }
}
