package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a SameDiff graph (the forward graph or its gradient function) as a fixed, pre-sorted list of ops
 * with buffers owned by the plan.
 *
 * <p>SameDiff 1.0.0-M2.1's session re-derives the execution order, tracks dependencies in hash maps and
 * allocates every output afresh on every call: about 50 µs of Java work per op, which was most of a training
 * step of the small census model (218 ops), and it leaves the buffers to the garbage collector. This plan
 * executes the same ops of the same graph, in one topological order computed once, with only the ops the
 * requested outputs depend on. Each op's outputs are allocated once per input shape and reused by later
 * calls, so a training run's native memory stays flat and nothing waits for the collector.
 *
 * <p>{@link StepFactory} decides how each op runs: libnd4j's op ({@link CustomStep}, {@link LegacyStep}), a
 * view instead of a copy ({@link ViewStep}, {@link IdentityStep}, {@link ConcatGradStep}), or one of the plan's
 * own kernels where libnd4j's is slow: matrix products and their gradients ({@link MatmulStep},
 * {@link MatmulGradStep}, which also skips a gradient nobody reads, such as the features' at the first layer),
 * concatenation along a leading axis ({@link ConcatStep}), and the backward passes of ReLU, bias addition and
 * broadcast multiplication ({@link ReluGradStep}, {@link AddGradStep}, {@link MulGradStep}). Buffers of ops
 * whose outputs are not alive at the same time are shared ({@link BufferPool}).
 *
 * <p>Results are views of the plan's buffers: they stay valid until the next {@link #run} or {@link #close}.
 * Copy what must outlive that. Not thread-safe. Equality with SameDiff's own session is pinned by tests over
 * every architecture and loss option.
 */
public final class ExecutionPlan implements AutoCloseable {
    private final SameDiff sd;
    private final SameDiff arrays;
    private final String[] varNames;
    private final Map<String, Integer> varIndex = new HashMap<>();
    private final int[] placeholderIdx;
    private final String[] placeholderNames;
    private final int[] fixedIdx;
    private final List<Step> steps = new ArrayList<>();
    private final String[] outputNames;
    private final int[] outputIdx;
    private final INDArray[] values;
    private final Set<String> plannedOps;
    private final Map<Integer, INDArray> bound = new LinkedHashMap<>();
    private final BufferPool pool = new BufferPool();
    private final Map<String, FusedOp> fused = new HashMap<>();
    private long[][] lastPlaceholderShapes;
    /** Placeholders read only by the second phase ({@link #runFirst}, {@link #runRest}); empty: one phase. */
    private final Set<String> deferred;
    /** Steps [0, firstPhaseEnd) do not depend on a deferred placeholder; the rest do. */
    private final int firstPhaseEnd;
    /** Per requested output: whether it depends on a deferred placeholder. */
    private final boolean[] outputLate;
    private long[][] lastDeferredShapes;
    /** Whether the first phase ran since the last completed run, and whether it re-planned the buffers. */
    private boolean firstPhaseDone;
    private boolean firstPhaseReplanned;
    private boolean closed;
    private Map<String, long[]> profile;

    /**
     * A plan over a model's graph (inference).
     *
     * @param sd      the graph to run
     * @param outputs the variables to compute
     */
    public ExecutionPlan(SameDiff sd, Collection<String> outputs) {
        this(sd, sd, outputs);
    }

    /**
     * A plan over a model's gradient function (training): {@code gradients = model.getFunction("grad")}, whose
     * parameters are read from {@code model} at every run.
     *
     * @param sd      the graph to run
     * @param arrays  where parameter and constant arrays are looked up first (falling back to {@code sd})
     * @param outputs the variables to compute
     */
    public ExecutionPlan(SameDiff sd, SameDiff arrays, Collection<String> outputs) {
        this(sd, arrays, outputs, List.of());
    }

    /**
     * As {@link #ExecutionPlan(SameDiff, SameDiff, Collection)}, computing the output of each {@link FusedOp} with
     * its kernel instead of the graph's ops for it.
     *
     * @param fusedOps values of the graph to compute by kernel; those the plan does not need are ignored
     */
    public ExecutionPlan(SameDiff sd, SameDiff arrays, Collection<String> outputs,
                         Collection<? extends FusedOp> fusedOps) {
        this(sd, arrays, outputs, fusedOps, List.of());
    }

