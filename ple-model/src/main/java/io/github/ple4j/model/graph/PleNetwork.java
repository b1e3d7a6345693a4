package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the PLE-family graph of a {@link PleConfig} (Tang et al., RecSys 2020).
 *
 * <p>Per extraction level j (Sec. 4.3), every task k has m_k task-specific experts and the level has m_s
 * shared experts. The output of task k's gate is (Eq. 2-3, 6)
 * <pre>  g^{k,j}(x) = w^{k,j}(g^{k,j-1}(x)) S^{k,j}(x),   w^{k,j}(x) = softmax(W_g^{k,j} x)</pre>
 * where S^{k,j} stacks task k's experts and the shared experts, each reading its own previous-level output
 * (level 1 reads the input). The shared gate mixes all experts of the level, reads the shared output and
 * exists on every level but the last. Towers and heads follow (Eq. 4): y^k = t^k(g^{k,N}(x)).
 *
 * <p>Experts of one group are computed as batched tensor ops: the first layer of every expert that reads
 * the same input is one matrix multiply ([B, in] x [in, E*h]); deeper layers are one rank-3 multiply
 * (expert-major). Expert outputs keep the layout their computation produces ([B, E, h] for single-layer
 * experts, [E, B, h] for deeper ones), so a gate's mixture needs no transposed copy: the stacked outputs times
 * the gate weights broadcast over h, summed over the experts (for small experts the same as two products
 * with constant 0/1 matrices). A gate over a single expert is the constant 1
 * and is left out.
 */
public final class PleNetwork {
    /** Group name of the shared experts. */
    public static final String SHARED = "shared";

    private final PleConfig config;
    private final SameDiff sd;
    private final DataType dt;
    private final ParamSource params;
    private final ExpertLayout layout;
    private final boolean dropout;
    private final List<String> tasks;
    private final List<GateInfo> gates = new ArrayList<>();
    private final List<DropoutSite> dropoutSites = new ArrayList<>();
    private final Map<SDVariable, BankPart> bankParts = new java.util.IdentityHashMap<>();

    private PleNetwork(PleConfig config, SameDiff sd, ParamSource params, ExpertLayout layout, boolean dropout) {
        this.config = config;
        this.sd = sd;
        this.dt = config.dataType().nd4j();
        this.params = params;
        this.layout = layout;
        this.dropout = dropout && config.dropout() > 0;
        this.tasks = config.tasks().stream().map(TaskSpec::name).toList();
    }

    /**
     * How the experts of a group are laid out in tensors. Both compute the same function; parameter names
     * and shapes differ, so bundles are written with {@link #FUSED}, the layout {@link io.github.ple4j.model.PleModel}
     * uses. {@link #PER_EXPERT} exists to measure what fusing gains.
     */
    public enum ExpertLayout {
        /** One matrix multiply for the first layer of all experts reading the same input, rank-3 multiplies after. */
        FUSED,
        /** One small matrix multiply per expert and layer, stacked afterwards. */
        PER_EXPERT
    }

    /**
     * The network's outputs.
     *
     * @param logits       task name to logit [B, 1], in task order
     * @param predictions  task name to prediction [B, 1] (sigmoid of the logit for BINARY tasks)
     * @param gates        every softmax gate, level by level
     * @param dropoutSites dropout mask placeholders
     */
    public record Outputs(Map<String, SDVariable> logits, Map<String, SDVariable> predictions, List<GateInfo> gates,
                          List<DropoutSite> dropoutSites) {
    }

    /**
     * Defines the network in {@code sd}.
     *
     * @param dense   dense features [B, F], or null when F = 0
     * @param catIds  categorical ids [B, C] as floating point, or null without categorical fields
     * @param params  where parameters come from
     * @param dropout whether to create dropout mask placeholders (when the config's dropout is > 0)
     */
    public static Outputs define(PleConfig config, SameDiff sd, SDVariable dense, SDVariable catIds, ParamSource params,
                                 ExpertLayout layout, boolean dropout) {
        return new PleNetwork(config, sd, params, layout, dropout).define(dense, catIds);
    }

