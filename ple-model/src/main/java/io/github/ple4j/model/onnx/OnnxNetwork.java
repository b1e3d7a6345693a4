package io.github.ple4j.model.onnx;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingTable;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.PleNetwork;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.ple4j.model.onnx.OnnxGraph.floatAttr;
import static io.github.ple4j.model.onnx.OnnxGraph.intAttr;

/**
 * The inference function of a PLE-family model written in ONNX operators (opset {@value OnnxExport#OPSET}), from its
 * config and parameters: the same function as {@code io.github.ple4j.model.graph.PleNetwork} computes (the exporter's
 * tests compare the two on every variant), laid out for a runtime rather than for training.
 *
 * <ul>
 *   <li>Embeddings: {@code Gather} of table rows by id, never one-hot. A bag [B, L] (-1 padding) gathers [B, L, D],
 *       masks the padding and is summed (divided by max(1, count) for the mean).</li>
 *   <li>Expert banks keep their parameters as trained ([in, E*h0] for the first layer, [E, a, b] after it); their
 *       outputs are [B, E, h] (deeper experts run expert-major, [E, B, h], and are transposed once at the end).</li>
 *   <li>A gate: softmax(x W [+ b]) over its experts, which are gathered from their bank(s) along axis 1, and mixed as
 *       the batched product [B, 1, n] x [B, n, h]. A gate over one expert is left out, as in the training graph.</li>
 * </ul>
 */
final class OnnxNetwork {
    static final String BATCH = "batch";
    private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = Onnx.TensorProto.DataType.INT64_VALUE;

    private final PleConfig config;
    private final Map<String, INDArray> params;
    private final OnnxGraph g;
    private final List<String> tasks;

    /** A bank's output [B, E, h] and where each group's experts are in it. */
    private record Bank(String output, Map<String, int[]> groups) {
    }

    /** Experts of one group in a bank: indices {@code from .. from + count - 1} of its axis 1. */
    private record Part(Bank bank, int from, int count) {
    }

    private OnnxNetwork(PleConfig config, Map<String, INDArray> params, OnnxGraph g) {
        this.config = config;
        this.params = params;
        this.g = g;
        this.tasks = config.tasks().stream().map(TaskSpec::name).toList();
    }

    /**
     * Adds the model's inputs, parameters, nodes and one output per task ({@link GraphSignature#prediction}) to
     * {@code g}; returns the prediction value names in task order.
     */
    static List<String> define(PleConfig config, Map<String, INDArray> params, OnnxGraph g) {
        return new OnnxNetwork(config, params, g).define();
    }

