package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The mixture a gate produces from its experts, g(x) = sum_i w_i(x) S_i(x) (paper Eq. 2: the weighted sum of the
 * stacked expert outputs S with the gate's softmax weights w [B, n]), written in the form that is fastest for the
 * experts' size and layout. All forms compute the same function.
 *
 * <ul>
 *   <li><b>Constant 0/1 matrices</b> (single-layer experts of size n*h*h at most {@link #SMALL_MIX}): the experts
 *       as one [B, m*h] matrix times (w R), then times Q: R [n, m*h] puts each gate weight on the h columns of
 *       its expert and Q [m*h, h] adds the experts up. At level 0 all groups are slices of one bank, so the
 *       matrices select from the whole bank (m = the bank's size) and no slice or concatenation is computed. Two
 *       small products beat a broadcast multiply and a strided sum at these sizes (+12% predictions/s on the
 *       census config, and +8-10% more for the bank form).</li>
 *   <li><b>Broadcast</b> otherwise: [B, n, h] * [B, n, 1] (or [n, B, h] * [n, B, 1]) summed over the experts. (A
 *       batched [B, 1, n] x [B, n, h] product was measured 2-3x slower: B tiny matrix products.)</li>
 * </ul>
 */
final class GateMixer {
    /**
     * Largest n * h * h for which a gate mixes with constant matrices; their products cost B * n * h * (n + h)
     * multiply-adds against B * n * h for the broadcast form, so only small experts gain.
     */
    static final long SMALL_MIX = 1L << 14;

    private GateMixer() {
    }

    /**
     * The mixture [B, h] of the given expert groups.
     *
     * @param path    parameter path of the gate (names its constant matrices)
     * @param weights the gate's softmax weights [B, n], n = the experts of {@code parts} in order
     * @param parts   the groups mixed, in gate order
     * @param h       expert output width
     */
    static SDVariable mix(SameDiff sd, DataType dt, String path, SDVariable weights, List<ExpertBank.Slice> parts, int h) {
        int n = parts.stream().mapToInt(ExpertBank.Slice::count).sum();
        int axis = parts.get(0).bank().axis();
        ExpertBank bank = parts.get(0).bank();
        boolean oneBank = parts.stream().allMatch(p -> p.bank() == bank);
        if (axis == 1 && oneBank && bank.slices().size() > 1 && (long) bank.experts() * h * h <= SMALL_MIX) {
            int[] positions = new int[n];
            int i = 0;
            for (ExpertBank.Slice p : parts) {
                for (int k = 0; k < p.count(); k++) {
                    positions[i++] = p.from() + k;
                }
            }
            return constantMix(sd, dt, path, bank.output(), positions, bank.experts(), h, weights);
        }
        SDVariable stacked = parts.size() == 1 ? parts.get(0).output()
                : sd.concat(axis, parts.stream().map(ExpertBank.Slice::output).toArray(SDVariable[]::new));
        if (axis == 1 && (long) n * h * h <= SMALL_MIX) {
            int[] positions = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = i;
            }
            return constantMix(sd, dt, path, stacked, positions, n, h, weights);
        }
        SDVariable w = axis == 0 ? sd.expandDims(sd.permute(weights, 1, 0), 2)   // [n, B, 1]
                : sd.expandDims(weights, 2);                                      // [B, n, 1]
        return stacked.mul(w).sum(axis);                                          // [B, h]
    }

    /**
     * sum_i w_i E_{positions[i]} for experts E [B, m, h] as [B, m*h] * (w R) x Q with constant R [n, m*h] (gate
     * weight i on the columns of expert positions[i], 0 elsewhere) and Q [m*h, h] (sums the experts).
     */
    private static SDVariable constantMix(SameDiff sd, DataType dt, String path, SDVariable experts, int[] positions,
                                          int m, int h, SDVariable weights) {
        int n = positions.length;
        double[] r = new double[n * m * h];
        double[] q = new double[m * h * h];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < h; j++) {
                r[i * m * h + positions[i] * h + j] = 1;
            }
        }
        for (int x = 0; x < m; x++) {
            for (int j = 0; j < h; j++) {
                q[(x * h + j) * h + j] = 1;
            }
        }
        SDVariable repeat = sd.constant(path + "/repeat", Nd4j.create(r, new long[]{n, (long) m * h}, 'c').castTo(dt));
        SDVariable sum = sd.constant(path + "/sum", Nd4j.create(q, new long[]{(long) m * h, h}, 'c').castTo(dt));
        return sd.reshape(experts, -1, (long) m * h).mul(weights.mmul(repeat)).mmul(sum);   // [B, h]
    }
}
