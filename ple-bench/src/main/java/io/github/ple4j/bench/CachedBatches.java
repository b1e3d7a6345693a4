package io.github.ple4j.bench;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Batches read once from another iterator and kept in memory, so repeated epochs do not parse the source
 * again; the batch order is reshuffled every epoch with a fixed seed (or kept, without a seed).
 */
final class CachedBatches implements MultiDataSetIterator {
    private static final long serialVersionUID = 1L;
    private final List<MultiDataSet> batches;
    private final Random shuffle;
    private int cursor;

    CachedBatches(MultiDataSetIterator source, Long shuffleSeed) {
        List<MultiDataSet> list = new ArrayList<>();
        while (source.hasNext()) {
            list.add(source.next());
        }
        this.batches = list;
        this.shuffle = shuffleSeed == null ? null : new Random(shuffleSeed);
        reset();
    }

    /** Number of rows. */
    long rows() {
        return batches.stream().mapToLong(b -> b.getFeatures(0).size(0)).sum();
    }

    @Override
    public MultiDataSet next(int num) {
        return next();
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("cached batches take no preprocessor");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        cursor = 0;
        if (shuffle != null) {
            Collections.shuffle(batches, shuffle);
        }
    }

    @Override
    public boolean hasNext() {
        return cursor < batches.size();
    }

    @Override
    public MultiDataSet next() {
        return batches.get(cursor++);
    }
}
