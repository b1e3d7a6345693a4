package io.github.ple4j.model.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.shape.Concat;
import org.nd4j.linalg.api.ops.impl.shape.ExpandDims;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.Squeeze;
import org.nd4j.linalg.api.ops.impl.shape.StridedSlice;
import org.nd4j.linalg.api.ops.impl.shape.bp.ConcatBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;

import java.util.function.Predicate;

/**
 * Chooses how the plan runs each op: the plan's own kernel where libnd4j's is slow or copies needlessly (each
 * such step falls back to libnd4j's op for inputs it does not handle), otherwise libnd4j's op.
 */
final class StepFactory {
    private StepFactory() {
    }

    /**
     * The step for one op.
     *
     * @param inIdx    slots of the op's inputs
     * @param outIdx   slots of its outputs
     * @param outTypes data types of its outputs
     * @param isRead   whether a variable (by name) is read by a later op of the plan or requested from it
     */
    static Step create(DifferentialFunction df, int[] inIdx, int[] outIdx, DataType[] outTypes,
                       Predicate<String> isRead) {
        if (df instanceof Identity) {
            return new IdentityStep(df, inIdx, outIdx);
        }
        if ((df instanceof Reshape || df instanceof Squeeze || df instanceof ExpandDims) && outIdx.length == 1) {
            return new ViewStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof MmulBp mb && inIdx.length == 3 && mb.iArgs().length >= 2
                && (mb.iArgs().length < 3 || mb.iArgs()[2] == 0)) {
            return new MatmulGradStep(df, inIdx, outIdx, outTypes, isRead.test(outVar(df, 0)), isRead.test(outVar(df, 1)),
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
        if (df instanceof AddOp && inIdx.length == 2 && outIdx.length == 1) {
            return new AddStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof AddBpOp && inIdx.length == 3) {
            return new AddGradStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof Gather g && inIdx.length == 2 && outIdx.length == 1 && g.iArgs().length == 1 && g.iArgs()[0] == 0) {
            return new GatherStep(df, inIdx, outIdx, outTypes);
        }
        if (df instanceof StridedSlice ss && inIdx.length == 1 && outIdx.length == 1
                && ColumnStep.column(ss.iArgs(), inIdx.length) >= 0) {
            return new ColumnStep(df, inIdx, outIdx, outTypes);
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

    private static String outVar(DifferentialFunction df, int i) {
        return df.outputVariablesNames()[i];
    }
}
