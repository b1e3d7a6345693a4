package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.ExtractionSpec;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The experts of one or more groups (a task's, the shared ones) that read the same input, computed as one
 * batched computation: the experts E of the paper's Eq. 2 and 6 (each an MLP with {@code expertHidden} layers).
 *
 * <p>Layout. The first layer of all E experts is one matrix multiply, [B, in] x [in, E*h0]. Single-layer experts
 * stay batch-major and are viewed as [B, E, h0]; deeper experts run expert-major with transposed products (no
 * permute copies): [E*h0, B] = W0^T x^T viewed as [E, h0, B], middle layers [E, h', h]^T x [E, h, B], and the
 * last layer [E, h, B]^T x [E, h, h'] = [E, B, h']. So the expert index is axis 1 for single-layer experts and
 * axis 0 for deeper ones ({@link #expertAxis}); each is the layout its computation produces (libnd4j's permute of
 * these tensors cost up to a fifth of a forward pass).
 *
 * <p>Parameters are named by the bank's scope ({@code <scope>/layer<j>/W}); their initial values are drawn per
 * logical expert ({@code level<l>/<group>/expert<i>/layer<j>/W}), so they do not depend on how experts are
 * batched.
 */
final class ExpertBank {
    private final SDVariable output;
    private final int experts;
    private final int axis;
    private final Map<String, Slice> slices = new LinkedHashMap<>();

    /**
     * A group's part of a bank.
     *
     * @param bank   the bank it was cut from
     * @param group  group name (a task, or {@link PleNetwork#SHARED})
     * @param from   index of the group's first expert in the bank
     * @param count  the group's number of experts
     * @param output the group's expert outputs, [B, count, h] or [count, B, h]
     */
    record Slice(ExpertBank bank, String group, int from, int count, SDVariable output) {
    }

    private ExpertBank(SDVariable output, int experts, int axis) {
        this.output = output;
        this.experts = experts;
        this.axis = axis;
    }

    /** Where the expert index is in expert outputs: 1 for single-layer experts ([B, E, h]), 0 for deeper ones. */
    static int expertAxis(ExtractionSpec ex) {
        return ex.expertHidden().size() > 1 ? 0 : 1;
    }

    /**
     * Defines the experts of {@code groups}, all reading {@code input} [B, in].
     *
     * @param scope  parameter name prefix of the bank
     * @param level  extraction level (for the logical expert paths)
     * @param groups group name to number of experts, in bank order
     */
    static ExpertBank define(SameDiff sd, ParamSource params, ExtractionSpec ex, DropoutSites dropout, String scope,
                             int level, SDVariable input, int in, LinkedHashMap<String, Integer> groups) {
        List<String> expertPaths = new ArrayList<>();
        groups.forEach((g, n) -> {
            for (int i = 0; i < n; i++) {
                expertPaths.add("level" + level + "/" + g + "/expert" + i);
            }
        });
        int e = expertPaths.size();
        ExpertBank bank = new ExpertBank(layers(sd, params, ex, dropout, scope, input, in, expertPaths), e,
                expertAxis(ex));
        int from = 0;
        for (Map.Entry<String, Integer> g : groups.entrySet()) {
            SDVariable part = bank.output;
            if (groups.size() > 1) {
                SDIndex members = SDIndex.interval(from, from + g.getValue());
                part = bank.axis == 0 ? bank.output.get(members, SDIndex.all(), SDIndex.all())
                        : bank.output.get(SDIndex.all(), members, SDIndex.all());
            }
            bank.slices.put(g.getKey(), new Slice(bank, g.getKey(), from, g.getValue(), part));
            from += g.getValue();
        }
        return bank;
    }

    private static SDVariable layers(SameDiff sd, ParamSource params, ExtractionSpec ex, DropoutSites dropout,
                                     String scope, SDVariable input, int in, List<String> expertPaths) {
        List<Integer> hidden = ex.expertHidden();
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
            SDVariable h = dropout.apply(scope + "/layer0", Activations.apply(sd, z, ex.activation()), -1, (long) e * h0);
            return sd.reshape(h, -1, e, h0);
        }
        // [in, E*h0]^T x [B, in]^T -> [E*h0, B] -> [E, h0, B]
        SDVariable z = sd.mmul(weight0, input, true, true, false).add(sd.reshape(bias0, (long) e * h0, 1));
        SDVariable h = dropout.apply(scope + "/layer0", Activations.apply(sd, z, ex.activation()), (long) e * h0, -1);
        h = sd.reshape(h, e, h0, -1);
        for (int j = 1; j < hidden.size(); j++) {
            int a = hidden.get(j - 1);
            int b = hidden.get(j);
            double[] wj = new double[e * a * b];
            for (int x = 0; x < e; x++) {
                System.arraycopy(params.init().glorot(expertPaths.get(x) + "/layer" + j + "/W", a, b), 0, wj, x * a * b,
                        a * b);
            }
            SDVariable w = params.weight(scope + "/layer" + j + "/W", wj, e, a, b);
            SDVariable bias = params.bias(scope + "/layer" + j + "/b", e, 1, b);
            if (j < hidden.size() - 1) {
                // [E, a, b]^T x [E, a, B] -> [E, b, B]
                SDVariable zj = sd.mmul(w, h, true, false, false).add(sd.reshape(bias, e, b, 1));
                h = dropout.apply(scope + "/layer" + j, Activations.apply(sd, zj, ex.activation()), e, b, -1);
            } else {
                // [E, a, B]^T x [E, a, b] -> [E, B, b]
                SDVariable zj = sd.mmul(h, w, true, false, false).add(bias);
                h = dropout.apply(scope + "/layer" + j, Activations.apply(sd, zj, ex.activation()), e, -1, b);
            }
        }
        return h;
    }

    /** The whole bank's output, [B, E, h] or [E, B, h]. */
    SDVariable output() {
        return output;
    }

    /** Number of experts in the bank. */
    int experts() {
        return experts;
    }

    /** Axis of the expert index in {@link #output()}. */
    int axis() {
        return axis;
    }

    /** The groups' parts, in bank order. */
    Map<String, Slice> slices() {
        return slices;
    }
}
