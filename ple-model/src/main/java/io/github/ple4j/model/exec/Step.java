package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** One op of the plan. */
abstract class Step {
    /** Marks a profile entry whose op ran the plan's own kernel. */
    static final String REWRITTEN = " (rewritten)";
    /** Marks a profile entry whose op made views instead of computing. */
    static final String VIEW = " (view)";

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

    /**
     * The op's name for profiles; steps that run the plan's own kernel append {@link #REWRITTEN} or
     * {@link #VIEW}.
     */
    String kind() {
        return op.opName();
    }

    /** Elements of the largest buffer this step owns (0 when it owns none). */
    long largestBuffer() {
        return fallback == null ? 0 : fallback.largestBuffer();
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
