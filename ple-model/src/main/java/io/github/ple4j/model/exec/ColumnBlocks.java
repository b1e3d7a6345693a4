package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies between a rank-2 array [B, W] and its column blocks [B, w_i] (which together span its columns, in order):
 * the concatenation of the model input (dense features and one embedding per field), of a gate's expert groups, and
 * their gradients. Each array is moved between native and Java memory in one bulk copy, and the rows are interleaved
 * in Java with {@code System.arraycopy}: libnd4j's strided assign and concat_bp took 30-40 µs per [256, 16] block,
 * and one NIO bulk copy per row (768 of them for three blocks of 256 rows) about 40 µs in all. One instance per
 * call site: the scratch arrays are its own, so it is not for concurrent use.
 */
final class ColumnBlocks {
    private float[] wholeF = new float[0];
    private float[] partF = new float[0];
    private double[] wholeD = new double[0];
    private double[] partD = new double[0];

    /** Whether both arrays can be copied between here: FLOAT or DOUBLE, linear C order, spanning their buffers. */
    static boolean supported(INDArray block, INDArray whole) {
        return block.dataType() == whole.dataType()
                && (block.dataType() == DataType.FLOAT || block.dataType() == DataType.DOUBLE)
                && ArrayViews.direct(block) && ArrayViews.direct(whole) && block.rank() == 2 && whole.rank() == 2
                && block.size(0) == whole.size(0);
    }

    /** Whether every block can be copied to or from {@code whole} and their widths add up to its width. */
    static boolean supported(INDArray[] blocks, INDArray whole) {
        long width = 0;
        for (INDArray b : blocks) {
            if (!supported(b, whole)) {
                return false;
            }
            width += b.size(1);
        }
        return width == whole.size(1);
    }

    /** whole = [blocks[0], blocks[1], ...] along the columns. Requires {@link #supported(INDArray[], INDArray)}. */
    void join(INDArray[] blocks, INDArray whole) {
        int rows = (int) whole.size(0);
        int width = (int) whole.size(1);
        int n = rows * width;
        if (whole.dataType() == DataType.FLOAT) {
            if (wholeF.length < n) {
                wholeF = new float[n];
            }
            int off = 0;
            for (INDArray b : blocks) {
                int w = (int) b.size(1);
                partF = read(b, partF);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(partF, r * w, wholeF, r * width + off, w);
                }
                off += w;
            }
            floats(whole).put(wholeF, 0, n);
        } else {
            if (wholeD.length < n) {
                wholeD = new double[n];
            }
            int off = 0;
            for (INDArray b : blocks) {
                int w = (int) b.size(1);
                partD = read(b, partD);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(partD, r * w, wholeD, r * width + off, w);
                }
                off += w;
            }
            doubles(whole).put(wholeD, 0, n);
        }
    }

    /** blocks[i] = the i-th column block of whole. Requires {@link #supported(INDArray[], INDArray)}. */
    void split(INDArray whole, INDArray[] blocks) {
        int rows = (int) whole.size(0);
        int width = (int) whole.size(1);
        if (whole.dataType() == DataType.FLOAT) {
            wholeF = read(whole, wholeF);
            int off = 0;
            for (INDArray b : blocks) {
                int w = (int) b.size(1);
                if (partF.length < rows * w) {
                    partF = new float[rows * w];
                }
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(wholeF, r * width + off, partF, r * w, w);
                }
                floats(b).put(partF, 0, rows * w);
                off += w;
            }
        } else {
            wholeD = read(whole, wholeD);
            int off = 0;
            for (INDArray b : blocks) {
                int w = (int) b.size(1);
                if (partD.length < rows * w) {
                    partD = new double[rows * w];
                }
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(wholeD, r * width + off, partD, r * w, w);
                }
                doubles(b).put(partD, 0, rows * w);
                off += w;
            }
        }
    }

    private static float[] read(INDArray a, float[] scratch) {
        float[] v = scratch.length >= a.length() ? scratch : new float[(int) a.length()];
        floats(a).get(v, 0, (int) a.length());
        return v;
    }

    private static double[] read(INDArray a, double[] scratch) {
        double[] v = scratch.length >= a.length() ? scratch : new double[(int) a.length()];
        doubles(a).get(v, 0, (int) a.length());
        return v;
    }

    private static java.nio.FloatBuffer floats(INDArray a) {
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }

    private static java.nio.DoubleBuffer doubles(INDArray a) {
        DoublePointer p = new DoublePointer(a.data().addressPointer());
        p.position(0).limit(a.length());
        return p.asBuffer();
    }
}