    private List<String> define() {
        String x = input();
        ExtractionSpec ex = config.extraction();
        List<String> taskIn = new ArrayList<>();
        tasks.forEach(t -> taskIn.add(x));
        String sharedIn = x;
        for (int level = 0; level < ex.levels(); level++) {
            Map<String, Part> experts = new LinkedHashMap<>();
            if (level == 0) {
                Bank b = bank("level0/experts", x, groups(null));
                b.groups().forEach((group, range) -> experts.put(group, new Part(b, range[0], range[1])));
            } else {
                for (int k = 0; k < tasks.size(); k++) {
                    if (ex.expertsPerTask() > 0) {
                        Bank b = bank("level" + level + "/experts/" + tasks.get(k), taskIn.get(k), groups(tasks.get(k)));
                        experts.put(tasks.get(k), new Part(b, 0, ex.expertsPerTask()));
                    }
                }
                if (ex.sharedExperts() > 0) {
                    Bank b = bank("level" + level + "/experts/shared", sharedIn, groups(PleNetwork.SHARED));
                    experts.put(PleNetwork.SHARED, new Part(b, 0, ex.sharedExperts()));
                }
            }
            List<String> taskOut = new ArrayList<>();
            for (int k = 0; k < tasks.size(); k++) {
                List<Part> own = new ArrayList<>();
                if (experts.containsKey(tasks.get(k))) {
                    own.add(experts.get(tasks.get(k)));
                }
                if (experts.containsKey(PleNetwork.SHARED)) {
                    own.add(experts.get(PleNetwork.SHARED));
                }
                taskOut.add(gate("level" + level + "/gate/" + tasks.get(k), GraphSignature.taskGate(level, tasks.get(k)),
                        taskIn.get(k), own));
            }
            if (level < ex.levels() - 1 && ex.sharedExperts() > 0) {
                sharedIn = gate("level" + level + "/gate/shared", GraphSignature.sharedGate(level), sharedIn,
                        new ArrayList<>(experts.values()));
            }
            taskIn.clear();
            taskIn.addAll(taskOut);
        }
        List<String> predictions = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec task = config.tasks().get(k);
            String logit = tower(task, taskIn.get(k));
            String name = GraphSignature.prediction(task.name());
            g.node(task.type() == TaskType.BINARY ? "Sigmoid" : "Identity", name, List.of(logit));
            g.output(OnnxGraph.valueInfo(name, FLOAT, BATCH, 1));
            predictions.add(name);
        }
        return predictions;
    }

    /** Graph inputs and the concatenated first-level input [B, width]. */
    private String input() {
        InputSpec in = config.inputs();
        Map<String, String> tables = new LinkedHashMap<>();
        for (EmbeddingTable t : in.tables()) {
            tables.put(t.name(), parameter(GraphSignature.table(t.name())));
        }
        List<String> parts = new ArrayList<>();
        if (in.denseSize() > 0) {
            g.input(OnnxGraph.valueInfo(GraphSignature.DENSE, FLOAT, BATCH, in.denseSize()));
            parts.add(GraphSignature.DENSE);
        }
        List<CategoricalField> single = in.singleValued();
        if (!single.isEmpty()) {
            g.input(OnnxGraph.valueInfo(GraphSignature.CATEGORICAL, INT64, BATCH, single.size()));
        }
        for (int c = 0; c < single.size(); c++) {
            CategoricalField f = single.get(c);
            String column = g.node("Gather", List.of(GraphSignature.CATEGORICAL, g.int64Scalar(c)), intAttr("axis", 1));
            parts.add(g.node("Gather", "embedding/field/" + f.name(), List.of(tables.get(f.table()), column),
                    intAttr("axis", 0)));                                                            // [B, D]
        }
        for (CategoricalField f : in.bags()) {
            parts.add(bag(f, tables.get(f.table())));
        }
        return parts.size() == 1 ? parts.get(0)
                : g.node("Concat", GraphSignature.INPUT_CONCAT, parts, intAttr("axis", 1));
    }

    /** A bag input [B, L] (-1 padding) pooled to [B, D]. */
    private String bag(CategoricalField f, String table) {
        String ids = GraphSignature.bag(f.name());
        g.input(OnnxGraph.valueInfo(ids, INT64, BATCH, "bag_length_" + f.name()));
        String present = g.node("GreaterOrEqual", List.of(ids, g.int64Scalar(0)));                  // [B, L] bool
        String safe = g.node("Where", List.of(present, ids, g.int64Scalar(0)));
        String rows = g.node("Gather", List.of(table, safe), intAttr("axis", 0));                  // [B, L, D]
        String mask = g.node("Cast", List.of(present), intAttr("to", FLOAT));                       // [B, L]
        String masked = g.node("Mul", List.of(rows, g.node("Unsqueeze", List.of(mask, g.int64s(2)))));
        String pooled = g.node("ReduceSum", List.of(masked, g.int64s(1)), intAttr("keepdims", 0)); // [B, D]
        String out = GraphSignature.pooled(f.name());
        if (f.bag().pooling() == Pooling.MEAN) {
            String count = g.node("ReduceSum", List.of(mask, g.int64s(1)), intAttr("keepdims", 1)); // [B, 1]
            String n = g.node("Max", List.of(count, g.floatScalar(1f)));
            return g.node("Div", out, List.of(pooled, n));
        }
        return g.node("Identity", out, List.of(pooled));
    }

    private LinkedHashMap<String, Integer> groups(String only) {
        return PleNetwork.expertGroups(config.extraction(), tasks, only);
    }

    /** The experts of {@code groups}, all reading {@code input}, as one bank [B, E, h]. */
    private Bank bank(String scope, String input, LinkedHashMap<String, Integer> groups) {
        List<Integer> hidden = config.extraction().expertHidden();
        int e = groups.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, int[]> ranges = new LinkedHashMap<>();
        int from = 0;
        for (Map.Entry<String, Integer> grp : groups.entrySet()) {
            ranges.put(grp.getKey(), new int[]{from, grp.getValue()});
            from += grp.getValue();
        }
        String z = g.node("Add", List.of(g.node("MatMul", List.of(input, parameter(scope + "/layer0/W"))),
                parameter(scope + "/layer0/b")));                                                   // [B, E*h0]
        String h = g.node("Reshape", List.of(activation(z), g.int64s(-1, e, hidden.get(0))));      // [B, E, h0]
        if (hidden.size() > 1) {
            h = g.node("Transpose", List.of(h), OnnxGraph.intsAttr("perm", 1, 0, 2));              // [E, B, h0]
            for (int j = 1; j < hidden.size(); j++) {
                // [E, B, a] x [E, a, b] + [E, 1, b]
                String zj = g.node("Add", List.of(g.node("MatMul", List.of(h, parameter(scope + "/layer" + j + "/W"))),
                        parameter(scope + "/layer" + j + "/b")));
                h = activation(zj);
            }
            h = g.node("Transpose", List.of(h), OnnxGraph.intsAttr("perm", 1, 0, 2));              // [B, E, h]
        }
        return new Bank(h, ranges);
    }

    /** A gate's mixture [B, h] of {@code parts}, its softmax weights read from {@code gateInput}. */
    private String gate(String path, String outputName, String gateInput, List<Part> parts) {
        int n = parts.stream().mapToInt(Part::count).sum();
        List<String> stacked = new ArrayList<>();
        for (Part p : parts) {
            int bankSize = p.bank().groups().values().stream().mapToInt(r -> r[1]).sum();
            if (p.from() == 0 && p.count() == bankSize) {
                stacked.add(p.bank().output());
            } else {
                long[] idx = new long[p.count()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = p.from() + i;
                }
                stacked.add(g.node("Gather", List.of(p.bank().output(), g.int64s(idx)), intAttr("axis", 1)));
            }
        }
        String s = stacked.size() == 1 ? stacked.get(0) : g.node("Concat", stacked, intAttr("axis", 1)); // [B, n, h]
        if (n == 1) {
            return g.node("Squeeze", List.of(s, g.int64s(1)));
        }
        String logits = g.node("MatMul", List.of(gateInput, parameter(path + "/W")));
        if (config.gate().bias()) {
            logits = g.node("Add", List.of(logits, parameter(path + "/b")));
        }
        String w = g.node("Softmax", outputName, List.of(logits), intAttr("axis", 1));       // [B, n]
        String rows = g.node("Unsqueeze", List.of(w, g.int64s(1)));                                // [B, 1, n]
        return g.node("Squeeze", List.of(g.node("MatMul", List.of(rows, s)), g.int64s(1)));       // [B, h]
    }

    /** A task's tower and head: the logit [B, 1]. */
    private String tower(TaskSpec task, String input) {
        String h = input;
        for (int j = 0; j < task.towerHidden().size(); j++) {
            String path = "tower/" + task.name() + "/layer" + j;
            h = activation(g.node("Add", List.of(g.node("MatMul", List.of(h, parameter(path + "/W"))),
                    parameter(path + "/b"))));
        }
        String path = "tower/" + task.name() + "/head";
        return g.node("Add", GraphSignature.logit(task.name()),
                List.of(g.node("MatMul", List.of(h, parameter(path + "/W"))), parameter(path + "/b")));
    }

    private String activation(String z) {
        Activation a = config.extraction().activation();
        return switch (a) {
            case RELU -> g.node("Relu", List.of(z));
            case TANH -> g.node("Tanh", List.of(z));
            case SIGMOID -> g.node("Sigmoid", List.of(z));
            case ELU -> g.node("Elu", List.of(z), floatAttr("alpha", 1f));
            // libnd4j's gelu is the sigmoid form x * sigmoid(1.702 x)
            case GELU -> g.node("Mul", List.of(z, g.node("Sigmoid", List.of(g.node("Mul", List.of(z,
                    g.floatScalar(1.702f)))))));
            case LEAKY_RELU -> g.node("LeakyRelu", List.of(z), floatAttr("alpha", 0.01f));
            case IDENTITY -> z;
        };
    }

    /** The parameter {@code name} as an initializer (added once). */
    private String parameter(String name) {
        INDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("the model has no parameter '" + name + "' (parameters: " + params.keySet()
                    + ")");
        }
        g.parameter(name, a);
        return name;
    }
}
