package io.github.ple4j.model.exec;

import java.util.List;

/**
 * A pooled bag lookup the plan computes with one kernel in place of the graph's ops for it: {@code output[b] =
 * sum_l E[ids[b, l]]} over the ids that are not padding (negative), divided by max(1, their number) for a mean, as
 * torch.nn.EmbeddingBag does. The graph builds the same value from element-wise ops (a mask, a gather of every
 * position padding included, a product and a sum: seven ops, the gather and product over [B, L, D]); the kernel
 * reads only the rows of real ids. Tests hold the plan to the graph's value.
 *
 * @param output the pooled variable [B, D] the graph computes
 * @param ids    the bag's id placeholder [B, L] (INT64, negative = padding)
 * @param table  the table [V, D] the bag looks up
 * @param mean   whether the pooling divides by the bag's size
 */
public record EmbeddingBag(String output, String ids, String table, boolean mean) implements FusedOp {
    @Override
    public List<String> inputs() {
        return List.of(ids, table);
    }
}
