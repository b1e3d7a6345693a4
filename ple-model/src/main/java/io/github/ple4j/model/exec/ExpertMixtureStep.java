package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an {@link ExpertMixture}: tile by tile of batch rows, each expert's rows are copied in one bulk read from
 * native memory and added, scaled by their sample's gate weight, into a tile of the output held in a Java array,
 * which is written back in one bulk copy (FLOAT sums for FLOAT arrays, DOUBLE for DOUBLE). Sources that are not
 * contiguous C-order arrays spanning their buffers are mixed with ND4J ops instead. One instance per call site:
 * the scratch arrays are its own.
 */
final class ExpertMixtureStep extends BufferedStep {
    /** Elements of one expert's tile of rows (32 KB of floats: the expert's tile and the output's stay in L1/L2). */
    private static final int TILE = 8192;
    private final ExpertMixture mixture;
    private float[] wF = new float[0];
    private float[] sF = new float[0];
    private float[] accF = new float[0];
    private double[] wD = new double[0];
    private double[] sD = new double[0];
    private double[] accD = new double[0];

    ExpertMixtureStep(ExpertMixture mixture, int[] in, int[] out, DataType[] outTypes) {
        super(null, in, out, outTypes);
        this.mixture = mixture;
    }

    @Override
    void run(INDArray[] values) {
        try {
            INDArray w = values[in[0]];
            int n = mixture.experts();
            DataType type = outTypes[0];
            if (w.rank() != 2 || w.size(1) != n || w.dataType() != type) {
                throw new IllegalArgumentException("the gate weights must be " + type + " [batch, " + n + "] but are "
                        + w.dataType() + " " + Arrays.toString(w.shape()));
            }
            if (type != DataType.FLOAT && type != DataType.DOUBLE) {
                throw new IllegalArgumentException("mixtures are computed for FLOAT and DOUBLE but the output is "
                        + type);
            }
            int batch = (int) w.size(0);
            List<ExpertMixture.Part> parts = mixture.parts();
            INDArray[] sources = new INDArray[parts.size()];
            long h = values[in[1]].rank() == 3 ? values[in[1]].size(2) : -1;
            boolean direct = ArrayViews.direct(w);
            for (int p = 0; p < sources.length; p++) {
                INDArray s = values[in[1 + p]];
                ExpertMixture.Part part = parts.get(p);
                if (s.rank() != 3 || s.size(1) != batch || s.size(2) != h || s.dataType() != type
                        || part.from() + part.count() > s.size(0)) {
                    throw new IllegalArgumentException("part " + p + " (" + part + ") must be " + type + " [>= "
                            + (part.from() + part.count()) + ", " + batch + ", " + h + "] but is " + s.dataType()
                            + " " + Arrays.toString(s.shape()));
                }
                sources[p] = s;
                direct &= ArrayViews.direct(s);
            }
            INDArray result = matrixBuffer(type, batch, h);
            if (!direct || !ArrayViews.direct(result)) {
                mixWithOps(w, sources, result);
            } else if (type == DataType.FLOAT) {
                mixFloat(w, sources, result, batch, (int) h);
            } else {
                mixDouble(w, sources, result, batch, (int) h);
            }
            values[out[0]] = result;
        } catch (RuntimeException e) {
            throw failure(e, values);
        }
    }

    private void mixFloat(INDArray w, INDArray[] sources, INDArray result, int batch, int h) {
        int n = (int) w.size(1);
        if (wF.length < batch * n) {
            wF = new float[batch * n];
        }
        NativeArrays.floats(w).get(0, wF, 0, batch * n);
        FloatBuffer[] src = new FloatBuffer[sources.length];
        for (int p = 0; p < src.length; p++) {
            src[p] = NativeArrays.floats(sources[p]);
        }
        FloatBuffer dst = NativeArrays.floats(result);
        int tileRows = Math.max(1, TILE / Math.max(h, 1));
        if (accF.length < tileRows * h) {
            accF = new float[tileRows * h];
            sF = new float[tileRows * h];
        }
        List<ExpertMixture.Part> parts = mixture.parts();
        for (int b0 = 0; b0 < batch; b0 += tileRows) {
            int rows = Math.min(tileRows, batch - b0);
            int len = rows * h;
            Arrays.fill(accF, 0, len, 0f);
            int i = 0;
            for (int p = 0; p < src.length; p++) {
                ExpertMixture.Part part = parts.get(p);
                for (int k = 0; k < part.count(); k++, i++) {
                    src[p].get(((part.from() + k) * batch + b0) * h, sF, 0, len);
                    for (int r = 0; r < rows; r++) {
                        float g = wF[(b0 + r) * n + i];
                        int base = r * h;
                        for (int j = 0; j < h; j++) {
                            accF[base + j] += g * sF[base + j];
                        }
                    }
                }
            }
            dst.put(b0 * h, accF, 0, len);
        }
    }

    private void mixDouble(INDArray w, INDArray[] sources, INDArray result, int batch, int h) {
        int n = (int) w.size(1);
        if (wD.length < batch * n) {
            wD = new double[batch * n];
        }
        NativeArrays.doubleBuffer(w).get(0, wD, 0, batch * n);
        DoubleBuffer[] src = new DoubleBuffer[sources.length];
        for (int p = 0; p < src.length; p++) {
            src[p] = NativeArrays.doubleBuffer(sources[p]);
        }
        DoubleBuffer dst = NativeArrays.doubleBuffer(result);
        int tileRows = Math.max(1, TILE / Math.max(h, 1));
        if (accD.length < tileRows * h) {
            accD = new double[tileRows * h];
            sD = new double[tileRows * h];
        }
        List<ExpertMixture.Part> parts = mixture.parts();
        for (int b0 = 0; b0 < batch; b0 += tileRows) {
            int rows = Math.min(tileRows, batch - b0);
            int len = rows * h;
            Arrays.fill(accD, 0, len, 0d);
            int i = 0;
            for (int p = 0; p < src.length; p++) {
                ExpertMixture.Part part = parts.get(p);
                for (int k = 0; k < part.count(); k++, i++) {
                    src[p].get(((part.from() + k) * batch + b0) * h, sD, 0, len);
                    for (int r = 0; r < rows; r++) {
                        double g = wD[(b0 + r) * n + i];
                        int base = r * h;
                        for (int j = 0; j < h; j++) {
                            accD[base + j] += g * sD[base + j];
                        }
                    }
                }
            }
            dst.put(b0 * h, accD, 0, len);
        }
    }

    /** The same sum with ND4J ops, for sources laid out otherwise. */
    private void mixWithOps(INDArray w, INDArray[] sources, INDArray result) {
        result.assign(0);
        int i = 0;
        List<ExpertMixture.Part> parts = mixture.parts();
        for (int p = 0; p < sources.length; p++) {
            ExpertMixture.Part part = parts.get(p);
            for (int k = 0; k < part.count(); k++, i++) {
                INDArray expert = sources[p].get(NDArrayIndex.point(part.from() + k), NDArrayIndex.all(),
                        NDArrayIndex.all());
                result.addi(expert.mulColumnVector(w.getColumn(i).reshape(w.size(0), 1)));
            }
        }
    }

    @Override
    RuntimeException failure(Exception e, INDArray[] values) {
        return new IllegalStateException("the gate mixture '" + mixture.output() + "' (weights " + mixture.weights()
                + ", parts " + mixture.parts() + ") failed: " + e.getMessage(), e);
    }

    @Override
    String kind() {
        return "expert_mixture (fused)";
    }
}
