package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Plain SGD on the rows a step touches: p -= lr g. No state. */
final class RowSgd implements TableOptimizer {
    private final double lr;
    private double[] p = new double[0];

    RowSgd(double lr) {
        this.lr = lr;
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
        NativeRows[] ahead = {t};
        for (int i = 0; i < g.count(); i++) {
            touched += NativeRows.readAhead(g, i, ahead);
            long row = g.row(i);
            t.read(row, p, 0);
            for (int j = 0; j < d; j++) {
                p[j] -= lr * grads[i * d + j];
            }
            t.write(row, p, 0);
        }
        sink += touched;
    }

    private double sink;

    @Override
    public Map<String, INDArray> state() {
        return Map.of();
    }

    @Override
    public void close() {
        // no state
    }
}
