package io.github.ple4j.datavec;

import io.github.ple4j.model.train.EpochAware;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * A MultiDataSetIterator that holds a file or a thread: close it when done. It is {@link EpochAware}: when its
 * records are shuffled (or its shards reordered) per epoch, {@link #startEpoch(int)} gives the epoch's order,
 * which is how a resumed fit sees the interrupted epoch's batches again.
 */
public interface CloseableMultiDataSetIterator extends MultiDataSetIterator, AutoCloseable, EpochAware {
    /** Releases the reader and any prefetch thread. */
    @Override
    void close();

    /** Resets; iterators whose order depends on the epoch override this. */
    @Override
    default void startEpoch(int epoch) {
        reset();
    }
}
