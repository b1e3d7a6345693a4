package io.github.ple4j.model.graph;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.shape.Concat;
import org.nd4j.linalg.api.ops.impl.shape.ExpandDims;
import org.nd4j.linalg.api.ops.impl.shape.bp.ConcatBp;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.Squeeze;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * <p>One rewrite: a matrix-multiply backward op ({@code matmul_bp}) whose input gradient nobody reads
 * (the first layer's gradient with respect to the features) computes only the weight gradient, with one
 * matrix multiply instead of two.
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
    private final Pool pool = new Pool();
    private long[][] lastPlaceholderShapes;
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
        this.sd = sd;
        this.arrays = arrays;
        Map<String, Variable> vars = sd.getVariables();
        Map<String, SameDiffOp> ops = sd.getOps();
        // Which ops are needed, in dependency order (depth-first from the outputs).
        List<String> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Set<String> needed = new LinkedHashSet<>(outputs);
        for (String out : outputs) {
            Variable v = vars.get(out);
            if (v == null) {
                throw new IllegalArgumentException("the graph has no variable '" + out + "' to compute");
            }
            visit(out, vars, ops, done, order, needed, new LinkedHashSet<>());
        }
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
        this.plannedOps = done;
        for (String opName : order) {
            steps.add(step(ops.get(opName).getOp()));
        }
        planLifetimes();
    }

    /**
     * For every op output, the last step that may read its buffer: directly, through an alias (identity,
     * views, the pass-through gradients of additions), or the end of the run for requested outputs. Buffers
     * whose last reader has run are handed to later ops of the same size ({@link Pool}).
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

    private static void visit(String var, Map<String, Variable> vars, Map<String, SameDiffOp> ops, Set<String> done,
                              List<String> order, Set<String> needed, Set<String> path) {
        Variable v = vars.get(var);
        needed.add(var);
        String opName = v.getOutputOfOp();
        if (opName == null || done.contains(opName)) {
            return;
        }
        if (!path.add(opName)) {
            throw new IllegalStateException("the graph has a cycle through op '" + opName + "'");
        }
        SameDiffOp op = ops.get(opName);
        if (op.getControlDeps() != null && !op.getControlDeps().isEmpty()) {
            throw new UnsupportedOperationException("op '" + opName + "' has control dependencies "
                    + op.getControlDeps() + "; ExecutionPlan runs data-flow graphs only");
        }
        List<String> inputs = op.getInputsToOp();
        if (inputs != null) {
            for (String in : inputs) {
                visit(in, vars, ops, done, order, needed, path);
            }
        }
        path.remove(opName);
        done.add(opName);
        order.add(opName);
        // Every output gets a slot, read or not.
        for (String o : op.getOutputsOfOp()) {
            needed.add(o);
        }
    }

    private Step step(DifferentialFunction df) {
        String[] in = df.argNames();
        String[] out = df.outputVariablesNames();
        int[] inIdx = Arrays.stream(in).mapToInt(varIndex::get).toArray();
        int[] outIdx = Arrays.stream(out).mapToInt(varIndex::get).toArray();
        DataType[] outTypes = Arrays.stream(out).map(n -> sd.getVariable(n).dataType()).toArray(DataType[]::new);
        if (df instanceof Identity) {
            return new IdentityStep(df, inIdx, outIdx);
        }
        if ((df instanceof Reshape || df instanceof Squeeze || df instanceof ExpandDims) && outIdx.length == 1) {
            return new ViewStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof MmulBp mb && inIdx.length == 3 && mb.iArgs().length >= 2
                && (mb.iArgs().length < 3 || mb.iArgs()[2] == 0)) {
            return new MmulGradStep(df, inIdx, outIdx, outTypes, isRead(out[0]), isRead(out[1]),
                    mb.iArgs()[0] != 0, mb.iArgs()[1] != 0);
        }
        if (df instanceof Mmul mm && inIdx.length == 2 && outIdx.length == 1 && mm.iArgs().length >= 2
                && (mm.iArgs().length < 3 || mm.iArgs()[2] == 0)
                && (mm.tArgs().length == 0 || (mm.tArgs().length == 2 && mm.tArgs()[0] == 1.0 && mm.tArgs()[1] == 0.0))) {
            return new MatmulStep(df, inIdx, outIdx, outTypes, mm.iArgs()[0] != 0, mm.iArgs()[1] != 0);
        }
        if (df instanceof Concat c && c.iArgs().length == 1 && outIdx.length == 1) {
            return new ConcatStep(df, inIdx, outIdx, outTypes, (int) c.iArgs()[0]);
        }
        if (df instanceof ConcatBp cb && cb.iArgs().length == 1 && inIdx.length == outIdx.length + 1) {
            return new ConcatGradStep(df, inIdx, outIdx, outTypes, (int) cb.iArgs()[0]);
        }
        if (df instanceof ThresholdReluBp tr && tr.tArgs().length == 1) {
            return new ReluGradStep(df, inIdx, outIdx, outTypes, tr.tArgs()[0]);
        }
        if (df instanceof MulBpOp && inIdx.length == 3) {
            return new MulGradStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof AddBpOp && inIdx.length == 3) {
            return new AddGradStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof DynamicCustomOp) {
            return new CustomStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof BaseOp) {
            return new LegacyStep(df, inIdx, outIdx, outTypes);
        }
        throw new UnsupportedOperationException("ExecutionPlan cannot run op '" + df.getOwnName() + "' ("
                + df.getClass().getSimpleName() + ")");
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
        if (closed) {
            throw new IllegalStateException("the execution plan is closed");
        }
        for (int i = 0; i < placeholderIdx.length; i++) {
            INDArray a = placeholders.get(placeholderNames[i]);
            if (a == null) {
                throw new IllegalArgumentException("no array was given for placeholder '" + placeholderNames[i] + "'");
            }
            values[placeholderIdx[i]] = a;
        }
        if (!samePlaceholderShapes()) {
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
        if (profile != null) {
            for (Step s : steps) {
                long t0 = System.nanoTime();
                s.run(values);
                long[] acc = profile.computeIfAbsent(s.kind(), k -> new long[2]);
                acc[0] += System.nanoTime() - t0;
                acc[1]++;
            }
        } else {
            for (Step s : steps) {
                s.run(values);
            }
        }
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

    private boolean samePlaceholderShapes() {
        boolean same = lastPlaceholderShapes != null;
        long[][] now = new long[placeholderIdx.length][];
        for (int i = 0; i < placeholderIdx.length; i++) {
            now[i] = values[placeholderIdx[i]].shape();
            same = same && Arrays.equals(now[i], lastPlaceholderShapes[i]);
        }
        lastPlaceholderShapes = now;
        return same;
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

    /**
     * An op context whose arguments are set once and whose arrays are passed to libnd4j only when they change.
     * (Every argument set allocates native memory that only the garbage collector frees; setting them per run
     * made the resident size climb by about 100 MB per 1000 steps.)
     */
    private static final class Context {
        final OpContext ctx = Nd4j.getExecutioner().buildContext();
        private INDArray[] in = new INDArray[0];
        private INDArray[] out = new INDArray[0];

        Context(long[] iArgs, double[] tArgs, boolean[] bArgs, DataType[] dArgs) {
            if (iArgs != null && iArgs.length > 0) {
                ctx.setIArguments(iArgs);
            }
            if (tArgs != null && tArgs.length > 0) {
                ctx.setTArguments(tArgs);
            }
            if (bArgs != null && bArgs.length > 0) {
                ctx.setBArguments(bArgs);
            }
            if (dArgs != null && dArgs.length > 0) {
                ctx.setDArguments(dArgs);
            }
        }

        Context in(int k, INDArray a) {
            if (k >= in.length) {
                in = Arrays.copyOf(in, k + 1);
            }
            if (in[k] != a) {
                ctx.setInputArray(k, a);
                in[k] = a;
            }
            return this;
        }

        Context out(int k, INDArray a) {
            if (k >= out.length) {
                out = Arrays.copyOf(out, k + 1);
            }
            if (out[k] != a) {
                ctx.setOutputArray(k, a);
                out[k] = a;
            }
            return this;
        }

        void exec(CustomOp op) {
            Nd4j.exec(op, ctx);
        }

        void exec(Op op) {
            Nd4j.exec(op, ctx);
        }
    }

    /** One op of the plan. */
    private abstract static class Step {
        final DifferentialFunction op;
        final int[] in;
        final int[] out;

        Step(DifferentialFunction op, int[] in, int[] out) {
            this.op = op;
            this.in = in;
            this.out = out;
        }

        int index;
        int[] outEnd;
        /** libnd4j's own op, for the inputs a specialised step does not handle (null for plain steps). */
        CustomStep fallback;

        abstract void run(INDArray[] values);

        /** Gives this step libnd4j's op as {@link #fallback}. */
        void useFallback(DataType[] outTypes) {
            fallback = new CustomStep(op, in, out, outTypes);
        }

        /** Pairs {output var, input var} where the output may share the input's buffer. */
        int[][] aliases() {
            return new int[0][];
        }

        /** Forgets cached shapes and buffers (before buffers are planned afresh). */
        void reset() {
            if (fallback != null) {
                fallback.reset();
            }
        }

        /** The op's name, marked when the plan runs its own kernel for it. */
        String kind() {
            return op.opName() + (this instanceof CustomStep || this instanceof LegacyStep || this instanceof IdentityStep
                    ? "" : this instanceof ViewStep || this instanceof ConcatGradStep ? " (view)" : " (rewritten)");
        }

        void close() {
            if (fallback != null) {
                fallback.close();
            }
        }

        RuntimeException failure(Exception e, INDArray[] values) {
            StringBuilder sb = new StringBuilder("op '").append(op.getOwnName()).append("' (").append(op.opName())
                    .append(") failed; input shapes");
            for (int i : in) {
                sb.append(' ').append(values[i] == null ? "null" : Arrays.toString(values[i].shape()));
            }
            return new IllegalStateException(sb.append(": ").append(e.getMessage()).toString(), e);
        }
    }

    /** Outputs allocated per input shapes and reused while those shapes repeat. */
    private abstract static class BufferedStep extends Step {
        final DataType[] outTypes;
        long[][] lastInShapes;
        DataType[] lastInTypes;
        INDArray[] buffers;
        INDArray[] pinned;
        Pool pool;

        BufferedStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out);
            this.outTypes = outTypes;
        }

        /** True when the inputs have the shapes and types of the previous call (buffers can be reused). */
        boolean sameInputs(INDArray[] values) {
            if (buffers == null) {
                return false;
            }
            for (int i = 0; i < in.length; i++) {
                INDArray a = values[in[i]];
                if (a.dataType() != lastInTypes[i] || !Arrays.equals(a.shape(), lastInShapes[i])) {
                    return false;
                }
                if (a.dataType().isIntType() && a.length() <= 16) {
                    // Shape-like integer inputs (reshape targets, axes): their values decide output shapes.
                    return false;
                }
            }
            return true;
        }

        void remember(INDArray[] values) {
            lastInShapes = new long[in.length][];
            lastInTypes = new DataType[in.length];
            for (int i = 0; i < in.length; i++) {
                lastInShapes[i] = values[in[i]].shape();
                lastInTypes[i] = values[in[i]].dataType();
            }
        }

        /** Output buffers for the shapes libnd4j computed, reusing the current ones that still fit. */
        void allocate(List<LongShapeDescriptor> shapes) {
            if (shapes == null || shapes.size() != out.length) {
                throw new IllegalStateException("op '" + op.getOwnName() + "' (" + op.opName() + ") gave "
                        + (shapes == null ? 0 : shapes.size()) + " output shapes for " + out.length + " outputs");
            }
            INDArray[] next = new INDArray[out.length];
            for (int i = 0; i < out.length; i++) {
                LongShapeDescriptor d = shapes.get(i);
                if (d.dataType() != outTypes[i]) {
                    d = d.asDataType(outTypes[i]);
                }
                INDArray old = buffers == null ? null : buffers[i];
                if (old != null && old.dataType() == d.dataType() && Arrays.equals(old.shape(), d.getShape())
                        && old.ordering() == d.getOrder() && !d.isEmpty()) {
                    next[i] = old;
                    buffers[i] = null;
                } else if (d.isEmpty() || d.getOrder() != 'c') {
                    next[i] = Nd4j.create(d, false);
                } else {
                    next[i] = newBuffer(i, d.dataType(), d.getShape());
                }
            }
            freeBuffers();
            buffers = next;
        }

        void freeBuffers() {
            if (buffers != null) {
                for (int i = 0; i < buffers.length; i++) {
                    INDArray b = buffers[i];
                    if (b != null && !isPinned(i, b) && (pool == null || !pool.owns(b)) && b.closeable()) {
                        b.close();
                    }
                }
            }
            buffers = null;
        }

        /** Makes output i use {@code target} (a caller's array) whenever the shapes agree. */
        void pin(int i, INDArray target) {
            if (pinned == null) {
                pinned = new INDArray[out.length];
            }
            pinned[i] = target;
            freeBuffers();
        }

        private boolean isPinned(int i, INDArray b) {
            return pinned != null && i < pinned.length && pinned[i] == b;
        }

        /** A buffer for output i: its pinned array when that has the shape and type, else a new array. */
        INDArray newBuffer(int i, DataType type, long[] shape) {
            INDArray p = pinned == null ? null : pinned[i];
            if (p != null && p.dataType() == type && Arrays.equals(p.shape(), shape)) {
                return p;
            }
            if (pool != null && outEnd != null) {
                return pool.take(type, shape, index, outEnd[i]);
            }
            return Nd4j.createUninitialized(type, shape);
        }

        @Override
        void reset() {
            super.reset();
            freeBuffers();
            lastInShapes = null;
            lastInTypes = null;
        }

        @Override
        void close() {
            super.close();
            freeBuffers();
        }
    }

    /** A custom (libnd4j declarable) op. */
    private static final class CustomStep extends BufferedStep {
        private final DynamicCustomOp custom;
        private final Context ctx;

        CustomStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out, outTypes);
            this.custom = (DynamicCustomOp) op;
            this.ctx = new Context(custom.iArgs(), custom.tArgs(), custom.bArgs(), custom.dArgs());
        }

        @Override
        void run(INDArray[] values) {
            try {
                for (int i = 0; i < in.length; i++) {
                    ctx.in(i, values[in[i]]);
                }
                if (!sameInputs(values)) {
                    allocate(custom.calculateOutputShape(ctx.ctx));
                    remember(values);
                }
                for (int i = 0; i < out.length; i++) {
                    ctx.out(i, buffers[i]);
                }
                ctx.exec(custom);
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            for (int i = 0; i < out.length; i++) {
                values[out[i]] = buffers[i];
            }
        }
    }

    /** A legacy (transform, scalar, pairwise, reduce) op. */
    private static final class LegacyStep extends BufferedStep {
        private final BaseOp legacy;
        private final boolean scalarArg;
        private final Context ctx = new Context(null, null, null, null);

        LegacyStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out, outTypes);
            this.legacy = (BaseOp) op;
            boolean axisArg = op instanceof ReduceOp && ((ReduceOp) op).getOpType() != Op.Type.REDUCE3 && in.length == 2;
            this.scalarArg = op instanceof ScalarOp && in.length == 2;
            if (axisArg) {
                throw new UnsupportedOperationException("ExecutionPlan does not run reductions with an axis input ('"
                        + op.getOwnName() + "')");
            }
            if (out.length != 1) {
                throw new UnsupportedOperationException("legacy op '" + op.getOwnName() + "' has " + out.length + " outputs");
            }
        }

        @Override
        void run(INDArray[] values) {
            try {
                if (scalarArg) {
                    ((ScalarOp) legacy).setScalar(values[in[1]]);
                }
                ctx.in(0, values[in[0]]);
                if (in.length == 2 && !scalarArg) {
                    ctx.in(1, values[in[1]]);
                }
                if (!sameInputs(values)) {
                    allocate(legacy.calculateOutputShape(ctx.ctx));
                    remember(values);
                }
                ctx.out(0, buffers[0]);
                ctx.exec((Op) legacy);
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = buffers[0];
        }
    }

    /** Identity: the output is the input array. */
    private static final class IdentityStep extends Step {
        IdentityStep(DifferentialFunction op, int[] in, int[] out) {
            super(op, in, out);
        }

        @Override
        int[][] aliases() {
            return new int[][]{{out[0], in[0]}};
        }

        @Override
        void run(INDArray[] values) {
            values[out[0]] = values[in[0]];
        }
    }

    /**
     * A matrix product into a given buffer: op(a) op(b) with optional transposes, by libnd4j's matmul. A
     * rank-3 product of contiguous arrays runs as one 2-D product per batch element on views: libnd4j's
     * batched path reached about 110 GFLOP/s where its 2-D products reached 180-240 (oneDNN, AVX-512).
     */
    private static final class Product {
        private final Mmul mmul = new Mmul();
        private final long[] iArgs;
        private final Context ctx;
        private Context[] perBatch = new Context[0];
        private INDArray lastA;
        private INDArray lastB;
        private INDArray lastR;
        private INDArray[][] views;

        Product(boolean transposeA, boolean transposeB) {
            iArgs = new long[]{transposeA ? 1 : 0, transposeB ? 1 : 0, 0};
            ctx = new Context(iArgs, new double[]{1.0, 0.0}, null, null);
        }

        void run(INDArray a, INDArray b, INDArray result) {
            if (result.rank() == 3 && a.rank() == 3 && b.rank() == 3 && a.size(0) == result.size(0)
                    && b.size(0) == result.size(0) && contiguous(a) && contiguous(b) && contiguous(result)) {
                if (a != lastA || b != lastB || result != lastR) {
                    int n = (int) result.size(0);
                    views = new INDArray[3][n];
                    for (int e = 0; e < n; e++) {
                        views[0][e] = a.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                        views[1][e] = b.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                        views[2][e] = result.get(NDArrayIndex.point(e), NDArrayIndex.all(), NDArrayIndex.all());
                    }
                    if (perBatch.length < n) {
                        Context[] more = Arrays.copyOf(perBatch, n);
                        for (int e = perBatch.length; e < n; e++) {
                            more[e] = new Context(iArgs, new double[]{1.0, 0.0}, null, null);
                        }
                        perBatch = more;
                    }
                    lastA = a;
                    lastB = b;
                    lastR = result;
                }
                for (int e = 0; e < views[0].length; e++) {
                    perBatch[e].in(0, views[0][e]).in(1, views[1][e]).out(0, views[2][e]).exec(mmul);
                }
                return;
            }
            ctx.in(0, a).in(1, b).out(0, result).exec(mmul);
        }
    }

    /** {@code matmul} (forward): libnd4j's op, except that rank-3 products run per batch element ({@link Product}). */
    private static final class MatmulStep extends BufferedStep {
        private final Product product;
        private final Context shapeCtx;
        private final Mmul mmulOp;

        MatmulStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, boolean ta, boolean tb) {
            super(op, in, out, outTypes);
            this.mmulOp = (Mmul) op;
            this.product = new Product(ta, tb);
            this.shapeCtx = new Context(mmulOp.iArgs(), mmulOp.tArgs(), null, null);
        }

        @Override
        void run(INDArray[] values) {
            INDArray x = values[in[0]];
            INDArray y = values[in[1]];
            try {
                if (!sameInputs(values)) {
                    shapeCtx.in(0, x).in(1, y);
                    allocate(mmulOp.calculateOutputShape(shapeCtx.ctx));
                    remember(values);
                }
                product.run(x, y, buffers[0]);
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = buffers[0];
        }
    }

    /**
     * Reshape, squeeze and expand_dims of a contiguous array: the output is a view of the input (libnd4j's ops
     * copy). The view is made once per input array and reused while the plan feeds the same array.
     */
    private static final class ViewStep extends Step {
        private final DynamicCustomOp custom;
        private final Context ctx;
        private final DataType outType;
        private INDArray[] lastInputs;
        private long[][] lastIntValues;
        private INDArray view;

        @Override
        int[][] aliases() {
            return new int[][]{{out[0], in[0]}};
        }

        @Override
        void reset() {
            super.reset();
            view = null;
        }

        ViewStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out);
            this.custom = (DynamicCustomOp) op;
            this.ctx = new Context(custom.iArgs(), custom.tArgs(), custom.bArgs(), custom.dArgs());
            useFallback(outTypes);
            this.outType = outTypes[0];
        }

        @Override
        void run(INDArray[] values) {
            if (view != null && sameAsLast(values)) {
                values[out[0]] = view;
                return;
            }
            view = null;
            INDArray x = values[in[0]];
            if (x.dataType() != outType || !contiguous(x)) {
                fallback.run(values);
                return;
            }
            try {
                for (int i = 0; i < in.length; i++) {
                    ctx.in(i, values[in[i]]);
                }
                long[] shape = custom.calculateOutputShape(ctx.ctx).get(0).getShape();
                INDArray v = x.reshape('c', shape);
                if (v.data().addressPointer().address() != x.data().addressPointer().address() || v.length() != x.length()) {
                    fallback.run(values);
                    return;
                }
                view = v;
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            lastInputs = new INDArray[in.length];
            lastIntValues = new long[in.length][];
            for (int i = 0; i < in.length; i++) {
                lastInputs[i] = values[in[i]];
                lastIntValues[i] = intValues(values[in[i]]);
            }
            values[out[0]] = view;
        }

        private boolean sameAsLast(INDArray[] values) {
            for (int i = 0; i < in.length; i++) {
                if (values[in[i]] != lastInputs[i] || !Arrays.equals(intValues(values[in[i]]), lastIntValues[i])) {
                    return false;
                }
            }
            return true;
        }

        /** The values of a small integer input (a shape or axes), which decide the output shape. */
        private static long[] intValues(INDArray a) {
            return a.dataType().isIntType() && a.length() <= 16 ? a.toLongVector() : null;
        }
    }

    /** True for a non-empty array laid out in C order without gaps (views of it need no copy). */
    private static boolean contiguous(INDArray x) {
        return x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x) && !x.isEmpty();
    }

    /** The consecutive blocks of {@code whole} (read as a vector) shaped like {@code parts}: views, no copies. */
    private static INDArray[] blocks(INDArray whole, INDArray[] parts) {
        INDArray flat = whole.reshape(whole.length());
        INDArray[] v = new INDArray[parts.length];
        long off = 0;
        for (int i = 0; i < parts.length; i++) {
            v[i] = flat.get(NDArrayIndex.interval(off, off + parts[i].length())).reshape('c', parts[i].shape());
            off += parts[i].length();
        }
        return v;
    }

    /** True when concatenating {@code arrays} along {@code axis} places each one in a contiguous block. */
    private static boolean blockwise(INDArray[] arrays, int axis, DataType type) {
        for (INDArray a : arrays) {
            if (a.dataType() != type || !contiguous(a) || a.rank() != arrays[0].rank()) {
                return false;
            }
            for (int d = 0; d < axis; d++) {
                if (a.size(d) != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code concat} along a leading axis of contiguous arrays: each input is one block of the output, copied
     * with an assign (libnd4j's concat of [n, B, h] tensors ran at a fifth of copy speed). Other cases use the
     * op.
     */
    private static final class ConcatStep extends BufferedStep {
        private final int axisArg;
        private final DynamicCustomOp assign = DynamicCustomOp.builder("assign").build();
        private Context[] copies = new Context[0];
        private INDArray[] blocks;
        private boolean fast;

        ConcatStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, int axis) {
            super(op, in, out, outTypes);
            this.axisArg = axis;
            useFallback(outTypes);
        }

        @Override
        void run(INDArray[] values) {
            INDArray[] xs = new INDArray[in.length];
            for (int i = 0; i < in.length; i++) {
                xs[i] = values[in[i]];
            }
            if (!sameInputs(values)) {
                freeBuffers();
                int rank = xs[0].rank();
                int axis = axisArg < 0 ? axisArg + rank : axisArg;
                fast = axis >= 0 && axis < rank && blockwise(xs, axis, outTypes[0]);
                if (fast) {
                    long[] shape = xs[0].shape().clone();
                    shape[axis] = 0;
                    for (INDArray x : xs) {
                        shape[axis] += x.size(axis);
                    }
                    buffers = new INDArray[]{newBuffer(0, outTypes[0], shape)};
                    blocks = blocks(buffers[0], xs);
                    if (copies.length != xs.length) {
                        copies = new Context[xs.length];
                        for (int i = 0; i < xs.length; i++) {
                            copies[i] = new Context(null, null, null, null);
                        }
                    }
                } else {
                    buffers = new INDArray[0];
                }
                remember(values);
            }
            if (!fast) {
                fallback.run(values);
                return;
            }
            try {
                for (int i = 0; i < xs.length; i++) {
                    copies[i].in(0, blocks[i]).in(1, xs[i]).out(0, blocks[i]).exec(assign);
                }
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = buffers[0];
        }

    }

    /**
     * {@code concat_bp} along a leading axis of a contiguous gradient: each input's gradient is a view of its
     * block (no copy). Other cases use the op.
     */
    private static final class ConcatGradStep extends Step {
        private final int axisArg;
        private INDArray lastEps;
        private INDArray[] views;

        ConcatGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, int axis) {
            super(op, in, out);
            this.axisArg = axis;
            useFallback(outTypes);
        }

        @Override
        int[][] aliases() {
            int[][] a = new int[out.length][];
            for (int i = 0; i < out.length; i++) {
                a[i] = new int[]{out[i], in[in.length - 1]};
            }
            return a;
        }

        @Override
        void run(INDArray[] values) {
            INDArray eps = values[in[in.length - 1]];
            if (eps != lastEps || views == null || !sameShapes(values)) {
                views = null;
                lastEps = null;
                INDArray[] xs = new INDArray[out.length];
                for (int i = 0; i < out.length; i++) {
                    xs[i] = values[in[i]];
                }
                int rank = eps.rank();
                int axis = axisArg < 0 ? axisArg + rank : axisArg;
                if (axis < 0 || axis >= rank || !blockwise(new INDArray[]{eps}, axis, eps.dataType())) {
                    fallback.run(values);
                    return;
                }
                long total = 0;
                for (INDArray x : xs) {
                    total += x.length();
                }
                if (total != eps.length()) {
                    fallback.run(values);
                    return;
                }
                views = blocks(eps, xs);
                lastEps = eps;
            }
            for (int i = 0; i < out.length; i++) {
                values[out[i]] = views[i];
            }
        }

        private boolean sameShapes(INDArray[] values) {
            for (int i = 0; i < out.length; i++) {
                if (!Arrays.equals(values[in[i]].shape(), views[i].shape())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void reset() {
            super.reset();
            views = null;
            lastEps = null;
        }
    }

    /**
     * {@code matmul_bp} of z = op(x) op(y) (op: optional transposes; rank 2, or rank 3 batched): each gradient
     * that is read is one matrix multiply into a reused buffer, and a gradient nobody reads (the features'
     * gradient at the first layer) is not computed, where libnd4j's op always computes both.
     * dL/dx = dz op(y)^T (or op(y) dz^T when x is transposed); dL/dy = op(x)^T dz (or dz^T op(x)).
     */
    private static final class MmulGradStep extends BufferedStep {
        private final boolean dxRead;
        private final boolean dyRead;
        private final boolean tx;
        private final boolean ty;
        private final Product dxProduct;
        private final Product dyProduct;

        MmulGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, boolean dxRead, boolean dyRead,
                     boolean tx, boolean ty) {
            super(op, in, out, outTypes);
            this.dxRead = dxRead;
            this.dyRead = dyRead;
            this.tx = tx;
            this.ty = ty;
            this.dxProduct = tx ? new Product(ty, true) : new Product(false, !ty);
            this.dyProduct = ty ? new Product(true, tx) : new Product(!tx, false);
            useFallback(outTypes);
        }

        @Override
        void run(INDArray[] values) {
            INDArray x = values[in[0]];
            INDArray y = values[in[1]];
            INDArray dz = values[in[2]];
            int r = x.rank();
            if ((r != 2 && r != 3) || y.rank() != r || dz.rank() != r || x.dataType() != y.dataType()
                    || x.dataType() != dz.dataType() || outTypes[0] != x.dataType() || outTypes[1] != x.dataType()
                    || (r == 3 && (x.size(0) != y.size(0) || x.size(0) != dz.size(0)))) {
                fallback.run(values);
                return;
            }
            if (!sameInputs(values)) {
                freeBuffers();
                buffers = new INDArray[2];
                if (dxRead) {
                    buffers[0] = newBuffer(0, outTypes[0], x.shape());
                }
                if (dyRead) {
                    buffers[1] = newBuffer(1, outTypes[1], y.shape());
                }
                remember(values);
            }
            try {
                if (dxRead) {
                    if (tx) {
                        dxProduct.run(y, dz, buffers[0]);
                    } else {
                        dxProduct.run(dz, y, buffers[0]);
                    }
                }
                if (dyRead) {
                    if (ty) {
                        dyProduct.run(dz, x, buffers[1]);
                    } else {
                        dyProduct.run(x, dz, buffers[1]);
                    }
                }
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = buffers[0];
            values[out[1]] = buffers[1];
        }

    }

    /**
     * {@code thresholdedrelu_bp} (ReLU backward): dL/dz = dL/dh where z > cutoff, else 0. libnd4j's kernel
     * applies a lambda per element (measured 19x slower than this on [256, 3072]); here it is a vectorised
     * step op and an element-wise multiply.
     */
    private static final class ReluGradStep extends BufferedStep {
        private final double cutoff;
        private final Context stepCtx = new Context(null, null, null, null);
        private final Context mulCtx = new Context(null, null, null, null);
        private final MulOp mul = new MulOp();
        private org.nd4j.linalg.api.ops.impl.scalar.Step step;

        ReluGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes, double cutoff) {
            super(op, in, out, outTypes);
            this.cutoff = cutoff;
        }

        @Override
        void run(INDArray[] values) {
            INDArray z = values[in[0]];
            INDArray eps = values[in[1]];
            if (!sameInputs(values)) {
                freeBuffers();
                buffers = new INDArray[]{newBuffer(0, outTypes[0], z.shape())};
                remember(values);
            }
            INDArray dz = buffers[0];
            try {
                if (step == null) {
                    step = new org.nd4j.linalg.api.ops.impl.scalar.Step(z, dz, cutoff);
                }
                // A legacy op checks its own array fields too.
                step.setX(z);
                step.setZ(dz);
                stepCtx.in(0, z).out(0, dz).exec(step);
                mulCtx.in(0, dz).in(1, eps).out(0, dz).exec(mul);
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = dz;
        }
    }

    /**
     * {@code add_bp} of z = x + y. dL/dx is dL/dz itself (no copy). When y is x's shape, so is dL/dy; when y
     * is a bias broadcast over the rows (shape [..., 1, n] against [..., B, n]) or the columns ([..., n, 1]),
     * dL/dy sums dL/dz over them as a matrix multiply by a row (column) of ones (libnd4j's column reduction took 1.7 ms on [256, 3072], the
     * multiply 0.02 ms). Other shapes use libnd4j's op.
     */
    private static final class AddGradStep extends BufferedStep {
        private final Product rowSum = new Product(false, false);
        private INDArray ones;
        private int mode;

        AddGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out, outTypes);
            useFallback(outTypes);
        }

        @Override
        int[][] aliases() {
            return new int[][]{{out[0], in[2]}, {out[1], in[2]}};
        }

        @Override
        void run(INDArray[] values) {
            INDArray x = values[in[0]];
            INDArray y = values[in[1]];
            INDArray eps = values[in[2]];
            if (!sameInputs(values)) {
                freeBuffers();
                if (ones != null) {
                    ones.close();
                    ones = null;
                }
                mode = mode(x, y, eps);
                buffers = new INDArray[2];
                if (mode == 2 || mode == 3) {
                    long[] os = eps.shape().clone();
                    int r = os.length;
                    if (mode == 2) {            // a row of ones [.., 1, B] on the left
                        os[r - 1] = os[r - 2];
                        os[r - 2] = 1;
                    } else {                    // a column of ones [.., B, 1] on the right
                        os[r - 2] = os[r - 1];
                        os[r - 1] = 1;
                    }
                    ones = Nd4j.ones(eps.dataType(), os);
                    buffers[1] = newBuffer(1, outTypes[1], y.shape());
                }
                remember(values);
            }
            if (mode == 0) {
                fallback.run(values);
                return;
            }
            values[out[0]] = eps;
            if (mode == 1) {
                values[out[1]] = eps;
                return;
            }
            try {
                if (mode == 2) {
                    rowSum.run(ones, eps, buffers[1]);
                } else {
                    rowSum.run(eps, ones, buffers[1]);
                }
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[1]] = buffers[1];
        }

        /**
         * 1: same shapes; 2: y is a row broadcast [.., 1, n]; 3: y is a column broadcast [.., n, 1] (rank 2 or 3);
         * 0: anything else.
         */
        private int mode(INDArray x, INDArray y, INDArray eps) {
            if (!Arrays.equals(x.shape(), eps.shape()) || x.dataType() != eps.dataType() || y.dataType() != eps.dataType()
                    || outTypes[0] != eps.dataType() || outTypes[1] != eps.dataType()) {
                return 0;
            }
            if (Arrays.equals(y.shape(), eps.shape())) {
                return 1;
            }
            int r = eps.rank();
            if ((r != 2 && r != 3) || y.rank() != r || (r == 3 && y.size(0) != eps.size(0))) {
                return 0;
            }
            if (y.size(r - 2) == 1 && y.size(r - 1) == eps.size(r - 1) && eps.size(r - 2) > 1) {
                return 2;
            }
            if (y.size(r - 1) == 1 && y.size(r - 2) == eps.size(r - 2) && eps.size(r - 1) > 1) {
                return 3;
            }
            return 0;
        }

        @Override
        void close() {
            super.close();
            if (ones != null) {
                ones.close();
            }
        }
    }

    /**
     * {@code multiply_bp} of z = x * y where y is x's shape or broadcast along some dimensions (a gate's
     * weights [B, n, 1] against the experts [B, n, h]): dL/dx = dL/dz * y, and dL/dy = dL/dz * x summed over
     * y's broadcast dimensions. libnd4j's kernel took 3.7 ms for the broadcast case on [256, 8, 128], this
     * 0.2 ms. Other shapes use libnd4j's op.
     */
    private static final class MulGradStep extends BufferedStep {
        private final MulOp mul = new MulOp();
        private final Context dxCtx = new Context(null, null, null, null);
        private final Context dyCtx = new Context(null, null, null, null);
        private final Context sumCtx = new Context(null, null, null, null);
        private Sum sum;
        private int[] sumDims;
        private INDArray product;
        private boolean supported;

        MulGradStep(DifferentialFunction op, int[] in, int[] out, DataType[] outTypes) {
            super(op, in, out, outTypes);
            useFallback(outTypes);
        }

        @Override
        void run(INDArray[] values) {
            INDArray x = values[in[0]];
            INDArray y = values[in[1]];
            INDArray eps = values[in[2]];
            if (!sameInputs(values)) {
                freeBuffers();
                if (product != null) {
                    product.close();
                    product = null;
                }
                int[] dims = broadcastDims(x, y, eps);
                supported = dims != null;
                if (supported) {
                    buffers = new INDArray[]{newBuffer(0, outTypes[0], x.shape()), newBuffer(1, outTypes[1], y.shape())};
                    if (dims.length > 0) {
                        product = Nd4j.createUninitialized(eps.dataType(), eps.shape());
                        if (sum == null || !Arrays.equals(dims, sumDims)) {
                            sum = new Sum(product, buffers[1], true, dims);
                        }
                    }
                    sumDims = dims;
                } else {
                    buffers = new INDArray[0];
                }
                remember(values);
            }
            if (!supported) {
                fallback.run(values);
                return;
            }
            try {
                dxCtx.in(0, eps).in(1, y).out(0, buffers[0]).exec(mul);
                if (sumDims.length == 0) {
                    dyCtx.in(0, eps).in(1, x).out(0, buffers[1]).exec(mul);
                } else {
                    dyCtx.in(0, eps).in(1, x).out(0, product).exec(mul);
                    sum.setX(product);
                    sum.setZ(buffers[1]);
                    sumCtx.in(0, product).out(0, buffers[1]).exec(sum);
                }
            } catch (RuntimeException e) {
                throw failure(e, values);
            }
            values[out[0]] = buffers[0];
            values[out[1]] = buffers[1];
        }

        /** The dimensions y is broadcast along (empty: same shape), or null when this step does not apply. */
        private int[] broadcastDims(INDArray x, INDArray y, INDArray eps) {
            DataType dt = eps.dataType();
            if (!Arrays.equals(x.shape(), eps.shape()) || y.rank() != x.rank() || x.dataType() != dt
                    || y.dataType() != dt || outTypes[0] != dt || outTypes[1] != dt) {
                return null;
            }
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < x.rank(); d++) {
                if (y.size(d) != x.size(d)) {
                    if (y.size(d) != 1) {
                        return null;
                    }
                    dims.add(d);
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        void close() {
            super.close();
            if (product != null) {
                product.close();
            }
        }
    }

    /**
     * Buffers shared by ops whose outputs are not alive at the same time. Ops take buffers in step order while a
     * plan's buffers are being set up; a buffer is free for step k when every output it held was last read
     * before k. The assignment is fixed until the input shapes change, so later runs reuse it as is.
     */
    private static final class Pool {
        /** Test switch: fill every buffer with NaN when handed out, to expose ops that read before writing. */
        static final boolean POISON = Boolean.getBoolean("ple4j.plan.poison");
        private final List<Entry> entries = new ArrayList<>();
        private final java.util.IdentityHashMap<INDArray, Boolean> handedOut = new java.util.IdentityHashMap<>();

        private static final class Entry {
            final INDArray flat;
            int busyUntil;

            Entry(INDArray flat, int busyUntil) {
                this.flat = flat;
                this.busyUntil = busyUntil;
            }
        }

        /** A buffer of the shape for an output written at step {@code from} and last read at step {@code until}. */
        INDArray take(DataType type, long[] shape, int from, int until) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            Entry best = null;
            for (Entry e : entries) {
                long cap = e.flat.length();
                if (e.busyUntil < from && e.flat.dataType() == type && cap >= n && cap <= 2 * n + 64
                        && (best == null || cap < best.flat.length())) {
                    best = e;
                }
            }
            if (best == null) {
                best = new Entry(Nd4j.createUninitialized(type, Math.max(n, 1)), until);
                entries.add(best);
            } else {
                best.busyUntil = until;
            }
            if (POISON && type.isFPType()) {
                best.flat.assign(Double.NaN);
            }
            INDArray view = n == best.flat.length() ? best.flat.reshape('c', shape)
                    : best.flat.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
            handedOut.put(view, Boolean.TRUE);
            return view;
        }

        boolean owns(INDArray a) {
            return handedOut.containsKey(a);
        }

        long bytes() {
            long b = 0;
            for (Entry e : entries) {
                b += e.flat.length() * e.flat.dataType().width();
            }
            return b;
        }

        void clear() {
            for (Entry e : entries) {
                if (e.flat.closeable()) {
                    e.flat.close();
                }
            }
            entries.clear();
            handedOut.clear();
        }
    }
}