    /**
     * A plan run in two phases: {@link #runFirst} computes everything that does not depend on the
     * {@code deferred} placeholders, {@link #runRest} the rest once they are known. A DL4J layer needs this: its
     * forward pass returns the output, and the gradient of the loss with respect to it arrives later, at the
     * backward pass, which then reuses the forward values instead of computing them again.
     *
     * @param deferred placeholders of {@code sd} fed to {@link #runRest}
     */
    public ExecutionPlan(SameDiff sd, SameDiff arrays, Collection<String> outputs,
                         Collection<? extends FusedOp> fusedOps, Collection<String> deferred) {
        this.sd = sd;
        this.arrays = arrays;
        Map<String, Variable> vars = sd.getVariables();
        Map<String, SameDiffOp> ops = sd.getOps();
        for (FusedOp f : fusedOps) {
            List<String> names = new ArrayList<>(f.inputs());
            names.add(f.output());
            for (String n : names) {
                if (!vars.containsKey(n)) {
                    throw new IllegalArgumentException("the graph has no variable '" + n + "' for " + f);
                }
            }
            fused.put(f.output(), f);
        }
        PlanOrder plan = new PlanOrder(vars, ops, fused, outputs, deferred);
        Set<String> needed = plan.needed;
        // Variables get slots; which ones are fed, which are held by the graph.
        List<String> names = new ArrayList<>();
        List<Integer> phs = new ArrayList<>();
        List<Integer> fixed = new ArrayList<>();
        for (String n : needed) {
            int idx = names.size();
            names.add(n);
            varIndex.put(n, idx);
            VariableType type = vars.get(n).getVariable().getVariableType();
            if (type == VariableType.PLACEHOLDER) {
                phs.add(idx);
            } else if (type == VariableType.VARIABLE || type == VariableType.CONSTANT) {
                fixed.add(idx);
            }
        }
        this.varNames = names.toArray(new String[0]);
        this.placeholderIdx = phs.stream().mapToInt(Integer::intValue).toArray();
        this.placeholderNames = phs.stream().map(i -> varNames[i]).toArray(String[]::new);
        this.fixedIdx = fixed.stream().mapToInt(Integer::intValue).toArray();
        this.values = new INDArray[varNames.length];
        this.outputNames = outputs.toArray(new String[0]);
        this.outputIdx = Arrays.stream(outputNames).mapToInt(varIndex::get).toArray();
        this.plannedOps = plan.done;
        this.deferred = new LinkedHashSet<>(deferred);
        this.firstPhaseEnd = plan.firstPhaseEnd;
        this.outputLate = new boolean[outputNames.length];
        for (int i = 0; i < outputNames.length; i++) {
            outputLate[i] = plan.dependent.contains(outputNames[i]);
        }
        for (String opName : plan.order) {
            FusedOp f = plan.fusedOp(opName);
            steps.add(f != null ? fusedStep(f) : step(ops.get(opName).getOp()));
        }
        planLifetimes();
    }

    /**
     * For every op output, the last step that may read its buffer: directly, through an alias (identity,
     * views, the pass-through gradients of additions), or the end of the run for requested outputs. Buffers
     * whose last reader has run are handed to later ops of the same size ({@link BufferPool}).
     */
    private void planLifetimes() {
        int end = steps.size();
        int[] lastUse = new int[varNames.length];
        Arrays.fill(lastUse, -1);
        for (int k = 0; k < steps.size(); k++) {
            for (int v : steps.get(k).in) {
                lastUse[v] = Math.max(lastUse[v], k);
            }
        }
        for (int v : outputIdx) {
            lastUse[v] = end;
        }
        // Aliases: an output that may share its input's buffer keeps that buffer alive as long as itself.
        for (int k = steps.size() - 1; k >= 0; k--) {
            Step st = steps.get(k);
            for (int[] alias : st.aliases()) {
                lastUse[alias[1]] = Math.max(lastUse[alias[1]], lastUse[alias[0]]);
            }
        }
        for (int k = 0; k < steps.size(); k++) {
            Step st = steps.get(k);
            st.index = k;
            st.outEnd = new int[st.out.length];
            for (int i = 0; i < st.out.length; i++) {
                st.outEnd[i] = Math.max(k, lastUse[st.out[i]]);
            }
            if (st instanceof BufferedStep b) {
                b.pool = pool;
            }
        }
    }

