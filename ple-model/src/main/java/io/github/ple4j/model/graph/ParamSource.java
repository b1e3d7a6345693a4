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
}
