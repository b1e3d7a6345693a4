package io.github.ple4j.model.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Map;

/**
 * How the per-task losses are weighted into the total loss L = sum_k w_k L_k (paper Eq. 8). In every
 * strategy the task's static {@link TaskSpec#lossWeight()} multiplies its loss.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LossWeighting.Fixed.class, name = "fixed"),
        @JsonSubTypes.Type(value = LossWeighting.DynamicDecay.class, name = "dynamic-decay"),
        @JsonSubTypes.Type(value = LossWeighting.Uncertainty.class, name = "uncertainty")})
public sealed interface LossWeighting {

    /** Fixed weights w_k = {@link TaskSpec#lossWeight()}. */
    record Fixed() implements LossWeighting {
    }

    /**
     * The paper's dynamic weights (Eq. 10): w_k(t) = w_k0 * gamma_k^t, with w_k0 the task's loss weight.
     * The paper leaves open whether t counts epochs or steps; {@code unit} chooses. t starts at 0.
     *
     * @param gamma          decay ratio for every task without an override (> 0)
     * @param gammaByTask    per-task overrides of gamma (task name to ratio); may be empty
     * @param unit           what t counts
     */
    record DynamicDecay(double gamma, Map<String, Double> gammaByTask, DecayUnit unit) implements LossWeighting {
        public DynamicDecay {
            Checks.finitePositive("training.weighting.gamma", gamma);
            if (gammaByTask != null) {
                gammaByTask.forEach((k, v) -> Checks.finitePositive("training.weighting.gammaByTask." + k,
                        v == null ? Double.NaN : v));
            }
            gammaByTask = gammaByTask == null ? Map.of() : Map.copyOf(gammaByTask);
            Checks.notNull("training.weighting.unit", unit);
        }

        /** Gamma of a task. */
        public double gammaFor(String task) {
            return gammaByTask.getOrDefault(task, gamma);
        }
    }

    /**
     * Learnable homoscedastic-uncertainty weighting (Kendall, Gal and Cipolla, CVPR 2018). Each task has a
     * trainable s_k = log sigma_k^2 and contributes w_k0 * exp(-s_k) * L_k + s_k / 2 for BINARY tasks and
     * w_k0 * exp(-s_k) * L_k / 2 + s_k / 2 for REGRESSION tasks.
     *
     * @param initialLogVariance starting value of every s_k
     */
    record Uncertainty(double initialLogVariance) implements LossWeighting {
        public Uncertainty {
            if (!Double.isFinite(initialLogVariance)) {
                throw new IllegalArgumentException(
                        "training.weighting.initialLogVariance must be finite but was " + initialLogVariance);
            }
        }
    }

    /** What the t of the dynamic decay counts. */
    enum DecayUnit { EPOCH, STEP }

    /** Fixed weighting. */
    static LossWeighting fixed() {
        return new Fixed();
    }
}
