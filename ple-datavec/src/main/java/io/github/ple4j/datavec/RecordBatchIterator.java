package io.github.ple4j.datavec;

import io.github.ple4j.model.graph.GraphSignature;
import org.datavec.api.records.reader.RecordReader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams records into MultiDataSets laid out as a {@link GraphSignature} says: features in
 * {@link GraphSignature#featureInputs()} order, one [B, 1] label and one [B, 1] 0/1 mask array per task of
 * {@link GraphSignature#tasks()}. Holds one batch of records at a time; the last batch may be smaller.
 */
final class RecordBatchIterator implements CloseableMultiDataSetIterator {
    private static final long serialVersionUID = 1L;
    private final RowEncoder encoder;
    private final transient RecordCursor cursor;
    private final List<String> featureInputs;
    /** For each label array of the signature, the preprocessor's task index. */
    private final int[] taskOrder;
    private final int batchSize;
    private MultiDataSetPreProcessor preProcessor;

    RecordBatchIterator(RowEncoder encoder, RecordReader reader, GraphSignature signature, int[] taskOrder, int batchSize) {
        this.encoder = encoder;
        this.cursor = new RecordCursor(reader);
        this.featureInputs = signature.featureInputs();
        this.taskOrder = taskOrder.clone();
        this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
        return cursor.hasNext();
    }

    @Override
    public MultiDataSet next() {
        return next(batchSize);
    }

    @Override
    public MultiDataSet next(int num) {
        if (num < 1) {
            throw new IllegalArgumentException("num must be >= 1 but was " + num);
        }
        RowEncoder.Batch b = encoder.newBatch(num);
        int n = 0;
        while (n < num && cursor.hasNext()) {
            encoder.encode(cursor.next(), b, n++);
        }
        if (n == 0) {
            throw new NoSuchElementException("no more records");
        }
        INDArray[] features = features(encoder, featureInputs, b, n);
        INDArray[] labels = new INDArray[taskOrder.length];
        INDArray[] masks = new INDArray[taskOrder.length];
        for (int k = 0; k < taskOrder.length; k++) {
            labels[k] = matrix(b.labels[taskOrder[k]], n, 1);
            masks[k] = matrix(b.masks[taskOrder[k]], n, 1);
        }
        org.nd4j.linalg.dataset.MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(features, labels, null, masks);
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    /**
     * The feature arrays of the first {@code n} rows, in the order of the signature's feature inputs: dense FLOAT
     * [n, F], ids INT64 [n, C], and per bag field INT64 [n, L] with L the batch's longest bag (at least 1), each
     * row's ids followed by {@link GraphSignature#BAG_PADDING}.
     */
    static INDArray[] features(RowEncoder encoder, List<String> featureInputs, RowEncoder.Batch b, int n) {
        INDArray[] features = new INDArray[featureInputs.size()];
        for (int i = 0; i < features.length; i++) {
            String name = featureInputs.get(i);
            if (name.equals(GraphSignature.DENSE)) {
                features[i] = matrix(b.dense, n, encoder.denseWidth());
            } else if (name.equals(GraphSignature.CATEGORICAL)) {
                int len = n * encoder.idWidth();
                long[] ids = b.ids.length == len ? b.ids : Arrays.copyOf(b.ids, len);
                features[i] = Nd4j.createFromArray(ids).reshape('c', n, encoder.idWidth());
            } else {
                features[i] = bag(encoder, b, encoder.bagIndex(name.substring(GraphSignature.bag("").length())), n);
            }
        }
        return features;
    }

    private static INDArray bag(RowEncoder encoder, RowEncoder.Batch b, int field, int n) {
        int[] length = b.bagLength[field];
        int max = encoder.bagMaxLength(field);
        int width = 1;
        for (int r = 0; r < n; r++) {
            width = Math.max(width, length[r]);
        }
        long[] out = new long[n * width];
        Arrays.fill(out, GraphSignature.BAG_PADDING);
        for (int r = 0; r < n; r++) {
            System.arraycopy(b.bags[field], r * max, out, r * width, length[r]);
        }
        return Nd4j.createFromArray(out).reshape('c', n, width);
    }

    private static INDArray matrix(float[] data, int rows, int cols) {
        int len = rows * cols;
        return Nd4j.create(data.length == len ? data : Arrays.copyOf(data, len), new long[]{rows, cols}, 'c');
    }

    @Override
    public void reset() {
        cursor.reset();
    }

    @Override
    public void startEpoch(int epoch) {
        cursor.startEpoch(epoch);
    }

    @Override
    public boolean resetSupported() {
        return cursor.resetSupported();
    }

    /** Every batch is new arrays, so prefetching is safe. */
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

    @Override
    public void close() {
        cursor.close();
    }
}