    private Step fusedStep(FusedOp f) {
        int[] inIdx = f.inputs().stream().mapToInt(varIndex::get).toArray();
        int[] outIdx = {varIndex.get(f.output())};
        DataType[] types = {sd.getVariable(f.output()).dataType()};
        if (f instanceof EmbeddingBag b) {
            return new EmbeddingBagStep(b, inIdx, outIdx, types);
        }
        if (f instanceof ExpertMixture m) {
            return new ExpertMixtureStep(m, inIdx, outIdx, types);
        }
        return new EmbeddedInputStep((EmbeddedInput) f, inIdx, outIdx, types);
    }

    private Step step(DifferentialFunction df) {
        String[] out = df.outputVariablesNames();
        int[] inIdx = Arrays.stream(df.argNames()).mapToInt(varIndex::get).toArray();
        int[] outIdx = Arrays.stream(out).mapToInt(varIndex::get).toArray();
        DataType[] outTypes = Arrays.stream(out).map(n -> sd.getVariable(n).dataType()).toArray(DataType[]::new);
        return StepFactory.create(df, inIdx, outIdx, outTypes, this::isRead);
    }

    /** Whether a variable is requested or read by an op of the plan. */
    private boolean isRead(String var) {
        if (Arrays.asList(outputNames).contains(var)) {
            return true;
        }
        List<String> consumers = sd.getVariables().get(var).getInputsForOp();
        return consumers != null && consumers.stream().anyMatch(plannedOps::contains);
    }

    /**
     * Makes the requested output {@code name} land in {@code target} (for example a view of a flat gradient
     * vector): its op writes there directly when it owns its output buffer and the shape agrees; otherwise the
     * result is copied there at the end of each run. The plan never frees {@code target}.
     */
    public void bindOutput(String name, INDArray target) {
        Integer idx = varIndex.get(name);
        if (idx == null || !Arrays.asList(outputNames).contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not an output of this plan");
        }
        bound.put(idx, target);
        for (Step s : steps) {
            for (int i = 0; i < s.out.length; i++) {
                if (s.out[i] == idx && s instanceof BufferedStep b) {
                    b.pin(i, target);
                }
            }
        }
    }

    /** The placeholders this plan reads. */
    public List<String> placeholders() {
        return List.of(placeholderNames);
    }

    /** Number of ops executed per run. */
    public int size() {
        return steps.size();
    }

    /**
     * Runs the plan.
     *
     * @param placeholders arrays for (at least) every placeholder of {@link #placeholders()}
     * @return the requested outputs by name: views of the plan's buffers, valid until the next run
     */
    public Map<String, INDArray> run(Map<String, INDArray> placeholders) {
        runFirst(placeholders);
        return runRest(placeholders);
    }

    /**
     * The first phase of a two-phase plan: every op that does not depend on a deferred placeholder (all of them
     * when there are none).
     *
     * @param placeholders arrays for every placeholder but the deferred ones
     * @return the requested outputs computed by now (views of the plan's buffers)
     */
    public Map<String, INDArray> runFirst(Map<String, INDArray> placeholders) {
        checkOpen();
        for (int i = 0; i < placeholderIdx.length; i++) {
            if (deferred.contains(placeholderNames[i])) {
                continue;
            }
            INDArray a = placeholders.get(placeholderNames[i]);
            if (a == null) {
                throw new IllegalArgumentException("no array was given for placeholder '" + placeholderNames[i] + "'");
            }
            values[placeholderIdx[i]] = a;
        }
        firstPhaseReplanned = !samePlaceholderShapes();
        if (firstPhaseReplanned) {
            // New input shapes (a new batch size): every buffer is planned afresh.
            for (Step st : steps) {
                st.reset();
            }
            pool.clear();
        }
        for (int idx : fixedIdx) {
            INDArray a = arrays.hasVariable(varNames[idx]) ? arrays.getArrForVarName(varNames[idx]) : null;
            values[idx] = a != null ? a : sd.getArrForVarName(varNames[idx]);
            if (values[idx] == null) {
                throw new IllegalStateException("variable '" + varNames[idx] + "' has no array");
            }
        }
        runSteps(0, firstPhaseEnd);
        firstPhaseDone = true;
        Map<String, INDArray> ready = new LinkedHashMap<>();
        for (int i = 0; i < outputNames.length; i++) {
            if (!outputLate[i]) {
                ready.put(outputNames[i], values[outputIdx[i]]);
            }
        }
        return ready;
    }

