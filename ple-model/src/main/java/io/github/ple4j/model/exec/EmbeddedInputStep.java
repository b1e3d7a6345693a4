package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Runs an {@link EmbeddedInput}: block by block (the dense features, each field, each pooled bag), every batch row's
 * values are copied into the block's columns of the output row; table rows a few ids ahead are touched first so that
 * their cache misses overlap with the copies.
 */
final class EmbeddedInputStep extends BufferedStep {
    private final EmbeddedInput input;
    private final int dense;
    private final int ids;
    private final int firstTable;
    private final int firstPooled;
    private final INDArray[] seen;
    private final NativeRows[] rows;
    private INDArray lastOut;
    private NativeRows outRows;
    /** Keeps the read-ahead touches from being optimised away. */
    private double sink;

    EmbeddedInputStep(EmbeddedInput input, int[] in, int[] out, DataType[] outTypes) {
        super(null, in, out, outTypes);
        this.input = input;
        int k = 0;
        this.dense = input.dense() != null ? k++ : -1;
        this.ids = input.ids() != null ? k++ : -1;
        this.firstTable = k;
        this.firstPooled = k + input.tables().size();
        this.seen = new INDArray[in.length];
        this.rows = new NativeRows[in.length];
    }

    @Override
    void run(INDArray[] values) {
        try {
            DataType type = outTypes[0];
            long batch = -1;
            int width = 0;
            for (int i = 0; i < in.length; i++) {
                if (i == ids) {
                    continue;
                }
                INDArray a = values[in[i]];
                if (a.dataType() != type || a.rank() != 2) {
                    throw new IllegalArgumentException("'" + input.inputs().get(i) + "' should be a " + type
                            + " matrix but is " + a.dataType() + " " + Arrays.toString(a.shape()));
                }
                if (i < firstTable || i >= firstPooled) {
                    batch = checkBatch(batch, a.size(0), i);
                }
                width += (int) a.size(1);
                if (a != seen[i]) {
                    // a view into a larger array (a caller's slice of a batch, say) is copied once per run
                    boolean spans = ArrayViews.spansBuffer(a);
                    rows[i] = NativeRows.of(spans ? a : a.dup('c'));
                    seen[i] = spans ? a : null;
                }
            }
            long[] id = null;
            int columns = input.tables().size();
            if (ids >= 0) {
                INDArray idArray = values[in[ids]];
                if (idArray.rank() != 2 || idArray.size(1) != columns || !idArray.dataType().isIntType()) {
                    throw new IllegalArgumentException("the ids '" + input.ids() + "' should be an integer [batch, "
                            + columns + "] matrix but are " + idArray.dataType() + " "
                            + Arrays.toString(idArray.shape()));
                }
                batch = checkBatch(batch, idArray.size(0), ids);
                id = NativeArrays.longs(idArray);
            }
            INDArray result = matrixBuffer(type, batch, width);
            if (result != lastOut) {
                outRows = NativeRows.of(result);
                lastOut = result;
            }
            // Block by block: the rows of one table, one after another (a field's rows share its table's pages and,
            // for small tables, its cached lines; row-major order would hop between every table at every row).
            int col = 0;
            if (dense >= 0) {
                for (int b = 0; b < batch; b++) {
                    rows[dense].copyRowInto(b, outRows, b, col);
                }
                col += rows[dense].dim();
            }
            double touched = 0;
            for (int c = 0; c < columns; c++) {
                NativeRows t = rows[firstTable + c];
                for (int b = 0; b < batch; b++) {
                    touched += t.readAhead(id, c, columns, b, (int) batch);
                    long v = id[b * columns + c];
                    if (v < 0 || v >= t.rows()) {
                        throw new IllegalArgumentException("id " + v + " at row " + b + ", column " + c + " is outside"
                                + " the " + t.rows() + " rows of '" + input.tables().get(c) + "'");
                    }
                    t.copyRowInto(v, outRows, b, col);
                }
                col += t.dim();
            }
            for (int k = firstPooled; k < in.length; k++) {
                for (int b = 0; b < batch; b++) {
                    rows[k].copyRowInto(b, outRows, b, col);
                }
                col += rows[k].dim();
            }
            sink += touched;
            values[out[0]] = result;
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
    }

    private long checkBatch(long batch, long rows, int input) {
        if (batch >= 0 && rows != batch) {
            throw new IllegalArgumentException("'" + this.input.inputs().get(input) + "' has " + rows
                    + " rows, the other inputs " + batch);
        }
        return rows;
    }

    @Override
    RuntimeException failure(Exception e, INDArray[] values) {
        return new IllegalStateException("the embedded input '" + input.output() + "' failed: " + e.getMessage(), e);
    }

    @Override
    void reset() {
        super.reset();
        lastOut = null;
        outRows = null;
        Arrays.fill(seen, null);
        Arrays.fill(rows, null);
    }

    @Override
    String kind() {
        return "embedded_input (fused)";
    }
}
