package io.github.ple4j.cli.job;

/**
 * How training rows are ordered. Logs are usually sorted (by time, by user), which biases a model trained in file
 * order, so rows pass through a seeded shuffle buffer and the part files of a sharded input are read in a new
 * order every epoch. Validation, evaluation and prediction read in file order. A resumed run sees the same order
 * as an uninterrupted one.
 *
 * @param bufferRows rows held by the shuffle buffer (default {@value #DEFAULT_BUFFER_ROWS}; 1 reads in file
 *                   order); memory grows with it, by about the size of a parsed row each
 * @param seed       the shuffle seed (default: the model's seed)
 * @param shards     reorder the part files of a sharded input every epoch (default true)
 */
public record ShuffleSpec(Integer bufferRows, Long seed, Boolean shards) {
    /** Rows the buffer holds when the job does not say. */
    public static final int DEFAULT_BUFFER_ROWS = 10_000;

    public ShuffleSpec {
        bufferRows = Validation.atLeast("shuffle.bufferRows", bufferRows, 1, DEFAULT_BUFFER_ROWS);
        shards = shards == null ? Boolean.TRUE : shards;
    }

    /** The defaults. */
    public static ShuffleSpec defaults() {
        return new ShuffleSpec(null, null, null);
    }

    /** Whether rows are shuffled at all. */
    public boolean shufflesRows() {
        return bufferRows > 1;
    }
}
