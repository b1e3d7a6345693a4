package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A {@link ParamSource} whose parameters already exist: it returns the variable stored in a table under the key
 * derived from the parameter's logical name, after checking that its shape is the one the network asks for.
 * Initial values passed by the network are ignored (the table's owner initialised the parameters).
 *
 * <p>Used by hosts that own the parameter storage, such as a DL4J {@code SameDiffLayer}, whose parameter table
 * maps DL4J parameter keys to variables; {@code key} translates logical names (which contain '/' and may contain
 * '_') to those keys.
 */
public final class TableParams implements ParamSource {
    private final Map<String, SDVariable> table;
    private final UnaryOperator<String> key;
    private final Initializer init;

    /**
     * @param table variables by key
     * @param key   logical parameter name to table key
     * @param seed  seed of the (unused) initial values the network computes while defining
     */
    public TableParams(Map<String, SDVariable> table, UnaryOperator<String> key, long seed) {
        this.table = Objects.requireNonNull(table, "table");
        this.key = Objects.requireNonNull(key, "key");
        this.init = new Initializer(seed);
    }

    @Override
    public SDVariable weight(String name, double[] values, long... shape) {
        return lookup(name, shape);
    }

    @Override
    public SDVariable table(String name, int rows, int dim) {
        return lookup(name, new long[]{rows, dim});
    }

    @Override
    public SDVariable bias(String name, long... shape) {
        return lookup(name, shape);
    }

    private SDVariable lookup(String name, long[] shape) {
        String k = key.apply(name);
        SDVariable v = table.get(k);
        if (v == null) {
            throw new IllegalStateException("parameter '" + name + "' (key '" + k + "') is not in the parameter table; "
                    + "the table has " + table.keySet());
        }
        long[] actual = v.getShape();
        if (actual != null && !Arrays.equals(actual, shape)) {
            throw new IllegalStateException("parameter '" + name + "' (key '" + k + "') has shape "
                    + Arrays.toString(actual) + " in the table but the network needs " + Arrays.toString(shape));
        }
        return v;
    }

    @Override
    public Initializer init() {
        return init;
    }
}