    /**
     * The second phase: the ops that depend on the deferred placeholders, reading the first phase's values.
     *
     * @param placeholders arrays for the deferred placeholders (others are ignored)
     * @return every requested output by name: views of the plan's buffers, valid until the next run
     * @throws IllegalStateException when {@link #runFirst} has not run since the last completed run
     */
    public Map<String, INDArray> runRest(Map<String, INDArray> placeholders) {
        checkOpen();
        if (!firstPhaseDone) {
            throw new IllegalStateException("runRest needs runFirst first: the values it reads are not computed");
        }
        long[][] shapes = new long[placeholderIdx.length][];
        for (int i = 0; i < placeholderIdx.length; i++) {
            if (!deferred.contains(placeholderNames[i])) {
                continue;
            }
            INDArray a = placeholders.get(placeholderNames[i]);
            if (a == null) {
                throw new IllegalArgumentException("no array was given for placeholder '" + placeholderNames[i] + "'");
            }
            shapes[i] = a.shape();
            if (!firstPhaseReplanned && lastDeferredShapes != null && !Arrays.equals(shapes[i], lastDeferredShapes[i])) {
                throw new IllegalArgumentException("placeholder '" + placeholderNames[i] + "' has shape "
                        + Arrays.toString(shapes[i]) + " but the plan's buffers were made for "
                        + Arrays.toString(lastDeferredShapes[i]) + " with the same first-phase inputs");
            }
            values[placeholderIdx[i]] = a;
        }
        lastDeferredShapes = shapes;
        runSteps(firstPhaseEnd, steps.size());
        firstPhaseDone = false;
        for (Map.Entry<Integer, INDArray> b : bound.entrySet()) {
            INDArray v = values[b.getKey()];
            if (v != b.getValue()) {
                b.getValue().assign(v);
                values[b.getKey()] = b.getValue();
            }
        }
        Map<String, INDArray> result = new LinkedHashMap<>();
        for (int i = 0; i < outputNames.length; i++) {
            result.put(outputNames[i], values[outputIdx[i]]);
        }
        // Drop references to the caller's arrays.
        for (int idx : placeholderIdx) {
            values[idx] = null;
        }
        return result;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the execution plan is closed");
        }
    }

    private void runSteps(int from, int to) {
        if (profile != null) {
            for (int k = from; k < to; k++) {
                Step s = steps.get(k);
                long t0 = System.nanoTime();
                s.run(values);
                long[] acc = profile.computeIfAbsent(s.kind(), n -> new long[2]);
                acc[0] += System.nanoTime() - t0;
                acc[1]++;
            }
        } else {
            for (int k = from; k < to; k++) {
                steps.get(k).run(values);
            }
        }
    }

    private boolean samePlaceholderShapes() {
        boolean same = lastPlaceholderShapes != null;
        long[][] now = new long[placeholderIdx.length][];
        for (int i = 0; i < placeholderIdx.length; i++) {
            if (deferred.contains(placeholderNames[i])) {
                continue;
            }
            now[i] = values[placeholderIdx[i]].shape();
            same = same && Arrays.equals(now[i], lastPlaceholderShapes[i]);
        }
        lastPlaceholderShapes = now;
        return same;
    }

    /**
     * Elements of the largest buffer the plan owns (shared or an op's own; not the caller's arrays it reads, such as
     * parameters and placeholders). With gather lookups no buffer grows with the vocabulary.
     */
    public long largestBuffer() {
        long max = pool.largest();
        for (Step s : steps) {
            max = Math.max(max, s.largestBuffer());
        }
        return max;
    }

    /** Bytes of the buffers the plan's ops share (excluding buffers of single ops and pinned outputs). */
    public long pooledBytes() {
        return pool.bytes();
    }

    /**
     * Starts (or restarts) timing every op: afterwards {@link #profile()} gives the time per op kind. Costs two
     * clock reads per op.
     */
    public void startProfiling() {
        profile = new LinkedHashMap<>();
    }

    /**
     * Time spent per op kind since {@link #startProfiling()}, longest first: op name (with "(rewritten)" for
     * the plan's own backward kernels) to {total nanoseconds, executions}. Empty when not profiling.
     */
    public Map<String, long[]> profile() {
        Map<String, long[]> sorted = new LinkedHashMap<>();
        if (profile != null) {
            profile.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .forEach(e -> sorted.put(e.getKey(), e.getValue().clone()));
        }
        return sorted;
    }

    /** Frees every buffer the plan owns. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Step s : steps) {
            s.close();
        }
        pool.clear();
        Arrays.fill(values, null);
    }

}
