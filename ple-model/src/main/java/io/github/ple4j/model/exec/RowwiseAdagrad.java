package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * AdaGrad with one accumulator per table row (as TorchRec's row-wise AdaGrad): for a touched row,
 * a += mean_j g_j^2 and p -= lr g / (sqrt(a) + eps), eps = 1e-8. A quarter of Adam's state for width-16 rows.
 */
final class RowwiseAdagrad implements TableOptimizer {
    static final double EPSILON = 1e-8;
    private final double lr;
    private final INDArray accumulator;
    private final NativeRows acc;
    private double[] p = new double[0];
    private final double[] a = new double[1];

    RowwiseAdagrad(double lr, INDArray table) {
        this.lr = lr;
        this.accumulator = Nd4j.zeros(table.dataType(), table.size(0), 1);
        this.acc = NativeRows.of(accumulator);
    }

    @Override
    public void update(INDArray table, RowGradients g, long step) {
        NativeRows t = NativeRows.of(table);
        int d = g.dim();
        if (p.length != d) {
            p = new double[d];
        }
        double[] grads = g.values();
        double touched = 0;
        NativeRows[] ahead = {t, acc};
        for (int i = 0; i < g.count(); i++) {
            touched += NativeRows.readAhead(g, i, ahead);
            long row = g.row(i);
            int base = i * d;
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += grads[base + j] * grads[base + j];
            }
            acc.read(row, a, 0);
            a[0] += sq / d;
            acc.write(row, a, 0);
            double scale = lr / (Math.sqrt(acc.get(row, 0)) + EPSILON);
            t.read(row, p, 0);
            for (int j = 0; j < d; j++) {
                p[j] -= scale * grads[base + j];
            }
            t.write(row, p, 0);
        }
        sink += touched;
    }

    private double sink;

    @Override
    public Map<String, INDArray> state() {
        return Map.of("accumulator", accumulator);
    }

    @Override
    public void close() {
        accumulator.close();
    }
}
