package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.exec.ExpertMixture;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the PLE-family graph of a {@link PleConfig} (Tang et al., RecSys 2020).
 *
 * <p>Per extraction level j (Sec. 4.2), every task k has m_k task-specific experts and the level has m_s
 * shared experts. The output of task k's gate is (Eq. 2-3, 6)
 * <pre>  g^{k,j}(x) = w^{k,j}(g^{k,j-1}(x)) S^{k,j}(x),   w^{k,j}(x) = softmax(W_g^{k,j} x)</pre>
 * where S^{k,j} stacks task k's experts and the shared experts, each reading its own previous-level output
 * (level 1 reads the input). The shared gate mixes all experts of the level, reads the shared output and
 * exists on every level but the last. Towers and heads follow (Eq. 5 and 7): y^k = t^k(g^{k,N}(x)).
 *
 * <p>The input is the dense features and the embedded categorical fields ({@link Embeddings}). Experts that read
 * the same input are computed together ({@link ExpertBank}); a gate's mixture is written in the form fastest for
 * the experts' size ({@link GateMixer}). A gate over a single expert is the constant 1 and is left out.
 */
public final class PleNetwork {
    /** Group name of the shared experts. */
    public static final String SHARED = "shared";

    private final PleConfig config;
    private final SameDiff sd;
    private final DataType dt;
    private final ParamSource params;
    private final DropoutSites dropout;
    private final List<String> tasks;
    private final List<GateInfo> gates = new ArrayList<>();
    private final List<ExpertMixture> mixtures = new ArrayList<>();

    private PleNetwork(PleConfig config, SameDiff sd, ParamSource params, boolean dropout) {
        this.config = config;
        this.sd = sd;
        this.dt = config.dataType().nd4j();
        this.params = params;
        this.dropout = new DropoutSites(sd, dt, dropout && config.dropout() > 0);
        this.tasks = config.tasks().stream().map(TaskSpec::name).toList();
    }

    /**
     * The network's outputs.
     *
     * @param logits       task name to logit [B, 1], in task order
     * @param predictions  task name to prediction [B, 1] (sigmoid of the logit for BINARY tasks)
     * @param gates        every softmax gate, level by level
     * @param dropoutSites dropout mask placeholders
     * @param mixtures     the gate mixtures an execution plan computes with a kernel of its own
     */
    public record Outputs(Map<String, SDVariable> logits, Map<String, SDVariable> predictions, List<GateInfo> gates,
                          List<DropoutSite> dropoutSites, List<ExpertMixture> mixtures) {
    }

    /**
     * Defines the network in {@code sd}.
     *
     * @param inputs  the placeholders read and how ids are looked up
     * @param params  where parameters come from
     * @param dropout whether to create dropout mask placeholders (when the config's dropout is > 0)
     */
    public static Outputs define(PleConfig config, SameDiff sd, NetworkInputs inputs, ParamSource params, boolean dropout) {
        return new PleNetwork(config, sd, params, dropout).define(inputs);
    }

