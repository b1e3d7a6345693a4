package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.LongBuffer;

/**
 * {@code strided_slice} that picks one column of a C-order [B, C] INT64 matrix, {@code ids.get(all(), point(c))}: the
 * graph takes each categorical field's ids out of the id matrix this way. One strided read per element (libnd4j's
 * op cost about 10 µs per call, one per field and step). Any other slice uses libnd4j's op.
 *
 * <p>{@code strided_slice}'s integer arguments are [begin mask, ellipsis mask, end mask, new-axis mask, shrink-axis
 * mask, begin..., end..., strides...], one begin, end and stride per input axis.
 */
final class ColumnStep extends BufferedStep {
    /** The column picked, or -1 when the op is not a column pick. */
    private final int column;
    private boolean supported;
    private LongBuffer outBuffer;
    private INDArray lastOut;

    ColumnStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
        super(op, in, out, outTypes);
        this.column = column(((org.nd4j.linalg.api.ops.DynamicCustomOp) op).iArgs(), in.length);
        useFallback(outTypes);
    }

    /** The column a slice's arguments pick from a rank-2 input, or -1 when they are anything else. */
    static int column(long[] a, int inputs) {
        if (inputs != 1 || a.length != 5 + 3 * 2) {
            return -1;
        }
        long beginMask = a[0];
        long ellipsisMask = a[1];
        long endMask = a[2];
        long newAxisMask = a[3];
        long shrinkMask = a[4];
        long begin0 = a[5];
        long begin1 = a[6];
        long stride0 = a[9];
        long stride1 = a[10];
        boolean allRows = ((beginMask & 1) != 0 || begin0 == 0) && (endMask & 1) != 0 && stride0 == 1
                && (shrinkMask & 1) == 0;
        boolean point = (shrinkMask & 2) != 0 && (beginMask & 2) == 0 && begin1 >= 0 && stride1 == 1;
        return ellipsisMask == 0 && newAxisMask == 0 && allRows && point && begin1 <= Integer.MAX_VALUE
                ? (int) begin1 : -1;
    }

    @Override
    void run(INDArray[] values) {
        INDArray ids = values[in[0]];
        if (!sameInputs(values)) {
            freeBuffers();
            supported = column >= 0 && ids.rank() == 2 && ids.dataType() == DataType.INT64
                    && outTypes[0] == DataType.INT64 && column < ids.size(1) && ArrayViews.direct(ids);
            buffers = supported ? new INDArray[]{newBuffer(0, DataType.INT64, new long[]{ids.size(0)})} : new INDArray[0];
            if (supported && !ArrayViews.direct(buffers[0])) {
                supported = false;
                freeBuffers();
                buffers = new INDArray[0];
            }
            remember(values);
        }
        if (!supported) {
            fallback.run(values);
            return;
        }
        INDArray result = buffers[0];
        if (result != lastOut) {
            outBuffer = NativeArrays.longBuffer(result);
            lastOut = result;
        }
        int rows = (int) ids.size(0);
        int columns = (int) ids.size(1);
        LongBuffer src = NativeArrays.longBuffer(ids);
        for (int r = 0; r < rows; r++) {
            outBuffer.put(r, src.get(r * columns + column));
        }
        values[out[0]] = result;
    }

    @Override
    void reset() {
        super.reset();
        lastOut = null;
        outBuffer = null;
    }

    @Override
    String kind() {
        return supported ? op.opName() + REWRITTEN : op.opName();
    }
}
