package io.github.ple4j.cli.job;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.TrainingSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model part of a job: everything of a {@link io.github.ple4j.model.config.PleConfig} except its inputs,
 * which come from the fitted CSV pipeline. The JSON forms of {@code extraction}, {@code gate} and
 * {@code training} are those of PleConfig's JSON.
 *
 * @param tasks       per-task towers and loss weights (tasks not listed get {@code towerHidden} and weight 1)
 * @param towerHidden default tower hidden sizes (default [8])
 * @param extraction  the extraction network (default: PLE, 2 levels, 1 expert per task, 1 shared, width 16)
 * @param gate        gate options (default: no bias)
 * @param dropout     dropout probability in [0, 1) (default 0)
 * @param l2          L2 coefficient (default 0)
 * @param seed        seed of initialisation and dropout (default 42)
 * @param dataType    FLOAT (default) or DOUBLE
 * @param training    optimiser, epochs, loss weighting, early stopping (default: Adam 0.001, 10 epochs)
 */
public record ModelSpec(List<TaskTower> tasks, List<Integer> towerHidden, ExtractionSpec extraction, GateSpec gate,
                        Double dropout, Double l2, Long seed, ModelDataType dataType, TrainingSpec training) {
    /** The default extraction network. */
    public static final ExtractionSpec DEFAULT_EXTRACTION = ExtractionSpec.ple(2, 1, 1, 16);

    public ModelSpec {
        tasks = tasks == null ? List.of() : tasks;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskTower t = tasks.get(i);
            if (t == null) {
                throw new IllegalArgumentException("tasks[" + i + "] must be an object but was null");
            }
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("tasks[" + i + "]: the task '" + t.name() + "' is listed twice");
            }
        }
        tasks = List.copyOf(tasks);
        towerHidden = new TaskTower("default", towerHidden == null ? List.of(8) : towerHidden, null).towerHidden();
        extraction = extraction == null ? DEFAULT_EXTRACTION : extraction;
        gate = gate == null ? GateSpec.defaults() : gate;
        dropout = dropout == null ? 0.0 : dropout;
        l2 = l2 == null ? 0.0 : l2;
        seed = seed == null ? 42L : seed;
        dataType = dataType == null ? ModelDataType.FLOAT : dataType;
        training = training == null ? TrainingSpec.defaults() : training;
    }

    /** Defaults everywhere. */
    public static ModelSpec defaults() {
        return new ModelSpec(null, null, null, null, null, null, null, null, null);
    }

    public ModelSpec withTraining(TrainingSpec t) {
        return new ModelSpec(tasks, towerHidden, extraction, gate, dropout, l2, seed, dataType, t);
    }

    public ModelSpec withSeed(long s) {
        return new ModelSpec(tasks, towerHidden, extraction, gate, dropout, l2, s, dataType, training);
    }
}