    private Outputs define(NetworkInputs inputs) {
        SDVariable x = Embeddings.input(sd, dt, params, config.inputs(), inputs.dense(), inputs.ids(), inputs.bags(),
                inputs.lookup());
        int width = config.inputs().width();
        ExtractionSpec ex = config.extraction();
        List<SDVariable> taskIn = new ArrayList<>();
        tasks.forEach(t -> taskIn.add(x));
        SDVariable sharedIn = x;
        for (int level = 0; level < ex.levels(); level++) {
            int in = level == 0 ? width : ex.expertOutput();
            Map<String, ExpertBank.Slice> experts = level == 0
                    ? ExpertBank.define(sd, params, ex, dropout, "level0/experts", 0, x, width, groups(null)).slices()
                    : levelExperts(level, taskIn, sharedIn);
            List<SDVariable> taskOut = new ArrayList<>();
            for (int k = 0; k < tasks.size(); k++) {
                String task = tasks.get(k);
                List<ExpertBank.Slice> own = new ArrayList<>();
                if (experts.containsKey(task)) {
                    own.add(experts.get(task));
                }
                if (experts.containsKey(SHARED)) {
                    own.add(experts.get(SHARED));
                }
                taskOut.add(gate(level, task, GraphSignature.taskGate(level, task), taskIn.get(k), in, own));
            }
            boolean last = level == ex.levels() - 1;
            if (!last && ex.sharedExperts() > 0) {
                sharedIn = gate(level, SHARED, GraphSignature.sharedGate(level), sharedIn, in,
                        new ArrayList<>(experts.values()));
            }
            taskIn.clear();
            taskIn.addAll(taskOut);
        }
        Map<String, SDVariable> logits = new LinkedHashMap<>();
        Map<String, SDVariable> predictions = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec task = config.tasks().get(k);
            SDVariable logit = tower(task, taskIn.get(k), ex.expertOutput());
            logits.put(task.name(), logit);
            String pred = GraphSignature.prediction(task.name());
            predictions.put(task.name(), task.type() == TaskType.BINARY ? sd.nn.sigmoid(pred, logit)
                    : sd.identity(pred, logit));
        }
        return new Outputs(logits, predictions, gates, dropout.sites(), mixtures);
    }

    /** Group name to expert count, in bank order (tasks, then shared): all groups, or just {@code only}. */
    private LinkedHashMap<String, Integer> groups(String only) {
        return expertGroups(config.extraction(), tasks, only);
    }

    /**
     * The expert groups of a level in bank order (each task's experts, then the shared ones) with their sizes: all of
     * them ({@code only} null, the first level's single bank) or just the group {@code only} (a later level's bank).
     * The parameter layout of an expert bank follows this order.
     */
    public static LinkedHashMap<String, Integer> expertGroups(ExtractionSpec ex, List<String> tasks, String only) {
        LinkedHashMap<String, Integer> sizes = new LinkedHashMap<>();
        if (ex.expertsPerTask() > 0) {
            for (String t : tasks) {
                if (only == null || only.equals(t)) {
                    sizes.put(t, ex.expertsPerTask());
                }
            }
        }
        if (ex.sharedExperts() > 0 && (only == null || only.equals(SHARED))) {
            sizes.put(SHARED, ex.sharedExperts());
        }
        return sizes;
    }

    /** Levels after the first: each group reads its own previous output (Eq. 6), so one bank per group. */
    private Map<String, ExpertBank.Slice> levelExperts(int level, List<SDVariable> taskIn, SDVariable sharedIn) {
        ExtractionSpec ex = config.extraction();
        int in = ex.expertOutput();
        Map<String, ExpertBank.Slice> out = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            if (ex.expertsPerTask() > 0) {
                out.putAll(ExpertBank.define(sd, params, ex, dropout, "level" + level + "/experts/" + t, level,
                        taskIn.get(k), in, groups(t)).slices());
            }
        }
        if (ex.sharedExperts() > 0) {
            out.putAll(ExpertBank.define(sd, params, ex, dropout, "level" + level + "/experts/" + SHARED, level,
                    sharedIn, in, groups(SHARED)).slices());
        }
        return out;
    }

    /**
     * A gate (Eq. 2-3): w = softmax(W_g x [+ b]) over the experts of {@code parts}, reading {@code gateInput}
     * [B, in]; returns the mixture [B, h]. A single expert passes through unchanged.
     */
    private SDVariable gate(int level, String owner, String outputName, SDVariable gateInput, int in,
                            List<ExpertBank.Slice> parts) {
        List<String> labels = new ArrayList<>();
        for (ExpertBank.Slice p : parts) {
            for (int i = 0; i < p.count(); i++) {
                labels.add(p.group() + "/" + i);
            }
        }
        int n = labels.size();
        if (n == 1) {
            return sd.squeeze(parts.get(0).output(), parts.get(0).bank().axis());
        }
        String path = "level" + level + "/gate/" + owner;
        SDVariable logits = gateInput.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", in, n), in, n));
        if (config.gate().bias()) {
            logits = logits.add(params.bias(path + "/b", 1, n));
        }
        SDVariable w = sd.nn.softmax(outputName, logits, 1);                       // [B, n]
        gates.add(new GateInfo(outputName, level, owner, labels));
        return GateMixer.mix(sd, dt, path, w, parts, config.extraction().expertOutput(), mixtures);
    }

    /** Tower MLP and head of a task (Eq. 5 and 7); returns the logit [B, 1]. */
    private SDVariable tower(TaskSpec task, SDVariable input, int in) {
        SDVariable h = input;
        int width = in;
        List<Integer> hidden = task.towerHidden();
        for (int j = 0; j < hidden.size(); j++) {
            String path = "tower/" + task.name() + "/layer" + j;
            int out = hidden.get(j);
            SDVariable z = h.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", width, out), width, out))
                    .add(params.bias(path + "/b", 1, out));
            h = dropout.apply(path, Activations.apply(sd, z, config.extraction().activation()), -1, out);
            width = out;
        }
        String path = "tower/" + task.name() + "/head";
        return h.mmul(params.weight(path + "/W", params.init().glorot(path + "/W", width, 1), width, 1))
                .add(params.bias(path + "/b", 1, 1)).rename(GraphSignature.logit(task.name()));
    }
}