    private Outputs define(SDVariable dense, SDVariable catIds) {
        SDVariable x = inputs(config.inputs(), dense, catIds);
        int width = config.inputs().width();
        ExtractionSpec ex = config.extraction();

        List<SDVariable> taskOut = new ArrayList<>();
        tasks.forEach(t -> taskOut.add(x));
        SDVariable sharedOut = x;
        for (int level = 0; level < ex.levels(); level++) {
            boolean last = level == ex.levels() - 1;
            Map<String, SDVariable> experts = level == 0
                    ? expertBank("level0/experts", 0, x, width, groupSizes(tasks, List.of()))
                    : levelExperts(level, tasks, taskOut, sharedOut);
            List<SDVariable> nextTaskOut = new ArrayList<>();
            for (int k = 0; k < tasks.size(); k++) {
                String task = tasks.get(k);
                Map<String, SDVariable> mixed = new LinkedHashMap<>();
                if (experts.containsKey(task)) {
                    mixed.put(task, experts.get(task));
                }
                if (experts.containsKey(SHARED)) {
                    mixed.put(SHARED, experts.get(SHARED));
                }
                nextTaskOut.add(gate(level, task, GraphSignature.taskGate(level, task), taskOut.get(k),
                        level == 0 ? width : ex.expertOutput(), mixed));
            }
            if (!last && ex.sharedExperts() > 0) {
                sharedOut = gate(level, SHARED, GraphSignature.sharedGate(level), sharedOut,
                        level == 0 ? width : ex.expertOutput(), experts);
            }
            taskOut.clear();
            taskOut.addAll(nextTaskOut);
        }

        Map<String, SDVariable> logits = new LinkedHashMap<>();
        Map<String, SDVariable> predictions = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec task = config.tasks().get(k);
            SDVariable logit = tower(task, taskOut.get(k), ex.expertOutput());
            logits.put(task.name(), logit);
            String pred = GraphSignature.prediction(task.name());
            predictions.put(task.name(), task.type() == TaskType.BINARY ? sd.nn.sigmoid(pred, logit) : sd.identity(pred, logit));
        }
        return new Outputs(logits, predictions, gates, dropoutSites);
    }

    /** Dense features and embedded categorical fields, concatenated: [B, width]. */
    private SDVariable inputs(InputSpec in, SDVariable dense, SDVariable ids) {
        List<SDVariable> parts = new ArrayList<>();
        if (in.denseSize() > 0) {
            parts.add(dense);
        }
        if (in.hasCategorical()) {
            for (int c = 0; c < in.categorical().size(); c++) {
                CategoricalField f = in.categorical().get(c);
                String path = "embedding/" + f.name();
                // Embedding lookup as one-hot [B, V] x table [V, D]: SameDiff's gather has no working
                // backprop in 1.0.0-M2.1. Costs B x V per field, fine for small vocabularies.
                SDVariable table = params.weight(path, params.init().uniform(path, f.vocabularySize() * f.embeddingDim(), 0.05),
                        f.vocabularySize(), f.embeddingDim());
                SDVariable col = sd.castTo(ids.get(SDIndex.all(), SDIndex.point(c)), DataType.INT64);
                SDVariable oneHot = sd.oneHot(col, f.vocabularySize(), -1, 1.0, 0.0, dt);
                parts.add(oneHot.mmul(table));
            }
        }
        return parts.size() == 1 ? parts.get(0) : sd.concat("input/concat", 1, parts.toArray(new SDVariable[0]));
    }

    private LinkedHashMap<String, Integer> groupSizes(List<String> tasks, List<String> only) {
        ExtractionSpec ex = config.extraction();
        LinkedHashMap<String, Integer> sizes = new LinkedHashMap<>();
        if (ex.expertsPerTask() > 0) {
            for (String t : tasks) {
                if (only.isEmpty() || only.contains(t)) {
                    sizes.put(t, ex.expertsPerTask());
                }
            }
        }
        if (ex.sharedExperts() > 0 && (only.isEmpty() || only.contains(SHARED))) {
            sizes.put(SHARED, ex.sharedExperts());
        }
        return sizes;
    }

    /** Levels after the first: each group reads its own previous output, so one bank per group. */
    private Map<String, SDVariable> levelExperts(int level, List<String> tasks, List<SDVariable> taskIn,
                                                 SDVariable sharedIn) {
        int in = config.extraction().expertOutput();
        Map<String, SDVariable> out = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            if (config.extraction().expertsPerTask() > 0) {
                out.putAll(expertBank("level" + level + "/experts/" + t, level, taskIn.get(k), in,
                        groupSizes(tasks, List.of(t))));
            }
        }
        if (config.extraction().sharedExperts() > 0) {
            out.putAll(expertBank("level" + level + "/experts/" + SHARED, level, sharedIn, in,
                    groupSizes(tasks, List.of(SHARED))));
        }
        return out;
    }

    /**
     * The experts of the given groups, all reading {@code input} [B, in], as one batched computation.
     *
     * @return per group, its experts' outputs stacked as [B, experts, h] or [experts, B, h] ({@link #expertAxis()})
     */
    private Map<String, SDVariable> expertBank(String scope, int level, SDVariable input, int in,
                                               LinkedHashMap<String, Integer> groups) {
        List<String> expertPaths = new ArrayList<>();
        groups.forEach((g, n) -> {
            for (int i = 0; i < n; i++) {
                expertPaths.add("level" + level + "/" + g + "/expert" + i);
            }
        });
        int e = expertPaths.size();
        SDVariable h = layout == ExpertLayout.FUSED ? fusedExperts(scope, input, in, expertPaths)
                : separateExperts(input, in, expertPaths);

        Map<String, SDVariable> out = new LinkedHashMap<>();
        if (groups.size() == 1) {
            out.put(groups.keySet().iterator().next(), h);
            return out;
        }
        int from = 0;
        for (Map.Entry<String, Integer> g : groups.entrySet()) {
            SDIndex experts = SDIndex.interval(from, from + g.getValue());
            SDVariable part = expertAxis() == 0 ? h.get(experts, SDIndex.all(), SDIndex.all())
                    : h.get(SDIndex.all(), experts, SDIndex.all());
            out.put(g.getKey(), part);
            bankParts.put(part, new BankPart(h, from, e));
            from += g.getValue();
        }
        return out;
    }

    /** Where a group's slice lies in the bank it was cut from: its first expert and the bank's expert count. */
    private record BankPart(SDVariable bank, int from, int experts) {
    }

    /**
     * Where the expert index is in expert outputs: single-layer experts give [B, E, h] (axis 1), deeper ones
     * [E, B, h] (axis 0); each is the layout its computation produces without a transposed copy (libnd4j's
     * permute of these tensors cost up to a fifth of a forward pass).
     */
    private int expertAxis() {
        return config.extraction().expertHidden().size() > 1 ? 0 : 1;
    }

    /**
     * All experts as one computation. Single-layer experts: [B, in] x [in, E*h0] viewed as [B, E, h0]. Deeper
     * experts run expert-major: [E*h0, B] = W0^T x^T (viewed as [E, h0, B]), middle layers
     * [E, h', h]^T x [E, h, B], and the last layer [E, h, B]^T x [E, h, h'] = [E, B, h'].
     */
    private SDVariable fusedExperts(String scope, SDVariable input, int in, List<String> expertPaths) {
        List<Integer> hidden = config.extraction().expertHidden();
        Activation act = config.extraction().activation();
        int e = expertPaths.size();

        int h0 = hidden.get(0);
        double[] w0 = new double[in * e * h0];
        for (int x = 0; x < e; x++) {
            double[] block = params.init().glorot(expertPaths.get(x) + "/layer0/W", in, h0);
            for (int r = 0; r < in; r++) {
                System.arraycopy(block, r * h0, w0, r * e * h0 + x * h0, h0);
            }
        }
        SDVariable weight0 = params.weight(scope + "/layer0/W", w0, in, (long) e * h0);
        SDVariable bias0 = params.bias(scope + "/layer0/b", 1, (long) e * h0);
        if (hidden.size() == 1) {
            // [B, in] x [in, E*h0] -> [B, E*h0] -> [B, E, h0]
            SDVariable z = input.mmul(weight0).add(bias0);
            SDVariable h = dropout(scope + "/layer0", activate(z, act), -1, (long) e * h0);
            return sd.reshape(h, -1, e, h0);
        }
        // [in, E*h0]^T x [B, in]^T -> [E*h0, B] -> [E, h0, B]
        SDVariable z = sd.mmul(weight0, input, true, true, false).add(sd.reshape(bias0, (long) e * h0, 1));
        SDVariable h = dropout(scope + "/layer0", activate(z, act), (long) e * h0, -1);
        h = sd.reshape(h, e, h0, -1);

        for (int j = 1; j < hidden.size(); j++) {
            int a = hidden.get(j - 1);
            int b = hidden.get(j);
            double[] wj = new double[e * a * b];
            for (int x = 0; x < e; x++) {
                System.arraycopy(params.init().glorot(expertPaths.get(x) + "/layer" + j + "/W", a, b), 0, wj, x * a * b, a * b);
            }
            SDVariable w = params.weight(scope + "/layer" + j + "/W", wj, e, a, b);
            SDVariable bias = params.bias(scope + "/layer" + j + "/b", e, 1, b);
            if (j < hidden.size() - 1) {
                // [E, a, b]^T x [E, a, B] -> [E, b, B]
                SDVariable zj = sd.mmul(w, h, true, false, false).add(sd.reshape(bias, e, b, 1));
                h = dropout(scope + "/layer" + j, activate(zj, act), e, b, -1);
            } else {
                // [E, a, B]^T x [E, a, b] -> [E, B, b]
                SDVariable zj = sd.mmul(h, w, true, false, false).add(bias);
                h = dropout(scope + "/layer" + j, activate(zj, act), e, -1, b);
            }
        }
        return h;
    }

    /** One small MLP per expert (parameters named by the expert's path), stacked along {@link #expertAxis()}. */
    private SDVariable separateExperts(SDVariable input, int in, List<String> expertPaths) {
        List<Integer> hidden = config.extraction().expertHidden();
        Activation act = config.extraction().activation();
        SDVariable[] outs = new SDVariable[expertPaths.size()];
        for (int x = 0; x < outs.length; x++) {
            SDVariable h = input;
            int width = in;
            for (int j = 0; j < hidden.size(); j++) {
                String path = expertPaths.get(x) + "/layer" + j;
                int out = hidden.get(j);
                SDVariable z = h.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", width, out), width, out))
                        .add(params.bias(path + "/b", 1, out));
                h = dropout(path, activate(z, act), -1, out);
                width = out;
            }
            outs[x] = h;
        }
        return sd.stack(expertAxis(), outs);
    }

    /**
     * A gate mixing the given expert groups (paper Eq. 2-3): softmax(W_g x [+ b]) over the experts, reading
     * {@code gateInput} [B, in]. Returns the mixture [B, h]. A single expert passes through unchanged.
     */
    private SDVariable gate(int level, String owner, String outputName, SDVariable gateInput, int in,
                            Map<String, SDVariable> groups) {
        List<String> labels = new ArrayList<>();
        groups.forEach((g, v) -> {
            int n = (int) count(g);
            for (int i = 0; i < n; i++) {
                labels.add(g + "/" + i);
            }
        });
        int n = labels.size();
        if (n == 1) {
            return sd.squeeze(groups.values().iterator().next(), expertAxis());
        }
        String path = "level" + level + "/gate/" + owner;
        SDVariable logits = gateInput.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", in, n), in, n));
        if (config.gate().bias()) {
            logits = logits.add(params.bias(path + "/b", 1, n));
        }
        SDVariable g = sd.nn.softmax(outputName, logits, 1);                       // [B, n]
        gates.add(new GateInfo(outputName, level, owner, labels));
        int h = config.extraction().expertOutput();
        SDVariable bank = sameBank(groups.values());
        if (expertAxis() == 1 && bank != null && (long) bankParts.get(groups.values().iterator().next()).experts() * h * h <= SMALL_MIX) {
            // All groups are slices of one bank (level 0): mix straight from the bank, no slices or concatenation.
            // R [n, E*h] puts gate weight i on the bank's expert it belongs to (other experts get 0).
            int total = bankParts.get(groups.values().iterator().next()).experts();
            double[] r = new double[n * total * h];
            double[] q = new double[total * h * h];
            int i = 0;
            for (SDVariable part : groups.values()) {
                BankPart bp = bankParts.get(part);
                int members = (int) countOf(groups, part);
                for (int k = 0; k < members; k++, i++) {
                    for (int j = 0; j < h; j++) {
                        r[i * total * h + (bp.from() + k) * h + j] = 1;
                    }
                }
            }
            for (int x = 0; x < total; x++) {
                for (int j = 0; j < h; j++) {
                    q[(x * h + j) * h + j] = 1;
                }
            }
            SDVariable repeat = sd.constant(path + "/repeat", Nd4j.create(r, new long[]{n, (long) total * h}, 'c').castTo(dt));
            SDVariable sum = sd.constant(path + "/sum", Nd4j.create(q, new long[]{(long) total * h, h}, 'c').castTo(dt));
            return sd.reshape(bank, -1, (long) total * h).mul(g.mmul(repeat)).mmul(sum);   // [B, h]
        }
        SDVariable stacked = groups.size() == 1 ? groups.values().iterator().next()
                : sd.concat(expertAxis(), groups.values().toArray(new SDVariable[0]));  // [B, n, h] or [n, B, h]
        if (expertAxis() == 1 && (long) n * h * h <= SMALL_MIX) {
            // Small experts: plain matrix ops, fewer and faster than a broadcast multiply and a strided sum at
            // these sizes (+12% predictions/s on the census config). [B, n*h] * (g R), then x Q sums over the
            // experts: R [n, n*h] repeats each weight h times, Q [n*h, h] adds the experts up (constants).
            double[] r = new double[n * n * h];
            double[] q = new double[n * h * h];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    r[i * n * h + i * h + j] = 1;
                    q[(i * h + j) * h + j] = 1;
                }
            }
            SDVariable repeat = sd.constant(path + "/repeat", Nd4j.create(r, new long[]{n, (long) n * h}, 'c').castTo(dt));
            SDVariable sum = sd.constant(path + "/sum", Nd4j.create(q, new long[]{(long) n * h, h}, 'c').castTo(dt));
            return sd.reshape(stacked, -1, (long) n * h).mul(g.mmul(repeat)).mmul(sum);  // [B, h]
        }
        // [B, n, h] * [B, n, 1] (or [n, B, h] * [n, B, 1]), summed over the experts. (A batched [B, 1, n] x
        // [B, n, h] multiply was measured 2-3x slower: B tiny matrix products.)
        SDVariable weights = expertAxis() == 0 ? sd.expandDims(sd.permute(g, 1, 0), 2)   // [n, B, 1]
                : sd.expandDims(g, 2);                                                   // [B, n, 1]
        return stacked.mul(weights).sum(expertAxis());                                   // [B, h]
    }

    /**
     * Largest n * h * h for which a gate mixes with constant matrices; their products cost B * n * h * (n + h)
     * multiply-adds against B * n * h for the broadcast form, so only small experts gain.
     */
    private static final long SMALL_MIX = 1L << 14;

    /** The bank all the given groups were sliced from, or null. */
    private SDVariable sameBank(java.util.Collection<SDVariable> parts) {
        SDVariable bank = null;
        for (SDVariable p : parts) {
            BankPart bp = bankParts.get(p);
            if (bp == null || (bank != null && bp.bank() != bank)) {
                return null;
            }
            bank = bp.bank();
        }
        return bank;
    }

    /** Experts in the group whose slice is {@code part}. */
    private long countOf(Map<String, SDVariable> groups, SDVariable part) {
        for (Map.Entry<String, SDVariable> e : groups.entrySet()) {
            if (e.getValue() == part) {
                return count(e.getKey());
            }
        }
        throw new IllegalStateException("not a group of this gate");
    }

    private long count(String group) {
        return group.equals(SHARED) ? config.extraction().sharedExperts() : config.extraction().expertsPerTask();
    }

    /** Tower MLP and head of a task (Eq. 4); returns the logit [B, 1] and defines the prediction output. */
    private SDVariable tower(TaskSpec task, SDVariable input, int in) {
        SDVariable h = input;
        int width = in;
        Activation act = config.extraction().activation();
        List<Integer> hidden = task.towerHidden();
        for (int j = 0; j < hidden.size(); j++) {
            String path = "tower/" + task.name() + "/layer" + j;
            int out = hidden.get(j);
            SDVariable z = h.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", width, out), width, out))
                    .add(params.bias(path + "/b", 1, out));
            h = dropout(path, activate(z, act), -1, out);
            width = out;
        }
        String path = "tower/" + task.name() + "/head";
        return h.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", width, 1), width, 1))
                .add(params.bias(path + "/b", 1, 1)).rename(GraphSignature.logit(task.name()));
    }

    private SDVariable activate(SDVariable z, Activation a) {
        return switch (a) {
            case RELU -> sd.nn.relu(z, 0.0);
            case TANH -> sd.nn.tanh(z);
            case SIGMOID -> sd.nn.sigmoid(z);
            case ELU -> sd.nn.elu(z);
            case GELU -> sd.nn.gelu(z);
            case LEAKY_RELU -> sd.nn.leakyRelu(z, 0.01);
            case IDENTITY -> z;
        };
    }

    /** Multiplies by a dropout mask placeholder when dropout is on. */
    private SDVariable dropout(String site, SDVariable h, long... shape) {
        if (!dropout) {
            return h;
        }
        DropoutSite s = new DropoutSite(site, shape);
        dropoutSites.add(s);
        return h.mul(sd.placeHolder(s.placeholder(), dt, shape));
    }
}
