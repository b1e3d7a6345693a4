package io.github.ple4j.datavec;

import java.util.List;

/**
 * A fitted vocabulary as an open-addressing hash table (linear probing, load at most 1/2): value to id. Each slot
 * is four ints side by side (hash, id, offset and length of the value's characters in one shared character
 * pool), so a lookup touches one slot's cache line and, on a hash match, one run of the pool. A
 * {@code HashMap<String, Integer>} follows a node, its key and the key's bytes for every probe; with vocabularies
 * of 10^5 values and more (far larger than the CPU caches) that made map lookups the largest cost of encoding.
 */
final class StringIds {
    private static final int SLOT = 4;
    private final int mask;
    /** Per slot: spread hash, id (0: empty), offset and length in {@link #pool}. */
    private final int[] slots;
    private final char[] pool;

    /** Value {@code vocabulary.get(i)} gets id {@code i + 1}. */
    StringIds(List<String> vocabulary) {
        int capacity = Integer.highestOneBit(Math.max(16, vocabulary.size() * 2 - 1)) << 1;
        this.mask = capacity - 1;
        this.slots = new int[capacity * SLOT];
        long chars = 0;
        for (String v : vocabulary) {
            chars += v.length();
        }
        if (chars > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the vocabulary's values hold " + chars + " characters, more than one table "
                    + "holds (" + (Integer.MAX_VALUE - 16) + ")");
        }
        this.pool = new char[(int) chars];
        int offset = 0;
        for (int v = 0; v < vocabulary.size(); v++) {
            String key = vocabulary.get(v);
            int h = spread(key.hashCode());
            int i = h & mask;
            while (slots[i * SLOT + 1] != 0) {
                i = (i + 1) & mask;
            }
            key.getChars(0, key.length(), pool, offset);
            slots[i * SLOT] = h;
            slots[i * SLOT + 1] = v + 1;
            slots[i * SLOT + 2] = offset;
            slots[i * SLOT + 3] = key.length();
            offset += key.length();
        }
    }

    /** The id of {@code value}, or {@code missing} when it is not in the vocabulary. */
    int get(String value, int missing) {
        return get(value, 0, value.length(), missing);
    }

    /**
     * The id of the characters {@code from} (inclusive) to {@code to} (exclusive) of {@code text}, as
     * {@code get(text.substring(from, to), missing)} without making the substring.
     */
    int get(String text, int from, int to, int missing) {
        int raw = 0;
        for (int j = from; j < to; j++) {
            raw = 31 * raw + text.charAt(j);     // String.hashCode of the region, as the table was built with
        }
        int h = spread(raw);
        int length = to - from;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int s = i * SLOT;
            int id = slots[s + 1];
            if (id == 0) {
                return missing;
            }
            if (slots[s] == h && slots[s + 3] == length && regionMatches(text, from, slots[s + 2], length)) {
                return id;
            }
        }
    }

    private boolean regionMatches(String text, int from, int offset, int length) {
        for (int j = 0; j < length; j++) {
            if (text.charAt(from + j) != pool[offset + j]) {
                return false;
            }
        }
        return true;
    }

    /** Spreads the high bits of a String hash into the low ones used for the slot. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
