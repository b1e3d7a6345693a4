package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central-difference gradient checker for a SameDiff scalar loss. Every element of every listed parameter is
 * perturbed by +-eps in place (and restored), and the numeric derivative (L(p+eps) - L(p-eps)) / 2eps is compared
 * to the analytic one. Meant for DOUBLE graphs with smooth activations.
 */
public final class FiniteDifference {
    /** Default step. */
    public static final double EPS = 1e-6;
    /** Default maximum relative error |a-n| / max(|a|+|n|, 1e-8). */
    public static final double MAX_REL = 1e-5;
    /** Default absolute error accepted when both values are tiny. */
    public static final double ABS_TOL = 1e-9;

    private final double eps;
    private final double maxRel;
    private final double absTol;

    public FiniteDifference(double eps, double maxRel, double absTol) {
        this.eps = eps;
        this.maxRel = maxRel;
        this.absTol = absTol;
    }

    public FiniteDifference() {
        this(EPS, MAX_REL, ABS_TOL);
    }

    /** Summary of a passed check. */
    public record Report(long elementsChecked, double maxRelError, double maxAbsAnalytic) {
    }

    /** Checks the analytic gradients SameDiff computes for {@code lossName} (the graph's loss variable). */
    public Report check(SameDiff sd, Map<String, INDArray> ph, String lossName, List<String> params) {
        return check(sd, ph, lossName, params, GraphTestSupport.gradients(sd, ph, params));
    }

    /** Checks the given analytic gradients (a null entry means a zero gradient) against finite differences. */
    public Report check(SameDiff sd, Map<String, INDArray> ph, String lossName, List<String> params,
                        Map<String, INDArray> analytic) {
        long checked = 0;
        double worst = 0;
        double maxAbs = 0;
        for (String p : params) {
            INDArray arr = sd.getVariable(p).getArr();
            INDArray grad = analytic.get(p);
            if (grad != null && !Arrays.equals(grad.shape(), arr.shape())) {
                fail("parameter '" + p + "': analytic gradient shape " + Arrays.toString(grad.shape())
                        + " differs from the parameter shape " + Arrays.toString(arr.shape()));
            }
            for (long i = 0; i < arr.length(); i++) {
                double orig = arr.getDouble(i);
                arr.putScalar(i, orig + eps);
                double plus = GraphTestSupport.scalar(sd, ph, lossName);
                arr.putScalar(i, orig - eps);
                double minus = GraphTestSupport.scalar(sd, ph, lossName);
                arr.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * eps);
                double a = grad == null ? 0.0 : grad.getDouble(i);
                double diff = Math.abs(a - numeric);
                double rel = diff / Math.max(Math.abs(a) + Math.abs(numeric), 1e-8);
                boolean ok = rel < maxRel || diff < absTol;
                if (!ok || !Double.isFinite(a) || !Double.isFinite(numeric)) {
                    fail("gradient check failed for parameter '" + p + "' element " + i + " (index "
                            + Arrays.toString(Shape.ind2subC(arr.shape(), i)) + " of shape "
                            + Arrays.toString(arr.shape()) + "): analytic=" + a + ", numeric=" + numeric
                            + ", relative error=" + rel + ", absolute error=" + diff);
                }
                worst = Math.max(worst, diff < absTol ? 0 : rel);
                maxAbs = Math.max(maxAbs, Math.abs(a));
                checked++;
            }
        }
        return new Report(checked, worst, maxAbs);
    }
}
