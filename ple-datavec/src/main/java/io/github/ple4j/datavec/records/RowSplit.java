package io.github.ple4j.datavec.records;

import java.util.BitSet;
import java.util.Random;

/**
 * A deterministic random split of the row positions {@code 0..n-1} into two disjoint parts that cover them.
 *
 * <p>Algorithm: the positions are shuffled by Fisher–Yates with {@code new java.util.Random(seed)} (for
 * {@code i = n-1} down to 1, swap {@code i} with {@code nextInt(i + 1)}); the first
 * {@code floor(n * fraction)} shuffled positions form {@link #first()}, the rest {@link #second()}. The
 * {@code java.util.Random} algorithm is fixed by its specification, so the split is the same on every JVM.
 *
 * @param rows   n, the number of rows split
 * @param first  the first part
 * @param second the second part
 */
public record RowSplit(int rows, BitSet first, BitSet second) {
    public RowSplit {
        first = (BitSet) first.clone();
        second = (BitSet) second.clone();
    }

    /**
     * Splits {@code 0..n-1}.
     *
     * @param n        number of rows, at least 0
     * @param fraction share of the first part, in [0, 1]
     * @param seed     shuffle seed
     */
    public static RowSplit shuffled(int n, double fraction, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1] but was " + fraction);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int cut = (int) Math.floor(n * fraction);
        BitSet a = new BitSet(n);
        BitSet b = new BitSet(n);
        for (int i = 0; i < n; i++) {
            (i < cut ? a : b).set(order[i]);
        }
        return new RowSplit(n, a, b);
    }

    @Override
    public BitSet first() {
        return (BitSet) first.clone();
    }

    @Override
    public BitSet second() {
        return (BitSet) second.clone();
    }

    /** Size of the first part. */
    public int firstSize() {
        return first.cardinality();
    }

    /** Size of the second part. */
    public int secondSize() {
        return second.cardinality();
    }
}
