package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * {@code concat} along a leading axis of contiguous arrays: each input is one block of the output, copied
 * with an assign (libnd4j's concat of [n, B, h] tensors ran at a fifth of copy speed). Other cases use the
 * op.
 */
final class ConcatStep extends BufferedStep {
    private final int axisArg;
    private final DynamicCustomOp assign = DynamicCustomOp.builder("assign").build();
    private CachedOpContext[] copies = new CachedOpContext[0];
    private INDArray[] blocks;
    private boolean fast;
    private boolean byColumns;
    /** Column case: the output and the inputs' shapes viewed as [outer, inner] matrices. */
    private INDArray columnsOut;
    private INDArray[] columnParts;
    private final ColumnBlocks columnCopy = new ColumnBlocks();
    /** Column case: the inputs last seen and their [outer, inner] views (ND4J's reshape costs microseconds). */
    private INDArray[] lastParts = new INDArray[0];
    private INDArray[] partViews = new INDArray[0];

    ConcatStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, int axis) {
        super(op, in, out, outTypes);
        this.axisArg = axis;
        useFallback(outTypes);
    }

    @Override
    void run(INDArray[] values) {
        INDArray[] xs = new INDArray[in.length];
        for (int i = 0; i < in.length; i++) {
            xs[i] = values[in[i]];
        }
        if (!sameInputs(values)) {
            freeBuffers();
            int rank = xs[0].rank();
            int axis = axisArg < 0 ? axisArg + rank : axisArg;
            fast = axis >= 0 && axis < rank && ArrayViews.blockwise(xs, axis, outTypes[0]);
            byColumns = false;
            INDArray[] flat = fast ? null : ArrayViews.asColumns(xs, axis, outTypes[0]);
            if (fast) {
                long[] shape = xs[0].shape().clone();
                shape[axis] = 0;
                for (INDArray x : xs) {
                    shape[axis] += x.size(axis);
                }
                buffers = new INDArray[]{newBuffer(0, outTypes[0], shape)};
                blocks = ArrayViews.blocks(buffers[0], xs);
            } else if (flat != null) {
                // Along an inner axis (the model input's columns, a gate's expert groups [B, n_i, h]): viewed as
                // [outer, inner] matrices each input is a column block of the output (libnd4j's concat took 0.7 ms
                // for 27 parts of [256, 16] and 50 µs for two of [256, n, 16]).
                long[] shape = xs[0].shape().clone();
                shape[axis] = 0;
                long width = 0;
                for (int i = 0; i < xs.length; i++) {
                    shape[axis] += xs[i].size(axis);
                    width += flat[i].size(1);
                }
                buffers = new INDArray[]{newBuffer(0, outTypes[0], shape)};
                columnsOut = buffers[0].reshape('c', new long[]{flat[0].size(0), width});
                blocks = ArrayViews.columnBlocks(columnsOut, flat);
                columnParts = flat;
                fast = true;
                byColumns = true;
            } else {
                buffers = new INDArray[0];
            }
            if (fast && copies.length != xs.length) {
                copies = new CachedOpContext[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    copies[i] = new CachedOpContext(null, null, null, null);
                }
            }
            remember(values);
        }
        if (!fast) {
            fallback.run(values);
            return;
        }
        try {
            if (byColumns) {
                joinColumns(xs);
            } else {
                for (int i = 0; i < xs.length; i++) {
                    copies[i].in(0, blocks[i]).in(1, xs[i]).out(0, blocks[i]).exec(assign);
                }
            }
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
        values[out[0]] = buffers[0];
    }

    private void joinColumns(INDArray[] xs) {
        if (partViews.length != xs.length) {
            partViews = new INDArray[xs.length];
            lastParts = new INDArray[xs.length];
        }
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] != lastParts[i]) {
                partViews[i] = xs[i].reshape('c', columnParts[i].shape());
                lastParts[i] = xs[i];
            }
        }
        if (ColumnBlocks.supported(partViews, columnsOut)) {
            columnCopy.join(partViews, columnsOut);
            return;
        }
        for (int i = 0; i < xs.length; i++) {
            copies[i].in(0, blocks[i]).in(1, partViews[i]).out(0, blocks[i]).exec(assign);
        }
    }

    @Override
    String kind() {
        return op.opName() + REWRITTEN;
    }
}
