package io.github.ple4j.model.loss;

import io.github.ple4j.model.config.LossWeighting;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;

import java.util.List;

/** The task weights in force at a point of training (paper Eq. 8 and 10). */
public final class LossWeights {
    private LossWeights() {
    }

    /**
     * Weights w_k(t) of the tasks at epoch {@code epoch} and global step {@code step} (both from 0):
     * the static weights, or {@code w_k0 * gamma_k^t} under dynamic decay with t the epoch or step count.
     * Under uncertainty weighting the static weights are returned (the learnt factors live in the graph).
     */
    public static double[] at(PleConfig config, int epoch, long step) {
        List<TaskSpec> tasks = config.tasks();
        double[] w = new double[tasks.size()];
        for (int k = 0; k < w.length; k++) {
            TaskSpec t = tasks.get(k);
            double factor = 1.0;
            if (config.training().weighting() instanceof LossWeighting.DynamicDecay d) {
                factor = Math.pow(d.gammaFor(t.name()), d.unit() == LossWeighting.DecayUnit.EPOCH ? epoch : step);
            }
            w[k] = t.lossWeight() * factor;
        }
        return w;
    }
}
