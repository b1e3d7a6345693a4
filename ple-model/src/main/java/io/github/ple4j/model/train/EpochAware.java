package io.github.ple4j.model.train;

/**
 * Data whose order depends on the epoch (a shuffle seeded per epoch, shards reordered every epoch). The fit calls
 * {@link #startEpoch(int)} instead of {@code reset()} at the start of every epoch, so that a run resumed from a
 * checkpoint in epoch e sees epoch e's order, not the first epoch's.
 */
public interface EpochAware {
    /**
     * Positions the data at the start of {@code epoch}: a reset after which the order is the one of that epoch.
     * Calling it twice with the same epoch gives the same order.
     *
     * @param epoch 0-based epoch
     */
    void startEpoch(int epoch);
}
