package io.github.ple4j.datavec;

import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/** A MultiDataSetIterator that holds a file or a thread: close it when done. */
public interface CloseableMultiDataSetIterator extends MultiDataSetIterator, AutoCloseable {
    /** Releases the reader and any prefetch thread. */
    @Override
    void close();
}
