package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Arrays;

/**
 * An op context whose arguments are set once and whose arrays are passed to libnd4j only when they change.
 * (Every argument set allocates native memory that only the garbage collector frees; setting them per run
 * made the resident size climb by about 100 MB per 1000 steps.)
 */
final class CachedOpContext {
    final OpContext ctx = Nd4j.getExecutioner().buildContext();
    private INDArray[] in = new INDArray[0];
    private INDArray[] out = new INDArray[0];

    CachedOpContext(long[] iArgs, double[] tArgs, boolean[] bArgs, DataType[] dArgs) {
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

    CachedOpContext in(int k, INDArray a) {
        if (k >= in.length) {
            in = Arrays.copyOf(in, k + 1);
        }
        if (in[k] != a) {
            ctx.setInputArray(k, a);
            in[k] = a;
        }
        return this;
    }

    CachedOpContext out(int k, INDArray a) {
        if (k >= out.length) {
            out = Arrays.copyOf(out, k + 1);
        }
        if (out[k] != a) {
            ctx.setOutputArray(k, a);
            out[k] = a;
        }
        return this;
    }

    /**
     * Runs a custom op on this context with one native call. {@code Nd4j.exec(op, context)} wraps that call in
     * Java bookkeeping (argument lists copied from maps, closed-array checks, a native query of the oneDNN switch)
     * that cost a few microseconds per op; the plan's arrays are its own and open, so the call is made directly.
     *
     * @throws IllegalStateException with libnd4j's message when the op fails
     */
    void exec(CustomOp op) {
        if (!DIRECT) {
            Nd4j.exec(op, ctx);
            return;
        }
        if (hashOf != op) {
            hash = op.opHash();
            hashOf = op;
        }
        int status = Native.OPS.execCustomOp2(null, hash, ctx.contextPointer());
        if (status != 0) {
            throw new IllegalStateException("op " + op.opName() + " failed: " + Native.OPS.lastErrorMessage());
        }
    }

    private static final boolean DIRECT = !Boolean.getBoolean("ple4j.exec.viaNd4j");
    /** libnd4j's entry points, once ND4J has loaded its backend (which the context above needs first). */
    private static final class Native {
        static final NativeOps OPS;

        static {
            Nd4j.getExecutioner();
            OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
        }

        private Native() {
        }
    }
    private long hash;
    private CustomOp hashOf;

    void exec(Op op) {
        Nd4j.exec(op, ctx);
    }
}
