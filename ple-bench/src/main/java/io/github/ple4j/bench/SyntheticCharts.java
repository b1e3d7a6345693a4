package io.github.ple4j.bench;

import io.github.ple4j.model.eval.ExpertBars;
import io.github.ple4j.model.eval.GateUsage;
import io.github.ple4j.model.config.Architecture;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The synthetic comparison's charts: the data are prepared from {@link ModelResult}s here (unit-testable) and
 * drawn by {@link Charts}.
 * <ul>
 *   <li>{@code seesaw-p<p>.png}: test MSE of task 1 against task 2, one point per model (paper Fig. 1);</li>
 *   <li>{@code gain-vs-correlation.png}: MTL gain over single-task against the task correlation, one line per
 *       model, a panel per task (paper Fig. 7); only with two or more correlations;</li>
 *   <li>{@code experts-<model>-p<p>.png}: per level, mean and std of every gate's weight per expert over the
 *       test set (paper Fig. 8); for models with gates (MMoE, CGC, PLE).</li>
 * </ul>
 */
public final class SyntheticCharts {
    /**
     * One model's results at one correlation.
     *
     * @param correlation  task correlation p
     * @param model        model name
     * @param architecture the model's architecture
     * @param mse          test MSE per task (task 1, task 2)
     * @param gain         MTL gain per task over single-task (paper Eq. 11; MSE, so positive is better)
     * @param gates        gate utilisation over the test set (empty for models without gates)
     */
    public record ModelResult(double correlation, String model, Architecture architecture, double[] mse, double[] gain,
                              List<GateUsage> gates) {
        public ModelResult {
            mse = mse.clone();
            gain = gain.clone();
            gates = List.copyOf(gates);
        }
    }

    private SyntheticCharts() {
    }

    /** Seesaw points at one correlation: x = task-1 MSE, y = task-2 MSE, one per model. */
    public static List<Charts.Point> seesawPoints(List<ModelResult> results, double correlation) {
        return results.stream().filter(r -> r.correlation() == correlation)
                .map(r -> new Charts.Point(r.model(), r.mse()[0], r.mse()[1])).toList();
    }

    /** Distinct correlations, ascending. */
    public static List<Double> correlations(List<ModelResult> results) {
        return List.copyOf(new TreeSet<>(results.stream().map(ModelResult::correlation).toList()));
    }

    /** MTL gain of one task (0 or 1) against correlation, one line per model (in first-appearance order). */
    public static List<Charts.Line> gainLines(List<ModelResult> results, int task) {
        List<Double> ps = correlations(results);
        List<String> models = results.stream().map(ModelResult::model).distinct().toList();
        List<Charts.Line> lines = new ArrayList<>();
        for (String m : models) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (double p : ps) {
                results.stream().filter(r -> r.model().equals(m) && r.correlation() == p).findFirst().ifPresent(r -> {
                    x.add(p);
                    y.add(r.gain()[task]);
                });
            }
            lines.add(new Charts.Line(m, x.stream().mapToDouble(Double::doubleValue).toArray(),
                    y.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return lines;
    }

    /**
     * Draws every chart into {@code dir}.
     *
     * @return the files written
     */
    public static List<Path> write(List<ModelResult> results, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        List<Double> ps = correlations(results);
        for (double p : ps) {
            String tag = tag(p);
            XYChart seesaw = Charts.seesaw(String.format(Locale.ROOT, "Seesaw: test MSE per task (p = %.2f)", p),
                    "task 1 MSE (lower is better)", "task 2 MSE (lower is better)", seesawPoints(results, p));
            written.add(Charts.writePng(seesaw, dir.resolve("seesaw-" + tag + ".png")));
            for (ModelResult r : results) {
                if (r.correlation() != p || r.gates().isEmpty()) {
                    continue;
                }
                List<CategoryChart> levels = new ArrayList<>();
                for (ExpertBars bars : ExpertBars.byLevel(r.gates())) {
                    levels.add(Charts.expertUtilisation(String.format(Locale.ROOT, "%s expert utilisation, level %d (p = %.2f)",
                            r.model(), bars.level() + 1, p), bars));
                }
                written.add(Charts.writePng(levels, 1, dir.resolve("experts-" + fileName(r.model()) + "-" + tag + ".png")));
            }
        }
        if (ps.size() >= 2) {
            List<XYChart> panels = new ArrayList<>();
            for (int task = 0; task < 2; task++) {
                panels.add(Charts.lines("MTL gain of task " + (task + 1) + " vs task correlation", "task correlation p",
                        "MTL gain (single-task MSE - model MSE)", gainLines(results, task)));
            }
            written.add(Charts.writePng(panels, 2, dir.resolve("gain-vs-correlation.png")));
        }
        return written;
    }

    /** "p0.50" for 0.5. */
    static String tag(double p) {
        return String.format(Locale.ROOT, "p%.2f", p);
    }

    /** A model name as a file-name part: lower case, letters, digits and '-'. */
    static String fileName(String model) {
        return model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
