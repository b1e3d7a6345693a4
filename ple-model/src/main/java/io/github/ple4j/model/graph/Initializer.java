package io.github.ple4j.model.graph;

import io.github.ple4j.model.exec.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Initial parameter values drawn from a seed derived from (global seed, logical path), so every expert,
 * gate and tower starts from its own values (experts of the same shape never start identical) and the
 * values do not depend on how experts are laid out in tensors. Values are drawn in Java, so they are
 * identical on every backend.
 */
public final class Initializer {
    private final long seed;

    public Initializer(long seed) {
        this.seed = seed;
    }

    /** Glorot-uniform values of one [fanIn, fanOut] matrix, row-major, from the seed of {@code path}. */
    public double[] glorot(String path, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(path, fanIn * fanOut, limit);
    }

    /** Uniform(-limit, limit) values from the seed of {@code path}. */
    public double[] uniform(String path, int count, double limit) {
        SplittableRandom r = new SplittableRandom(pathSeed(seed, path));
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = (2 * r.nextDouble() - 1) * limit;
        }
        return v;
    }

    /**
     * Fills {@code target} (read in C order) with the values {@link #uniform} gives for the same path and length,
     * a chunk at a time, so a large table never has a second copy on the heap.
     */
    public void fillUniform(String path, INDArray target, double limit) {
        SplittableRandom r = new SplittableRandom(pathSeed(seed, path));
        INDArray flat = target.reshape(target.length());
        long n = target.length();
        int chunk = (int) Math.min(n, 1 << 20);
        double[] v = new double[chunk];
        for (long off = 0; off < n; off += chunk) {
            int len = (int) Math.min(chunk, n - off);
            for (int i = 0; i < len; i++) {
                v[i] = (2 * r.nextDouble() - 1) * limit;
            }
            if (!NativeArrays.write(target, off, v, len)) {
                INDArray src = Nd4j.createFromArray(len == chunk ? v : java.util.Arrays.copyOf(v, len));
                flat.get(NDArrayIndex.interval(off, off + len)).assign(src);
                src.close();
            }
        }
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
