package io.github.ple4j.datavec;

import java.util.List;

/**
 * A fitted vocabulary as an open-addressing hash table (linear probing, load at most 1/2): value to id. A lookup
 * reads the probed slots' hashes from one int array and compares a key only on a hash match, where a
 * {@code HashMap<String, Integer>} follows a node, its key and the key's bytes for every probe; with vocabularies
 * of 10^5 values and more (far larger than the CPU caches) that made map lookups the largest cost of encoding.
 */
final class StringIds {
    private final int mask;
    private final int[] hashes;
    private final String[] keys;
    private final int[] ids;

    /** Value {@code vocabulary.get(i)} gets id {@code i + 1}. */
    StringIds(List<String> vocabulary) {
        int capacity = Integer.highestOneBit(Math.max(16, vocabulary.size() * 2 - 1)) << 1;
        this.mask = capacity - 1;
        this.hashes = new int[capacity];
        this.keys = new String[capacity];
        this.ids = new int[capacity];
        for (int v = 0; v < vocabulary.size(); v++) {
            String key = vocabulary.get(v);
            int h = spread(key.hashCode());
            int i = h & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            hashes[i] = h;
            keys[i] = key;
            ids[i] = v + 1;
        }
    }

    /** The id of {@code value}, or {@code missing} when it is not in the vocabulary. */
    int get(String value, int missing) {
        int h = spread(value.hashCode());
        for (int i = h & mask; keys[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && keys[i].equals(value)) {
                return ids[i];
            }
        }
        return missing;
    }

    /** Spreads the high bits of a String hash into the low ones used for the slot (as HashMap does, and more). */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
