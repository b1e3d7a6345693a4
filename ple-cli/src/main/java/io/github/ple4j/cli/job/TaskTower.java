package io.github.ple4j.cli.job;

import java.util.List;

/**
 * A task's tower and loss weight (the task's type comes from its label).
 *
 * @param name        the task, as named in {@code csv.labels}
 * @param towerHidden hidden layer sizes of the tower (default: {@code model.towerHidden})
 * @param lossWeight  weight of the task's loss (default 1)
 */
public record TaskTower(String name, List<Integer> towerHidden, Double lossWeight) {
    public TaskTower {
        Validation.name("name", name);
        if (towerHidden != null) {
            for (int i = 0; i < towerHidden.size(); i++) {
                Integer s = towerHidden.get(i);
                if (s == null || s < 1) {
                    throw new IllegalArgumentException("towerHidden[" + i + "] must be >= 1 but was " + s);
                }
            }
            towerHidden = List.copyOf(towerHidden);
        }
        if (lossWeight != null && !(Double.isFinite(lossWeight) && lossWeight >= 0)) {
            throw new IllegalArgumentException("lossWeight must be a finite number >= 0 but was " + lossWeight);
        }
    }
}
