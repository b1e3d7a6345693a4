package io.github.ple4j.model.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything that defines a model: inputs, tasks, the extraction network, gates, regularisation, seed,
 * data type and training. Immutable and validated; see {@link ConfigJson} for the JSON form.
 *
 * @param inputs     dense and categorical inputs
 * @param tasks      the tasks, in the order of the label arrays (at least one, unique names)
 * @param extraction experts and levels
 * @param gate       gate options
 * @param dropout    dropout probability on expert and tower hidden layers during training, in [0, 1)
 * @param l2         L2 penalty coefficient on weight matrices (not biases), added to the loss as
 *                   l2/2 * sum(W^2)
 * @param seed       seed of parameter initialisation and dropout
 * @param dataType   floating-point type of the graph
 * @param training   optimiser, epochs, loss weighting, early stopping
 */
public record PleConfig(InputSpec inputs, List<TaskSpec> tasks, ExtractionSpec extraction, GateSpec gate,
                        double dropout, double l2, long seed, ModelDataType dataType, TrainingSpec training) {

    public PleConfig {
        Checks.notNull("inputs", inputs);
        tasks = Checks.elements("tasks", tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks must have at least one task but was empty");
        }
        Set<String> names = new HashSet<>();
        for (TaskSpec t : tasks) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("tasks has the task name '" + t.name() + "' twice");
            }
        }
        Checks.notNull("extraction", extraction);
        gate = gate == null ? GateSpec.defaults() : gate;
        Checks.probability("dropout", dropout);
        Checks.finiteNonNegative("l2", l2);
        dataType = dataType == null ? ModelDataType.FLOAT : dataType;
        training = training == null ? TrainingSpec.defaults() : training;
        validateTraining(tasks, training);
    }

    private static void validateTraining(List<TaskSpec> tasks, TrainingSpec training) {
        List<String> names = tasks.stream().map(TaskSpec::name).toList();
        if (training.weighting() instanceof LossWeighting.DynamicDecay d) {
            for (String k : d.gammaByTask().keySet()) {
                if (!names.contains(k)) {
                    throw new IllegalArgumentException("training.weighting.gammaByTask names the task '" + k
                            + "' but the tasks are " + names);
                }
            }
        }
        EarlyStopping es = training.earlyStopping();
        if (es != null) {
            String m = es.metric().toLowerCase(Locale.ROOT);
            if (m.equals("loss")) {
                return;
            }
            int dot = m.lastIndexOf('.');
            String stat = dot < 0 ? m : m.substring(dot + 1);
            List<TaskSpec> scope = tasks;
            if (dot >= 0) {
                String task = es.metric().substring(0, dot);
                scope = tasks.stream().filter(t -> t.name().equals(task)).toList();
                if (scope.isEmpty()) {
                    throw new IllegalArgumentException("training.earlyStopping.metric names the task '" + task
                            + "' but the tasks are " + names);
                }
            }
            Metric metric = Metric.of(stat).orElseThrow(() -> new IllegalArgumentException(
                    "training.earlyStopping.metric must be 'loss', one of " + Metric.keys()
                            + " or 'task.metric' but was '" + es.metric() + "'"));
            TaskType needed = metric.taskType();
            if (scope.stream().noneMatch(t -> t.type() == needed)) {
                throw new IllegalArgumentException("training.earlyStopping.metric '" + es.metric()
                        + "' needs a " + needed + " task but " + (dot < 0 ? "there is none"
                        : "task '" + scope.get(0).name() + "' is " + scope.get(0).type()));
            }
        }
    }

    /** Index of a task by name. */
    public int taskIndex(String name) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no task named '" + name + "'; the tasks are "
                + tasks.stream().map(TaskSpec::name).toList());
    }

    /**
     * The task weights w_k(t) in force at epoch {@code epoch} and global step {@code step} (both from 0; paper
     * Eq. 8 and 10), in task order: the static weights, or {@code w_k0 * gamma_k^t} under dynamic decay with t the
     * epoch or step count. Under uncertainty weighting the static weights are returned (the learnt factors live in
     * the graph).
     */
    public double[] taskWeightsAt(int epoch, long step) {
        double[] w = new double[tasks.size()];
        for (int k = 0; k < w.length; k++) {
            TaskSpec t = tasks.get(k);
            double factor = 1.0;
            if (training.weighting() instanceof LossWeighting.DynamicDecay d) {
                factor = Math.pow(d.gammaFor(t.name()), d.unit() == LossWeighting.DecayUnit.EPOCH ? epoch : step);
            }
            w[k] = t.lossWeight() * factor;
        }
        return w;
    }

    /** The architecture this config expresses. */
    public Architecture architecture() {
        return extraction.architecture();
    }

    public PleConfig withTraining(TrainingSpec t) {
        return new PleConfig(inputs, tasks, extraction, gate, dropout, l2, seed, dataType, t);
    }

    public PleConfig withSeed(long s) {
        return new PleConfig(inputs, tasks, extraction, gate, dropout, l2, s, dataType, training);
    }

    public PleConfig withDataType(ModelDataType d) {
        return new PleConfig(inputs, tasks, extraction, gate, dropout, l2, seed, d, training);
    }

    public PleConfig withExtraction(ExtractionSpec e) {
        return new PleConfig(inputs, tasks, e, gate, dropout, l2, seed, dataType, training);
    }

    public PleConfig withInputs(InputSpec in) {
        return new PleConfig(in, tasks, extraction, gate, dropout, l2, seed, dataType, training);
    }

    public PleConfig withTasks(List<TaskSpec> t) {
        return new PleConfig(inputs, t, extraction, gate, dropout, l2, seed, dataType, training);
    }

    /** A builder; {@code inputs}, at least one task and {@code extraction} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link PleConfig}; {@link #build()} validates. */
    public static final class Builder {
        private InputSpec inputs;
        private final List<TaskSpec> tasks = new ArrayList<>();
        private ExtractionSpec extraction;
        private GateSpec gate = GateSpec.defaults();
        private double dropout;
        private double l2;
        private long seed = 42;
        private ModelDataType dataType = ModelDataType.FLOAT;
        private TrainingSpec training = TrainingSpec.defaults();

        private Builder() {
        }

        public Builder inputs(InputSpec inputs) {
            this.inputs = inputs;
            return this;
        }

        /** Dense inputs of size F. */
        public Builder denseInputs(int size) {
            return inputs(InputSpec.dense(size));
        }

        public Builder task(TaskSpec task) {
            tasks.add(task);
            return this;
        }

        public Builder tasks(List<TaskSpec> all) {
            tasks.clear();
            tasks.addAll(all);
            return this;
        }

        public Builder extraction(ExtractionSpec extraction) {
            this.extraction = extraction;
            return this;
        }

        public Builder gate(GateSpec gate) {
            this.gate = gate;
            return this;
        }

        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder l2(double l2) {
            this.l2 = l2;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder dataType(ModelDataType dataType) {
            this.dataType = dataType;
            return this;
        }

        public Builder training(TrainingSpec training) {
            this.training = training;
            return this;
        }

        public PleConfig build() {
            return new PleConfig(inputs, tasks, extraction, gate, dropout, l2, seed, dataType, training);
        }
    }
}
