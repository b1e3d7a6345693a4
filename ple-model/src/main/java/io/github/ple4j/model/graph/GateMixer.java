package io.github.ple4j.model.graph;

import io.github.ple4j.model.exec.ExpertMixture;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The mixture a gate produces from its experts, g(x) = sum_i w_i(x) S_i(x) (paper Eq. 2: the weighted sum of the
 * stacked expert outputs S with the gate's softmax weights w [B, n]), written in the form that is fastest for the
 * experts' layout. All forms compute the same function.
 *
 * <ul>
 *   <li><b>Batched product</b> (single-layer experts, [B, n, h]): per sample the row w [1, n] times S [n, h], one
 *       batched product [B, 1, n] x [B, n, h] that the execution plan runs as one loop nest (B*n*h multiply-adds).
 *       At level 0 all groups are slices of one bank, so the weights are spread onto all of the bank's experts by
 *       a constant 0/1 matrix R [n, E] (0 for the bank's experts the gate does not mix) and the product reads the
 *       whole bank: no slice or concatenation is computed.</li>
 *   <li><b>Broadcast</b> (deeper experts, [n, B, h]): [n, B, h] * [n, B, 1] summed over the experts.</li>
 * </ul>
 * (Before the batched product, small experts mixed as two products with constant matrices, [B, n*h] * (w R) x Q:
 * B*n*h*(n + h) multiply-adds, more than the expert layer itself when the input is narrow.)
 */
final class GateMixer {
    private GateMixer() {
    }

    /**
     * The mixture [B, h] of the given expert groups.
     *
     * @param path    parameter path of the gate (names its constant matrices)
     * @param weights the gate's softmax weights [B, n], n = the experts of {@code parts} in order
     * @param parts   the groups mixed, in gate order
     * @param h       expert output width
     * @param fused   receives the mixtures the execution plan computes with a kernel of its own
     */
    static SDVariable mix(SameDiff sd, DataType dt, String path, SDVariable weights, List<ExpertBank.Slice> parts, int h,
                          List<ExpertMixture> fused) {
        int n = parts.stream().mapToInt(ExpertBank.Slice::count).sum();
        int axis = parts.get(0).bank().axis();
        ExpertBank bank = parts.get(0).bank();
        boolean oneBank = parts.stream().allMatch(p -> p.bank() == bank);
        if (axis == 1 && oneBank && bank.slices().size() > 1) {
            int e = bank.experts();
            double[] r = new double[n * e];
            int i = 0;
            for (ExpertBank.Slice p : parts) {
                for (int k = 0; k < p.count(); k++) {
                    r[i * e + p.from() + k] = 1;
                    i++;
                }
            }
            SDVariable select = sd.constant(path + "/select", Nd4j.create(r, new long[]{n, e}, 'c').castTo(dt));
            return perSample(sd, weights.mmul(select), bank.output(), e, h);                 // [B, E] x [B, E, h]
        }
        if (axis == 1) {
            SDVariable stacked = parts.size() == 1 ? parts.get(0).output()
                    : sd.concat(1, parts.stream().map(ExpertBank.Slice::output).toArray(SDVariable[]::new)); // [B, n, h]
            return perSample(sd, weights, stacked, n, h);
        }
        SDVariable stacked = parts.size() == 1 ? parts.get(0).output()
                : sd.concat(0, parts.stream().map(ExpertBank.Slice::output).toArray(SDVariable[]::new));     // [n, B, h]
        SDVariable w = sd.expandDims(sd.permute(weights, 1, 0), 2);                                       // [n, B, 1]
        SDVariable mixture = stacked.mul(w).sum(0);                                                      // [B, h]
        fused.add(new ExpertMixture(mixture.name(), weights.name(), parts.stream()
                .map(p -> new ExpertMixture.Part(p.bank().output().name(), p.from(), p.count())).toList()));
        return mixture;
    }

    /** sum_i w[b, i] S[b, i, :] as the batched product [B, 1, n] x [B, n, h], viewed as [B, h]. */
    private static SDVariable perSample(SameDiff sd, SDVariable w, SDVariable experts, int n, int h) {
        SDVariable rows = sd.reshape(w, -1, 1, n);                                                      // [B, 1, n]
        return sd.reshape(sd.mmul(rows, experts), -1, h);                                               // [B, h]
    }
}
