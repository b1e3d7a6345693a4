package io.github.ple4j.datavec;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads batches of another iterator ahead on one background thread, up to a fixed number of batches, so that
 * parsing overlaps training.
 *
 * <p>Why not ND4J's {@code AsyncMultiDataSetIterator}: in 1.0.0-M2.1, when the wrapped iterator throws, its
 * prefetch thread records the exception but never wakes a consumer already waiting on the queue, which then
 * waits forever; and its default workspace mode reuses batch memory. Here an error of the wrapped iterator is
 * handed to the consumer and rethrown (the same exception, so its message and cause are kept), at the point in
 * the stream where it happened, and every batch is a fresh allocation.
 *
 * <p>The thread starts on the first {@link #hasNext()} and is a daemon; {@link #reset()} stops it, resets the
 * wrapped iterator and starts over; {@link #close()} stops it and closes the wrapped iterator.
 */
public final class PrefetchIterator implements CloseableMultiDataSetIterator {
    private static final long serialVersionUID = 1L;

    /** What the worker hands over. */
    private sealed interface Item permits Batch, End, Failure {
    }

    private record Batch(MultiDataSet data) implements Item {
    }

    private record End() implements Item {
    }

    private record Failure(Throwable error) implements Item {
    }

    private final MultiDataSetIterator source;
    private final int capacity;
    private transient BlockingQueue<Item> queue;
    private transient Thread worker;
    private transient volatile boolean stop;
    private transient Item head;

    /**
     * @param source   the iterator to read ahead
     * @param capacity batches held ahead, at least 1
     */
    public PrefetchIterator(MultiDataSetIterator source, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.source = source;
        this.capacity = capacity;
    }

    private void start() {
        queue = new ArrayBlockingQueue<>(capacity + 1);
        stop = false;
        BlockingQueue<Item> q = queue;
        worker = new Thread(() -> produce(q), "ple-datavec-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(BlockingQueue<Item> q) {
        try {
            while (!stop) {
                Item item;
                try {
                    item = source.hasNext() ? new Batch(source.next()) : new End();
                } catch (Throwable t) {
                    item = new Failure(t);
                }
                q.put(item);
                if (!(item instanceof Batch)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped by reset() or close()
        }
    }

    @Override
    public boolean hasNext() {
        if (head == null) {
            if (worker == null) {
                start();
            }
            try {
                head = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (head instanceof Failure f) {
            if (f.error() instanceof RuntimeException r) {
                throw r;
            }
            if (f.error() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f.error());
        }
        return head instanceof Batch;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        MultiDataSet m = ((Batch) head).data();
        head = null;
        return m;
    }

    /** Not supported: the batch size is fixed when prefetching. */
    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("a prefetching iterator returns batches of the size it was made with");
    }

    private void stopWorker() {
        Thread t = worker;
        if (t == null) {
            return;
        }
        stop = true;
        t.interrupt();
        queue.clear();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the prefetch thread", e);
        }
        worker = null;
        queue = null;
        head = null;
    }

    @Override
    public void reset() {
        stopWorker();
        source.reset();
    }

    /** Stops the thread and starts the source's epoch (a reset when the source's order does not depend on it). */
    @Override
    public void startEpoch(int epoch) {
        stopWorker();
        if (source instanceof io.github.ple4j.model.train.EpochAware e) {
            e.startEpoch(epoch);
        } else {
            source.reset();
        }
    }

    @Override
    public boolean resetSupported() {
        return source.resetSupported();
    }

    /** False: this iterator already prefetches. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        source.setPreProcessor(preProcessor);
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return source.getPreProcessor();
    }

    @Override
    public void close() {
        stopWorker();
        if (source instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("could not close the wrapped iterator", e);
            }
        }
    }
}
