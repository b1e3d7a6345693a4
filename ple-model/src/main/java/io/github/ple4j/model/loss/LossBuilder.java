package io.github.ple4j.model.loss;

import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loss of the paper (Sec. 4.3), written out op by op so its gradient is checked and every
 * weight really scales its task's gradient (SameDiff's built-in loss ops ignore the incoming gradient in
 * 1.0.0-M2.1, so {@code w * sd.loss()...} would train with weight 1).
 *
 * <p>Per task k, over the B samples of a batch with label mask delta_k (1 when the sample is in task k's
 * sample space, paper Eq. 9):
 * <pre>  L_k = sum_i delta_k^i * loss_k(yhat_k^i, y_k^i) / max(1, sum_i delta_k^i)</pre>
 * with loss_k the binary cross-entropy computed stably from the logit z,
 * {@code max(z, 0) - z*y + log(1 + exp(-|z|))}, or the squared error {@code (z - y)^2}. The total
 * (Eq. 8) is {@code L = sum_k w_k L_k (+ l2/2 * sum ||W||^2)} with w_k fixed, the dynamic
 * {@code w_k0 * gamma_k^t} of Eq. 10 fed through the {@link GraphSignature#LOSS_WEIGHTS} placeholder, or the
 * learnable uncertainty weighting of Kendall et al. (2018).
 */
public final class LossBuilder {
    private LossBuilder() {
    }

    /**
     * Adds label and mask placeholders, per-task losses, and the total loss (set as the loss variable).
     *
     * @param logits      task name to logit [B, 1], in task order
     * @param weightNames parameters counted by the L2 penalty
     */
    public static void build(SameDiff sd, PleConfig config, GraphSignature sig, Map<String, SDVariable> logits,
                             List<String> weightNames) {
        DataType dt = config.dataType().nd4j();
        List<TaskSpec> tasks = config.tasks();
        SDVariable one = sd.constant("loss/one", Nd4j.scalar(dt, 1.0));
        SDVariable lossWeights = sig.hasLossWeightsPlaceholder()
                ? sd.placeHolder(GraphSignature.LOSS_WEIGHTS, dt, tasks.size()) : null;

        List<SDVariable> terms = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            SDVariable z = logits.get(t.name());
            SDVariable y = sd.placeHolder(GraphSignature.label(t.name()), dt, -1, 1);
            SDVariable mask = sd.placeHolder(GraphSignature.mask(t.name()), dt, -1, 1);
            SDVariable perSample = t.type() == TaskType.BINARY
                    ? sd.nn.relu(z, 0.0).sub(z.mul(y)).add(sd.math.log1p(sd.math.exp(sd.math.abs(z).neg())))
                    : sd.math.square(z.sub(y));
            SDVariable count = sd.math.max(mask.sum(), one);
            SDVariable taskLoss = perSample.mul(mask).sum().div(count).rename(GraphSignature.taskLoss(t.name()));
            terms.add(weighted(sd, config.training().weighting(), t, k, taskLoss, lossWeights, dt));
        }
        if (config.l2() > 0) {
            List<SDVariable> squares = new ArrayList<>();
            for (String w : weightNames) {
                squares.add(sd.math.square(sd.getVariable(w)).sum());
            }
            SDVariable sumSq = squares.get(0);
            for (int i = 1; i < squares.size(); i++) {
                sumSq = sumSq.add(squares.get(i));
            }
            terms.add(sumSq.mul(config.l2() / 2).rename(GraphSignature.L2_PENALTY));
        }
        SDVariable total = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            total = total.add(terms.get(i));
        }
        // Names are given by renaming, not identity ops: every op costs time forward and backward.
        total = total.rename(GraphSignature.TOTAL_LOSS);
        sd.setLossVariables(total);
    }

    private static SDVariable weighted(SameDiff sd, LossWeighting weighting, TaskSpec t, int k, SDVariable taskLoss,
                                       SDVariable lossWeights, DataType dt) {
        if (weighting instanceof LossWeighting.DynamicDecay) {
            return taskLoss.mul(lossWeights.get(SDIndex.point(k)));
        }
        if (weighting instanceof LossWeighting.Uncertainty u) {
            SDVariable s = sd.var(GraphSignature.logVariance(t.name()), Nd4j.scalar(dt, u.initialLogVariance()));
            double scale = t.type() == TaskType.REGRESSION ? 0.5 : 1.0;
            return sd.math.exp(s.neg()).mul(taskLoss).mul(scale * t.lossWeight()).add(s.mul(0.5));
        }
        return taskLoss.mul(t.lossWeight());   // Fixed
    }
}
