package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Where the network's parameters come from. The network code ({@link PleNetwork}) is written once against
 * this interface: the SameDiff model creates graph variables ({@link SameDiffParams}); a DL4J layer first
 * records names, shapes and initial values ({@link RecordingParams}) and later looks the parameters up in
 * the table DL4J hands it ({@link TableParams}).
 */
public interface ParamSource {
    /** A weight matrix or tensor (counted by the L2 penalty) with row-major initial values. */
    SDVariable weight(String name, double[] values, long... shape);

    /** A bias initialised to zeros (not counted by the L2 penalty). */
    SDVariable bias(String name, long... shape);

    /** The initial-value generator (seeded per parameter path). */
    Initializer init();

    /** Half-width of the uniform initial values of embedding tables. */
    double TABLE_INIT_LIMIT = 0.05;

    /**
     * An embedding table [rows, dim] that the graph differentiates (the one-hot lookup), with initial values
     * uniform in (-{@value #TABLE_INIT_LIMIT}, {@value #TABLE_INIT_LIMIT}) from the seed of its name. Not counted
     * by the L2 penalty.
     */
    SDVariable table(String name, int rows, int dim);

    /**
     * An embedding table read by gather lookups, with the initial values of {@link #table}. The graph does not
     * differentiate it (its gradient comes from the lookups' gradients), so sources that own a SameDiff graph make
     * it a constant; the default is {@link #table}.
     */
    default SDVariable gatheredTable(String name, int rows, int dim) {
        return table(name, rows, dim);
    }
}
