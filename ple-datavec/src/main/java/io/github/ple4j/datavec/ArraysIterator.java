package io.github.ple4j.datavec;

import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mini-batches over in-memory arrays keyed by placeholder name, emitted in the array order of a model's
 * {@link GraphSignature} (features, labels, label masks), optionally reshuffled every epoch with a fixed
 * seed. The order is read from the signature, never written here by hand.
 */
public final class ArraysIterator implements MultiDataSetIterator {
    private static final long serialVersionUID = 1L;
    private final INDArray[] features;
    private final INDArray[] labels;
    private final INDArray[] masks;
    private final int batchSize;
    private final long rows;
    private final Random shuffle;
    private int[] order;
    private int cursor;
    private MultiDataSetPreProcessor preProcessor;

    /**
     * @param signature the model's signature
     * @param arrays    placeholder name to [N, ...] array: every feature and label input of the signature;
     *                  mask inputs are optional (absent means all labelled)
     * @param batchSize rows per batch (the last batch may be smaller)
     * @param shuffleSeed seed for a per-epoch shuffle, or null to keep row order
     */
    public ArraysIterator(GraphSignature signature, Map<String, INDArray> arrays, int batchSize, Long shuffleSeed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        this.features = pick(signature.featureInputs(), arrays, true);
        this.labels = pick(signature.labelInputs(), arrays, true);
        INDArray[] m = pick(signature.maskInputs(), arrays, false);
        this.masks = Arrays.stream(m).allMatch(a -> a == null) ? null : m;
        this.rows = features[0].size(0);
        for (String k : arrays.keySet()) {
            if (arrays.get(k).size(0) != rows) {
                throw new IllegalArgumentException("array '" + k + "' has " + arrays.get(k).size(0) + " rows but '"
                        + signature.featureInputs().get(0) + "' has " + rows);
            }
        }
        this.batchSize = batchSize;
        this.shuffle = shuffleSeed == null ? null : new Random(shuffleSeed);
        reset();
    }

    private static INDArray[] pick(List<String> names, Map<String, INDArray> arrays, boolean required) {
        INDArray[] out = new INDArray[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arrays.get(names.get(i));
            if (out[i] == null && required) {
                throw new IllegalArgumentException("no array for '" + names.get(i) + "'; given " + arrays.keySet());
            }
        }
        return out;
    }

    /** Number of rows. */
    public long rows() {
        return rows;
    }

    @Override
    public boolean hasNext() {
        return cursor < rows;
    }

    @Override
    public MultiDataSet next() {
        return next(batchSize);
    }

    @Override
    public MultiDataSet next(int num) {
        int n = (int) Math.min(num, rows - cursor);
        INDArray idx = Nd4j.createFromArray(Arrays.copyOfRange(order, cursor, cursor + n));
        cursor += n;
        org.nd4j.linalg.dataset.MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(take(features, idx),
                take(labels, idx), null, masks == null ? null : take(masks, idx));
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    private static INDArray[] take(INDArray[] arrays, INDArray idx) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : Nd4j.pullRows(arrays[i], 1, idx.toIntVector());
        }
        return out;
    }

    @Override
    public void reset() {
        cursor = 0;
        if (order == null) {
            order = new int[(int) rows];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }
        if (shuffle != null) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }
}
