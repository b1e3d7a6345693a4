package io.github.ple4j.model.config;

import java.util.List;

/**
 * One task: its tower and head.
 *
 * @param name        task name, used in variable names, metrics and predictions
 * @param type        BINARY (sigmoid head, cross-entropy) or REGRESSION (linear head, squared error)
 * @param lossWeight  static weight w_k of the task's loss in the total loss (paper Eq. 8); the starting
 *                    weight w_k0 under dynamic decay (Eq. 10)
 * @param towerHidden hidden layer sizes of the task's tower (may be empty: the head reads the level output)
 */
public record TaskSpec(String name, TaskType type, double lossWeight, List<Integer> towerHidden) {
    public TaskSpec {
        Checks.name("task name", name);
        Checks.notNull("task '" + name + "' type", type);
        Checks.finiteNonNegative("task '" + name + "' lossWeight", lossWeight);
        towerHidden = Checks.sizes("task '" + name + "' towerHidden", towerHidden == null ? List.of() : towerHidden);
    }

    /** A binary task with weight 1 and the given tower hidden sizes (none: the head reads the level output). */
    public static TaskSpec binary(String name, Integer... towerHidden) {
        return new TaskSpec(name, TaskType.BINARY, 1.0, List.of(towerHidden));
    }

    /** A regression task with weight 1 and the given tower hidden sizes (none: the head reads the level output). */
    public static TaskSpec regression(String name, Integer... towerHidden) {
        return new TaskSpec(name, TaskType.REGRESSION, 1.0, List.of(towerHidden));
    }

    /** A copy with these tower hidden layer sizes, e.g. {@code TaskSpec.binary("ctr").withTower(64, 32)}. */
    public TaskSpec withTower(Integer... hidden) {
        return new TaskSpec(name, type, lossWeight, List.of(hidden));
    }

    /** A copy with another loss weight. */
    public TaskSpec withLossWeight(double weight) {
        return new TaskSpec(name, type, weight, towerHidden);
    }
}
