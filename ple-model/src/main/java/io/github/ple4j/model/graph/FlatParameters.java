package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters of a graph as views of one contiguous vector, in sorted name order. The trainer
 * keeps gradients and optimiser state in vectors of the same layout, so the finite check, the optimiser
 * step and the parameter update are one op each over all parameters instead of a few ops per parameter
 * (the per-op cost dominated small models).
 *
 * <p>SameDiff's default array holder copies views ("device local" arrays), so the graph is switched to its
 * single-thread holder, which keeps them; the gradient function created later shares the same arrays.
 */
public final class FlatParameters {
    private final List<String> names;
    private final Map<String, long[]> offsets = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final INDArray buffer;

    private FlatParameters(List<String> names, DataType dt, Map<String, long[]> shapeByName) {
        this.names = List.copyOf(names);
        long off = 0;
        for (String n : names) {
            long[] shape = shapeByName.get(n);
            long len = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            offsets.put(n, new long[]{off, len});
            shapes.put(n, shape.clone());
            off += len;
        }
        this.buffer = Nd4j.create(dt, Math.max(off, 1));
    }

    /**
     * Moves every VARIABLE of {@code sd} into one vector (values unchanged). Call before the gradient function
     * is created.
     *
     * @throws IllegalStateException if the graph already has a gradient function, or SameDiff did not keep a view
     */
    public static FlatParameters flatten(SameDiff sd) {
        return flatten(sd, java.util.Set.of(), java.util.Set.of());
    }

    /**
     * Moves every VARIABLE of {@code sd} but {@code excluded}, and the constants {@code included} (embedding tables
     * the graph does not differentiate but the dense optimiser trains), into one vector (values unchanged); the
     * others keep arrays of their own. Call before the gradient function is created.
     */
    public static FlatParameters flatten(SameDiff sd, java.util.Set<String> excluded, java.util.Set<String> included) {
        if (sd.hasGradientFunction()) {
            throw new IllegalStateException("flatten the parameters before the gradient function is created");
        }
        List<String> names = sd.variables().stream()
                .filter(v -> (v.getVariableType() == VariableType.VARIABLE && !excluded.contains(v.name()))
                        || included.contains(v.name()))
                .map(SDVariable::name).sorted().toList();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        DataType dt = null;
        for (String n : names) {
            INDArray a = sd.getVariable(n).getArr();
            shapes.put(n, a.shape());
            if (dt != null && a.dataType() != dt) {
                throw new IllegalStateException("parameter '" + n + "' is " + a.dataType() + " but others are " + dt);
            }
            dt = a.dataType();
        }
        FlatParameters flat = new FlatParameters(names, dt == null ? DataType.FLOAT : dt, shapes);
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), true);
        for (String n : names) {
            SDVariable v = sd.getVariable(n);
            INDArray old = v.getArr();
            INDArray view = flat.view(flat.buffer, n);
            view.assign(old);
            sd.associateArrayWithVariable(view, v);
            if (sd.getArrForVarName(n) != view) {
                throw new IllegalStateException("SameDiff did not keep the view of parameter '" + n + "'");
            }
            if (old.closeable()) {
                old.close();
            }
        }
        return flat;
    }

    /** Parameter names, in buffer order. */
    public List<String> names() {
        return names;
    }

    /** Number of scalars. */
    public long length() {
        return names.isEmpty() ? 0 : buffer.length();
    }

    /** The vector all parameters are views of. */
    public INDArray buffer() {
        return buffer;
    }

    /** A new zero vector with this layout (for gradients). */
    public INDArray newVector() {
        return Nd4j.create(buffer.dataType(), buffer.length());
    }

    /** Offset and length of a parameter in the vector. */
    public long[] range(String name) {
        long[] r = offsets.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return r.clone();
    }

    /** The view of parameter {@code name} in a vector of this layout, shaped like the parameter. */
    public INDArray view(INDArray vector, String name) {
        long[] r = range(name);
        INDArray v = vector.get(NDArrayIndex.interval(r[0], r[0] + r[1])).reshape('c', shapes.get(name));
        if (!v.isView() && r[1] != vector.length()) {
            throw new IllegalStateException("could not view parameter '" + name + "' without copying");
        }
        return v;
    }
}
