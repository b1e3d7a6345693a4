package io.github.ple4j.model.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Batches held in memory, served as a resettable {@link MultiDataSetIterator}; the batch order is kept, or
 * reshuffled at every {@link #reset()} with a fixed seed. Built from a list, by splitting one MultiDataSet
 * into consecutive row ranges ({@link #split}), or by reading another iterator once ({@link #cache}) so that
 * repeated epochs do not parse their source again.
 */
public final class InMemoryBatches implements MultiDataSetIterator {
    private static final long serialVersionUID = 1L;
    private final List<MultiDataSet> batches;
    private final Random shuffle;
    private int cursor;

    /**
     * @param batches     the batches, served in this order (or shuffled)
     * @param shuffleSeed seed of the per-epoch reshuffle of the batch order, or null to keep the order
     */
    public InMemoryBatches(List<? extends MultiDataSet> batches, Long shuffleSeed) {
        this.batches = new ArrayList<>(batches);
        this.shuffle = shuffleSeed == null ? null : new Random(shuffleSeed);
        reset();
    }

    /**
     * Splits a MultiDataSet of 2-D arrays into batches of {@code batchSize} consecutive rows (the last one may
     * be smaller), copying the rows; label masks, and null mask entries, are carried over.
     */
    public static InMemoryBatches split(MultiDataSet all, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        List<MultiDataSet> list = new ArrayList<>();
        long n = all.getFeatures(0).size(0);
        for (long from = 0; from < n; from += batchSize) {
            list.add(rows(all, from, Math.min(n, from + batchSize)));
        }
        return new InMemoryBatches(list, null);
    }

    /** Reads every batch of {@code source} (from its current position) into memory. */
    public static InMemoryBatches cache(MultiDataSetIterator source, Long shuffleSeed) {
        List<MultiDataSet> list = new ArrayList<>();
        while (source.hasNext()) {
            list.add(source.next());
        }
        return new InMemoryBatches(list, shuffleSeed);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of every array of {@code m}, copied. */
    public static MultiDataSet rows(MultiDataSet m, long from, long to) {
        INDArray[] f = new INDArray[m.numFeatureArrays()];
        for (int i = 0; i < f.length; i++) {
            f[i] = rows(m.getFeatures(i), from, to);
        }
        INDArray[] l = new INDArray[m.numLabelsArrays()];
        for (int i = 0; i < l.length; i++) {
            l[i] = rows(m.getLabels(i), from, to);
        }
        INDArray[] lm = null;
        if (m.getLabelsMaskArrays() != null) {
            lm = new INDArray[l.length];
            for (int i = 0; i < l.length; i++) {
                lm[i] = m.getLabelsMaskArray(i) == null ? null : rows(m.getLabelsMaskArray(i), from, to);
            }
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(f, l, null, lm);
    }

    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
    }

    /** Number of batches. */
    public int size() {
        return batches.size();
    }

    /** Number of rows over all batches. */
    public long rows() {
        return batches.stream().mapToLong(b -> b.getFeatures(0).size(0)).sum();
    }

    @Override
    public boolean hasNext() {
        return cursor < batches.size();
    }

    @Override
    public MultiDataSet next() {
        return batches.get(cursor++);
    }

    /** The next batch, whatever {@code num} says: the batches are fixed. */
    @Override
    public MultiDataSet next(int num) {
        return next();
    }

    @Override
    public void reset() {
        cursor = 0;
        if (shuffle != null) {
            Collections.shuffle(batches, shuffle);
        }
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
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("in-memory batches take no preprocessor; preprocess before building them");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }
}
