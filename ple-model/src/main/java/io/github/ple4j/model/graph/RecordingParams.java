package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ParamSource} that records every parameter the network asks for — logical name, shape, initial
 * values and kind (weight or bias) — in creation order, while creating throw-away variables in a scratch
 * {@link SameDiff} so the network can be defined as usual.
 *
 * <p>Hosts that own the parameter storage themselves (a DL4J layer, whose parameters live in one flat vector
 * of the network) define the network once with a recorder to learn which parameters exist and what they start
 * at, then define it again with {@link TableParams} reading the host's arrays. The initial values are exactly
 * those {@link SameDiffParams} gives for the same seed, so both hosts start from the same model.
 */
public final class RecordingParams implements ParamSource {
    /** A weight (counted by the L2 penalty), a bias or an embedding table (neither counted). */
    public enum Kind { WEIGHT, BIAS, TABLE }

    /**
     * One recorded parameter.
     *
     * @param name   logical name, e.g. {@code level0/experts/layer0/W}
     * @param shape  shape
     * @param kind   weight, bias or table
     * @param values initial values, row-major (zeros for a bias)
     */
    public record Param(String name, long[] shape, Kind kind, double[] values) {
        /** Number of scalars. */
        public long length() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        /** The initial values as an array of the given type. */
        public INDArray initialValue(DataType dataType) {
            return Nd4j.create(values, shape, 'c').castTo(dataType);
        }
    }

    private final SameDiff scratch;
    private final DataType dataType;
    private final Initializer init;
    private final Map<String, Param> params = new LinkedHashMap<>();

    /**
     * @param scratch  the SameDiff the network is being defined in (only used for throw-away variables)
     * @param seed     the config's seed (initial values are drawn per logical path from it)
     * @param dataType data type of the throw-away variables
     */
    public RecordingParams(SameDiff scratch, long seed, DataType dataType) {
        this.scratch = scratch;
        this.dataType = dataType;
        this.init = new Initializer(seed);
    }

    @Override
    public SDVariable weight(String name, double[] values, long... shape) {
        return record(new Param(name, shape.clone(), Kind.WEIGHT, values.clone()));
    }

    @Override
    public SDVariable table(String name, int rows, int dim) {
        return record(new Param(name, new long[]{rows, dim}, Kind.TABLE,
                init.uniform(name, Math.multiplyExact(rows, dim), TABLE_INIT_LIMIT)));
    }

    @Override
    public SDVariable bias(String name, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return record(new Param(name, shape.clone(), Kind.BIAS, new double[Math.toIntExact(n)]));
    }

    private SDVariable record(Param p) {
        if (params.containsKey(p.name())) {
            throw new IllegalStateException("parameter '" + p.name() + "' was defined twice");
        }
        if (p.values().length != p.length()) {
            throw new IllegalArgumentException("parameter '" + p.name() + "' has " + p.values().length
                    + " initial values but its shape " + java.util.Arrays.toString(p.shape()) + " needs " + p.length());
        }
        params.put(p.name(), p);
        return scratch.var(p.name(), p.initialValue(dataType));
    }

    @Override
    public Initializer init() {
        return init;
    }

    /** The recorded parameters, in creation order. */
    public List<Param> params() {
        return List.copyOf(new ArrayList<>(params.values()));
    }
}
