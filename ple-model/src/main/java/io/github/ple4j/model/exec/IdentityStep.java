package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Identity: the output is the input array. */
final class IdentityStep extends Step {
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
