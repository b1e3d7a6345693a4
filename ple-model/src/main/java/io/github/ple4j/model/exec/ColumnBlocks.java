package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Copies between a rank-2 array [B, W] and one of its column blocks [B, w], row by row with bulk copies through
 * direct NIO buffers: the concatenation of the model input (dense features and one embedding per field) and its
 * gradient. libnd4j's strided assign and concat_bp took 30-40 µs per [256, 16] block; this takes a few.
 */
final class ColumnBlocks {
    private ColumnBlocks() {
    }

    /** Whether both arrays can be copied between here: FLOAT or DOUBLE, contiguous C order, spanning their buffers. */
    static boolean supported(INDArray block, INDArray whole) {
        return block.dataType() == whole.dataType()
                && (block.dataType() == DataType.FLOAT || block.dataType() == DataType.DOUBLE)
                && direct(block) && direct(whole) && block.rank() == 2 && whole.rank() == 2
                && block.size(0) == whole.size(0);
    }

    private static boolean direct(INDArray a) {
        return ArrayViews.linear(a) && a.data().length() == a.length() && a.length() <= Integer.MAX_VALUE;
    }

    /** whole[:, offset .. offset + w) = block. */
    static void into(INDArray block, INDArray whole, long offset) {
        copy(block, whole, offset, true);
    }

    /** block = whole[:, offset .. offset + w). */
    static void from(INDArray whole, long offset, INDArray block) {
        copy(block, whole, offset, false);
    }

    private static void copy(INDArray block, INDArray whole, long offset, boolean intoWhole) {
        int rows = (int) block.size(0);
        int w = (int) block.size(1);
        int width = (int) whole.size(1);
        int off = (int) offset;
        if (block.dataType() == DataType.FLOAT) {
            FloatBuffer b = floats(block);
            FloatBuffer a = floats(whole);
            for (int r = 0; r < rows; r++) {
                if (intoWhole) {
                    a.put(r * width + off, b, r * w, w);
                } else {
                    b.put(r * w, a, r * width + off, w);
                }
            }
        } else {
            DoubleBuffer b = doubles(block);
            DoubleBuffer a = doubles(whole);
            for (int r = 0; r < rows; r++) {
                if (intoWhole) {
                    a.put(r * width + off, b, r * w, w);
                } else {
                    b.put(r * w, a, r * width + off, w);
                }
            }
        }
    }

    private static FloatBuffer floats(INDArray a) {
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    private static DoubleBuffer doubles(INDArray a) {
        DoublePointer p = new DoublePointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }
}
