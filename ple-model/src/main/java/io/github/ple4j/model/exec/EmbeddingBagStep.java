package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Runs an {@link EmbeddingBag}: sums the table rows of each bag's ids straight into the output row (float sums for
 * a FLOAT table, double for DOUBLE), reading the rows of a few ids ahead first so that their cache misses overlap.
 */
final class EmbeddingBagStep extends BufferedStep {
    private final EmbeddingBag bag;
    private INDArray lastTable;
    private NativeRows tableRows;
    private INDArray lastOut;
    private NativeRows outRows;
    private float[] floatSum;
    private double[] doubleSum;
    /** Keeps the read-ahead touches from being optimised away. */
    private double sink;

    EmbeddingBagStep(EmbeddingBag bag, int[] in, int[] out, DataType[] outTypes) {
        super(null, in, out, outTypes);
        this.bag = bag;
    }

    @Override
    void run(INDArray[] values) {
        INDArray ids = values[in[0]];
        INDArray table = values[in[1]];
        try {
            if (ids.rank() != 2 || !ids.dataType().isIntType()) {
                throw new IllegalArgumentException("the ids of a bag must be an integer [batch, length] array but are "
                        + ids.dataType() + " " + Arrays.toString(ids.shape()));
            }
            if (table.dataType() != outTypes[0]) {
                throw new IllegalArgumentException("the table is " + table.dataType() + " but the pooled output "
                        + outTypes[0]);
            }
            int batch = (int) ids.size(0);
            int length = (int) ids.size(1);
            int dim = (int) table.size(1);
            INDArray result = matrixBuffer(outTypes[0], batch, dim);
            if (table != lastTable) {
                tableRows = NativeRows.of(table);
                lastTable = table;
            }
            if (result != lastOut) {
                outRows = NativeRows.of(result);
                lastOut = result;
            }
            long[] id = NativeArrays.longs(ids);
            long rows = table.size(0);
            boolean single = table.dataType() == DataType.FLOAT;
            if (single && (floatSum == null || floatSum.length != dim)) {
                floatSum = new float[dim];
            } else if (!single && (doubleSum == null || doubleSum.length != dim)) {
                doubleSum = new double[dim];
            }
            double touched = 0;
            for (int b = 0; b < batch; b++) {
                if (single) {
                    Arrays.fill(floatSum, 0f);
                } else {
                    Arrays.fill(doubleSum, 0d);
                }
                int count = 0;
                int base = b * length;
                for (int l = 0; l < length; l++) {
                    int i = base + l;
                    touched += tableRows.readAhead(id, 0, 1, i, id.length);
                    long v = id[i];
                    if (v < 0) {
                        continue;
                    }
                    if (v >= rows) {
                        throw new IllegalArgumentException("id " + v + " at row " + b + ", position " + l
                                + " is outside the table's " + rows + " rows");
                    }
                    if (single) {
                        tableRows.accumulate(v, floatSum);
                    } else {
                        tableRows.accumulate(v, doubleSum);
                    }
                    count++;
                }
                if (bag.mean() && count > 1) {
                    for (int j = 0; j < dim; j++) {
                        if (single) {
                            floatSum[j] /= count;
                        } else {
                            doubleSum[j] /= count;
                        }
                    }
                }
                if (single) {
                    outRows.put(b, floatSum);
                } else {
                    outRows.write(b, doubleSum, 0);
                }
            }
            sink += touched;
            values[out[0]] = result;
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
    }

    @Override
    RuntimeException failure(Exception e, INDArray[] values) {
        return new IllegalStateException("the pooled bag '" + bag.output() + "' (ids " + bag.ids() + ", table "
                + bag.table() + ") failed: " + e.getMessage(), e);
    }

    @Override
    void reset() {
        super.reset();
        lastOut = null;
        outRows = null;
    }

    @Override
    String kind() {
        return "embedding_bag (fused)";
    }
}
