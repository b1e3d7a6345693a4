package io.github.ple4j.model.eval;

import io.github.ple4j.model.graph.GateInfo;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates gate weights batch by batch into per-expert means and standard deviations ({@link GateUsage}),
 * the data of the paper's expert-utilisation figure (Fig. 8). {@code PleModel.gateUsage(data)} runs it over a data
 * set.
 */
public final class GateUtilisation {
    private final List<GateInfo> gates;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, double[]> squares = new LinkedHashMap<>();
    private long samples;

    /** Statistics for the given gates ({@code PleModel.gates()}). */
    public GateUtilisation(List<GateInfo> gates) {
        this.gates = List.copyOf(gates);
        for (GateInfo g : this.gates) {
            sums.put(g.output(), new double[g.experts().size()]);
            squares.put(g.output(), new double[g.experts().size()]);
        }
    }

    /**
     * Adds one batch of gate weights, as {@code PleModel.gateWeights} returns them: output name to [B, experts].
     * Every gate must be present with the same number of rows.
     */
    public void add(Map<String, INDArray> weights) {
        Map<String, double[][]> rows = new LinkedHashMap<>();
        for (GateInfo g : gates) {
            INDArray w = weights.get(g.output());
            if (w == null) {
                throw new IllegalArgumentException("no weights for gate '" + g.output() + "'; given " + weights.keySet());
            }
            rows.put(g.output(), w.toDoubleMatrix());
        }
        addRows(rows);
    }

    /** Adds one batch of gate weights as Java arrays: output name to rows of [experts] weights. */
    public void addRows(Map<String, double[][]> weights) {
        long batch = -1;
        for (GateInfo g : gates) {
            double[][] w = weights.get(g.output());
            if (w == null) {
                throw new IllegalArgumentException("no weights for gate '" + g.output() + "'; given " + weights.keySet());
            }
            if (batch >= 0 && w.length != batch) {
                throw new IllegalArgumentException("gate '" + g.output() + "' has " + w.length + " rows but another gate has " + batch);
            }
            batch = w.length;
            double[] s = sums.get(g.output());
            double[] q = squares.get(g.output());
            for (double[] row : w) {
                if (row.length != s.length) {
                    throw new IllegalArgumentException("gate '" + g.output() + "' mixes " + s.length + " experts but a row has "
                            + row.length + " weights");
                }
                for (int e = 0; e < s.length; e++) {
                    s[e] += row[e];
                    q[e] += row[e] * row[e];
                }
            }
        }
        samples += Math.max(batch, 0);
    }

    /** Number of samples added so far. */
    public long samples() {
        return samples;
    }

    /**
     * The statistics so far, in gate order. Standard deviations are population ones (divided by the number
     * of samples).
     *
     * @throws IllegalStateException when no sample was added
     */
    public List<GateUsage> result() {
        if (samples == 0 && !gates.isEmpty()) {
            throw new IllegalStateException("no gate weights were added");
        }
        List<GateUsage> out = new ArrayList<>();
        for (GateInfo g : gates) {
            double[] s = sums.get(g.output());
            double[] q = squares.get(g.output());
            double[] mean = new double[s.length];
            double[] std = new double[s.length];
            for (int e = 0; e < s.length; e++) {
                mean[e] = s[e] / samples;
                std[e] = Math.sqrt(Math.max(0, q[e] / samples - mean[e] * mean[e]));
            }
            out.add(new GateUsage(g.output(), g.level(), g.owner(), g.experts(), mean, std, samples));
        }
        return out;
    }

    @Override
    public String toString() {
        return "GateUtilisation" + Arrays.toString(gates.stream().map(GateInfo::output).toArray()) + " over " + samples + " samples";
    }
}
