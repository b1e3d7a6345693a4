package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.config.ConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters a search varies and the values each may take. JSON, one entry per parameter, in the order
 * they are drawn:
 * <pre>{@code
 * {"learningRate":  {"logUniform": [1e-4, 1e-2]},
 *  "dropout":       {"uniform": [0.0, 0.3]},
 *  "sharedExperts": {"int": [1, 4]},
 *  "expertHidden":  {"choice": [[16], [64], [64, 32]]}}
 * }</pre>
 * {@code uniform} and {@code logUniform} draw a real number in [low, high); {@code int} an integer in [low, high],
 * both ends included; {@code choice} one of the listed JSON values (numbers, strings, lists), each equally likely.
 * Which names a search understands is up to its {@link Tuner.Objective} ({@link ConfigOverrides} for model configs).
 *
 * <p>Trial {@code i} of a search with seed {@code s} draws its values from a generator seeded by {@code (s, i)}
 * only: the same trial has the same values in every run, which is what makes a search resumable.
 */
public final class SearchSpace {
    /** One parameter's values. */
    public sealed interface Dimension permits Uniform, LogUniform, IntRange, Choice {
        /** A value drawn from {@code u}, uniform in [0, 1). */
        JsonNode draw(double u);

        /** The declaration as JSON ({"uniform": [lo, hi]} and so on). */
        JsonNode toJson();
    }

    /** A real number uniform in [low, high). */
    public record Uniform(double low, double high) implements Dimension {
        @Override
        public JsonNode draw(double u) {
            return DoubleNode.valueOf(low + u * (high - low));
        }

        @Override
        public JsonNode toJson() {
            return pair("uniform", low, high);
        }
    }

    /** A real number whose logarithm is uniform in [log low, log high). */
    public record LogUniform(double low, double high) implements Dimension {
        @Override
        public JsonNode draw(double u) {
            return DoubleNode.valueOf(Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))));
        }

        @Override
        public JsonNode toJson() {
            return pair("logUniform", low, high);
        }
    }

    /** An integer in [low, high], both included. */
    public record IntRange(int low, int high) implements Dimension {
        @Override
        public JsonNode draw(double u) {
            return IntNode.valueOf(low + (int) Math.min(high - low, Math.floor(u * (high - low + 1))));
        }

        @Override
        public JsonNode toJson() {
            ObjectNode o = ConfigJson.mapper().createObjectNode();
            o.putArray("int").add(low).add(high);
            return o;
        }
    }

    /** One of the listed values. */
    public record Choice(List<JsonNode> values) implements Dimension {
        public Choice {
            values = List.copyOf(values);
        }

        @Override
        public JsonNode draw(double u) {
            return values.get((int) Math.min(values.size() - 1, Math.floor(u * values.size()))).deepCopy();
        }

        @Override
        public JsonNode toJson() {
            ObjectNode o = ConfigJson.mapper().createObjectNode();
            ArrayNode a = o.putArray("choice");
            values.forEach(a::add);
            return o;
        }
    }

    private final Map<String, Dimension> dimensions;

    public SearchSpace(Map<String, Dimension> dimensions) {
        if (dimensions.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one parameter");
        }
        this.dimensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    /** The parameters in drawing order. */
    public Map<String, Dimension> dimensions() {
        return dimensions;
    }

    /** The values of trial {@code trial} of a search seeded by {@code seed}. */
    public Map<String, JsonNode> sample(long seed, int trial) {
        SplitMix r = new SplitMix(seed * 0x9E3779B97F4A7C15L + trial);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        dimensions.forEach((name, d) -> out.put(name, d.draw(r.nextDouble())));
        return out;
    }

    /** The space as JSON (the form {@link #parse} reads). */
    public ObjectNode toJson() {
        ObjectNode o = ConfigJson.mapper().createObjectNode();
        dimensions.forEach((name, d) -> o.set(name, d.toJson()));
        return o;
    }

    /** Reads a space file; errors name the file and the parameter. */
    public static SearchSpace read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses a space.
     *
     * @param source named in errors (a file name)
     * @throws IllegalArgumentException naming the source and parameter of a bad entry
     */
    public static SearchSpace parse(String json, String source) {
        JsonNode root;
        try {
            root = ConfigJson.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": a search space is a JSON object of parameters but was "
                    + (root == null ? "empty" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        Map<String, Dimension> dims = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            dims.put(e.getKey(), dimension(source + ": parameter '" + e.getKey() + "'", e.getValue()));
        }
        if (dims.isEmpty()) {
            throw new IllegalArgumentException(source + ": the search space has no parameter");
        }
        return new SearchSpace(dims);
    }

    private static Dimension dimension(String where, JsonNode n) {
        if (!n.isObject() || n.size() != 1) {
            throw new IllegalArgumentException(where + " must be one of {\"uniform\": [low, high]}, {\"logUniform\": "
                    + "[low, high]}, {\"int\": [low, high]}, {\"choice\": [values]} but was " + n);
        }
        String kind = n.fieldNames().next();
        JsonNode v = n.get(kind);
        switch (kind) {
            case "choice" -> {
                if (!v.isArray() || v.isEmpty()) {
                    throw new IllegalArgumentException(where + ": choice needs a non-empty list of values but was " + v);
                }
                List<JsonNode> values = new ArrayList<>();
                v.forEach(values::add);
                return new Choice(values);
            }
            case "uniform", "logUniform", "int" -> {
                if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
                    throw new IllegalArgumentException(where + ": " + kind + " needs [low, high] numbers but was " + v);
                }
                double lo = v.get(0).asDouble();
                double hi = v.get(1).asDouble();
                if (!(lo < hi) && !(kind.equals("int") && lo == hi)) {
                    throw new IllegalArgumentException(where + ": " + kind + " needs low < high but was " + v);
                }
                if (kind.equals("logUniform") && lo <= 0) {
                    throw new IllegalArgumentException(where + ": logUniform needs low > 0 but was " + v);
                }
                if (kind.equals("int") && (!v.get(0).canConvertToInt() || !v.get(1).canConvertToInt()
                        || lo != Math.rint(lo) || hi != Math.rint(hi))) {
                    throw new IllegalArgumentException(where + ": int needs integer bounds but was " + v);
                }
                return switch (kind) {
                    case "uniform" -> new Uniform(lo, hi);
                    case "logUniform" -> new LogUniform(lo, hi);
                    default -> new IntRange((int) lo, (int) hi);
                };
            }
            default -> throw new IllegalArgumentException(where + ": unknown kind '" + kind
                    + "'; the kinds are uniform, logUniform, int, choice");
        }
    }

    private static JsonNode pair(String kind, double lo, double hi) {
        ObjectNode o = ConfigJson.mapper().createObjectNode();
        o.putArray(kind).add(lo).add(hi);
        return o;
    }

    /** SplitMix64: a small, fast generator whose stream depends only on its seed. */
    private static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            this.state = seed;
        }

        double nextDouble() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return (z >>> 11) * 0x1.0p-53;
        }
    }
}
