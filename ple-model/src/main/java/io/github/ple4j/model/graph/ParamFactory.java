package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Creates trainable variables with values drawn from a seed derived from (global seed, logical path), so
 * every expert, gate and tower starts from its own values (experts of the same shape never start identical)
 * and the values do not depend on how experts are batched into tensors. Values are drawn in Java, so they
 * are identical on every backend.
 */
final class ParamFactory {
    private final SameDiff sd;
    private final long seed;
    private final DataType dataType;
    private final List<String> weightNames = new ArrayList<>();

    ParamFactory(SameDiff sd, long seed, DataType dataType) {
        this.sd = sd;
        this.seed = seed;
        this.dataType = dataType;
    }

    /** Glorot-uniform values of one [fanIn, fanOut] matrix, row-major, from the seed of {@code path}. */
    double[] glorot(String path, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(path, fanIn * fanOut, limit);
    }

    /** Uniform(-limit, limit) values from the seed of {@code path}. */
    double[] uniform(String path, int count, double limit) {
        SplittableRandom r = new SplittableRandom(pathSeed(seed, path));
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = (2 * r.nextDouble() - 1) * limit;
        }
        return v;
    }

    /** A weight variable (counted by the L2 penalty) with the given row-major values. */
    SDVariable weight(String name, double[] values, long... shape) {
        weightNames.add(name);
        return variable(name, values, shape);
    }

    /** A bias variable of zeros (not counted by the L2 penalty). */
    SDVariable bias(String name, long... shape) {
        return sd.var(name, Nd4j.zeros(dataType, shape));
    }

    /** A variable with the given row-major values. */
    SDVariable variable(String name, double[] values, long... shape) {
        INDArray arr = Nd4j.create(values, shape, 'c').castTo(dataType);
        return sd.var(name, arr);
    }

    /** Names of the weight matrices (for the L2 penalty). */
    List<String> weightNames() {
        return List.copyOf(weightNames);
    }

    /** SplitMix64 of the global seed and the FNV-1a hash of the path. */
    static long pathSeed(long seed, String path) {
        long h = 0xcbf29ce484222325L;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        long z = seed ^ h;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
