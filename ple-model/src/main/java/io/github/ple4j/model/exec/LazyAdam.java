package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam on the rows a step touches, with ND4J's Adam arithmetic (beta1 0.9, beta2 0.999, epsilon 1e-8; bias
 * correction by the global step t): for a touched row, m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, and
 * p -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps). Untouched rows keep their parameters and moments
 * (dense Adam would decay their moments and move them), as {@code torch.optim.SparseAdam} and TensorFlow's
 * LazyAdam do. When every row is touched every step, this is exactly dense Adam.
 */
final class LazyAdam implements TableOptimizer {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;
    private final double lr;
    private final INDArray m;
    private final INDArray v;
    private final NativeRows mRows;
    private final NativeRows vRows;
    private double[] p = new double[0];
    private double[] mr = new double[0];
    private double[] vr = new double[0];

    LazyAdam(double lr, INDArray table) {
        this.lr = lr;
        this.m = Nd4j.zeros(table.dataType(), table.shape());
        this.v = Nd4j.zeros(table.dataType(), table.shape());
        this.mRows = NativeRows.of(m);
        this.vRows = NativeRows.of(v);
    }

    @Override
    public void update(INDArray table, RowGradients g, long step) {
        NativeRows t = NativeRows.of(table);
        int d = g.dim();
        if (p.length != d) {
            p = new double[d];
            mr = new double[d];
            vr = new double[d];
        }
        double b1t = Math.pow(BETA1, step + 1);
        double b2t = Math.pow(BETA2, step + 1);
        double alpha = lr * Math.sqrt(1 - b2t) / (1 - b1t);
        double[] grads = g.values();
        double touched = 0;
        NativeRows[] ahead = {t, mRows, vRows};
        for (int i = 0; i < g.count(); i++) {
            // Start the memory reads of the next rows (random rows of a large table miss every cache).
            touched += NativeRows.readAhead(g, i, ahead);
            long row = g.row(i);
            t.read(row, p, 0);
            mRows.read(row, mr, 0);
            vRows.read(row, vr, 0);
            int base = i * d;
            for (int j = 0; j < d; j++) {
                double gj = grads[base + j];
                mr[j] = BETA1 * mr[j] + (1 - BETA1) * gj;
                vr[j] = BETA2 * vr[j] + (1 - BETA2) * gj * gj;
                p[j] -= alpha * mr[j] / (Math.sqrt(vr[j]) + EPSILON);
            }
            t.write(row, p, 0);
            mRows.write(row, mr, 0);
            vRows.write(row, vr, 0);
        }
        sink += touched;
    }

    /** Keeps the touches from being optimised away. */
    private double sink;

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put("m", m);
        s.put("v", v);
        return s;
    }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
