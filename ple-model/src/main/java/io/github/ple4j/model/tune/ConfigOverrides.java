package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sets a trial's hyper-parameters on a model config. The names (the keys of a {@link SearchSpace}):
 * <ul>
 *   <li>{@code learningRate} (number), {@code optimizer} ("adam", "amsgrad", ...), {@code dropout}, {@code l2};</li>
 *   <li>{@code levels}, {@code expertsPerTask}, {@code sharedExperts} (integers), {@code expertHidden} (a list of
 *       layer sizes), {@code activation} ("relu", "gelu", ...), {@code gateBias} (boolean);</li>
 *   <li>{@code towerHidden} (a list of layer sizes, for every task).</li>
 * </ul>
 * Names a caller handles itself (a batch size, an embedding width of the data) are passed as {@code handled} and
 * skipped; any other name is an error that lists the known ones.
 */
public final class ConfigOverrides {
    /** The names {@link #apply} understands. */
    public static final List<String> NAMES = List.of("learningRate", "optimizer", "dropout", "l2", "levels",
            "expertsPerTask", "sharedExperts", "expertHidden", "activation", "gateBias", "towerHidden");

    private ConfigOverrides() {
    }

    /**
     * The config with the trial's values set.
     *
     * @param handled names the caller applies itself (skipped here)
     * @throws IllegalArgumentException naming the parameter and value that cannot be applied
     */
    public static PleConfig apply(PleConfig base, Map<String, JsonNode> params, Set<String> handled) {
        PleConfig c = base;
        ExtractionSpec ex = base.extraction();
        int levels = ex.levels();
        int perTask = ex.expertsPerTask();
        int shared = ex.sharedExperts();
        List<Integer> hidden = ex.expertHidden();
        Activation activation = ex.activation();
        for (Map.Entry<String, JsonNode> e : params.entrySet()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (handled.contains(name)) {
                continue;
            }
            try {
                switch (name) {
                    case "learningRate" -> c = c.withTraining(c.training().withOptimizer(
                            new OptimizerSpec(c.training().optimizer().type(), number(v))));
                    case "optimizer" -> c = c.withTraining(c.training().withOptimizer(new OptimizerSpec(
                            OptimizerSpec.Type.valueOf(text(v).toUpperCase(Locale.ROOT)), c.training().optimizer().learningRate())));
                    case "dropout" -> c = new PleConfig(c.inputs(), c.tasks(), c.extraction(), c.gate(), number(v), c.l2(),
                            c.seed(), c.dataType(), c.training());
                    case "l2" -> c = new PleConfig(c.inputs(), c.tasks(), c.extraction(), c.gate(), c.dropout(), number(v),
                            c.seed(), c.dataType(), c.training());
                    case "levels" -> levels = integer(v);
                    case "expertsPerTask" -> perTask = integer(v);
                    case "sharedExperts" -> shared = integer(v);
                    case "expertHidden" -> hidden = sizes(v);
                    case "activation" -> activation = Activation.valueOf(text(v).toUpperCase(Locale.ROOT));
                    case "gateBias" -> {
                        if (!v.isBoolean()) {
                            throw new IllegalArgumentException("expected true or false");
                        }
                        c = new PleConfig(c.inputs(), c.tasks(), c.extraction(), new GateSpec(v.asBoolean()), c.dropout(),
                                c.l2(), c.seed(), c.dataType(), c.training());
                    }
                    case "towerHidden" -> {
                        List<Integer> tower = sizes(v);
                        List<TaskSpec> tasks = new ArrayList<>();
                        c.tasks().forEach(t -> tasks.add(new TaskSpec(t.name(), t.type(), t.lossWeight(), tower)));
                        c = c.withTasks(tasks);
                    }
                    default -> throw new UnknownName();
                }
            } catch (UnknownName u) {
                throw new IllegalArgumentException("search space parameter '" + name + "' is not a known hyper-parameter; "
                        + "the known ones are " + known(handled));
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("search space parameter '" + name + "': cannot use the value " + v
                        + ": " + x.getMessage(), x);
            }
        }
        try {
            return c.withExtraction(new ExtractionSpec(levels, perTask, shared, hidden, activation));
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("search space values " + params + " give an invalid model: " + x.getMessage(), x);
        }
    }

    /**
     * The trial's {@code batchSize}, or {@code defaultSize} when the space has none (a batch size belongs to the data
     * feeding, not to the config, so callers pass {@code "batchSize"} as handled and read it here).
     *
     * @throws IllegalArgumentException when the value is not an integer >= 1
     */
    public static int batchSize(Map<String, JsonNode> params, int defaultSize) {
        JsonNode b = params.get("batchSize");
        if (b == null) {
            return defaultSize;
        }
        if (!b.isNumber() || !b.canConvertToInt() || b.asDouble() != Math.rint(b.asDouble()) || b.asInt() < 1) {
            throw new IllegalArgumentException("search space parameter 'batchSize': cannot use the value " + b
                    + ": expected an integer >= 1");
        }
        return b.asInt();
    }

    private static List<String> known(Set<String> handled) {
        List<String> all = new ArrayList<>(NAMES);
        handled.stream().sorted().forEach(all::add);
        return all;
    }

    private static final class UnknownName extends RuntimeException {
        UnknownName() {
            super(null, null, false, false);
        }
    }

    private static double number(JsonNode v) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("expected a number");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode v) {
        if (!v.isNumber() || !v.canConvertToInt() || v.asDouble() != Math.rint(v.asDouble())) {
            throw new IllegalArgumentException("expected an integer");
        }
        return v.asInt();
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("expected a string");
        }
        return v.asText();
    }

    private static List<Integer> sizes(JsonNode v) {
        if (!v.isArray()) {
            throw new IllegalArgumentException("expected a list of layer sizes");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode x : v) {
            out.add(integer(x));
        }
        return out;
    }
}
