package io.github.ple4j.model.exec;

import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ops an {@link ExecutionPlan} runs, in one topological order: only those the requested outputs depend on
 * (depth-first from the outputs), with the {@link FusedOp} kernels in place of the ops they replace, and, for a
 * two-phase plan, every op that does not depend on a deferred placeholder before every op that does.
 */
final class PlanOrder {
    /** Prefix of the order entries of {@link FusedOp} kernels (SameDiff's op names never start with it). */
    private static final String FUSED = "\u0000fused:";

    /** Op names (or fused entries) in execution order. */
    final List<String> order = new ArrayList<>();
    /** The ops (and fused entries) of {@link #order}. */
    final Set<String> done = new LinkedHashSet<>();
    /** Every variable the plan reads or writes, outputs first. */
    final Set<String> needed;
    /** The deferred placeholders and every variable computed from them. */
    final Set<String> dependent;
    /** Entries [0, firstPhaseEnd) of {@link #order} do not depend on a deferred placeholder. */
    final int firstPhaseEnd;
    private final Map<String, FusedOp> fused;

    PlanOrder(Map<String, Variable> vars, Map<String, SameDiffOp> ops, Map<String, FusedOp> fused,
              Collection<String> outputs, Collection<String> deferred) {
        this.fused = fused;
        this.needed = new LinkedHashSet<>(outputs);
        List<String> topo = new ArrayList<>();
        for (String out : outputs) {
            if (vars.get(out) == null) {
                throw new IllegalArgumentException("the graph has no variable '" + out + "' to compute");
            }
            visit(out, vars, ops, topo, new LinkedHashSet<>());
        }
        for (String d : deferred) {
            Variable v = vars.get(d);
            if (v == null || v.getVariable().getVariableType() != VariableType.PLACEHOLDER) {
                throw new IllegalArgumentException("deferred input '" + d + "' is not a placeholder of the graph");
            }
        }
        // A stable partition of a topological order is one too: no first-phase op reads a later one.
        this.dependent = new LinkedHashSet<>(deferred);
        List<String> later = new ArrayList<>();
        for (String entry : topo) {
            FusedOp f = fusedOp(entry);
            List<String> ins = f != null ? f.inputs() : ops.get(entry).getInputsToOp();
            if (ins != null && ins.stream().anyMatch(dependent::contains)) {
                dependent.addAll(f != null ? List.of(f.output()) : ops.get(entry).getOutputsOfOp());
                later.add(entry);
            } else {
                order.add(entry);
            }
        }
        this.firstPhaseEnd = order.size();
        order.addAll(later);
    }

    /** The kernel of an entry of {@link #order}, or null for a graph op. */
    FusedOp fusedOp(String entry) {
        return entry.startsWith(FUSED) ? fused.get(entry.substring(FUSED.length())) : null;
    }

    private void visit(String var, Map<String, Variable> vars, Map<String, SameDiffOp> ops,
                       List<String> order, Set<String> path) {
        Variable v = vars.get(var);
        needed.add(var);
        FusedOp f = fused.get(var);
        if (f != null) {
            String key = FUSED + var;
            if (done.add(key)) {
                for (String in : f.inputs()) {
                    visit(in, vars, ops, order, path);
                }
                order.add(key);
            }
            return;
        }
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
                visit(in, vars, ops, order, path);
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

}
