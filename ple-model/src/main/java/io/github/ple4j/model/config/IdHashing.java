package io.github.ple4j.model.config;

import java.nio.charset.StandardCharsets;

/**
 * The hash of raw id values into a fixed number of buckets, for hashed categorical fields (open vocabularies):
 * {@code bucket = murmur3_x86_32(utf8(value), seed 0) as unsigned 32-bit % buckets}. MurmurHash3's x86 32-bit variant
 * is defined bit for bit, so training (ple-datavec), serving (any JVM, any platform) and other languages agree: in
 * Python, {@code mmh3.hash(value, 0, signed=False) % buckets}. A numeric id is hashed as its decimal text
 * ({@code Long.toString}), so 42 and "42" share a bucket.
 */
public final class IdHashing {
    private IdHashing() {
    }

    /**
     * The bucket of a raw value.
     *
     * @param buckets number of buckets (>= 1): the table's rows
     * @return a bucket in [0, buckets)
     */
    public static int bucket(String value, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1 but was " + buckets);
        }
        return (int) (Integer.toUnsignedLong(murmur3(value.getBytes(StandardCharsets.UTF_8), 0)) % buckets);
    }

    /** The bucket of a numeric raw id (hashed as its decimal text). */
    public static int bucket(long value, int buckets) {
        return bucket(Long.toString(value), buckets);
    }

    /** MurmurHash3, x86 32-bit variant, of {@code data} with {@code seed}. */
    public static int murmur3(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            h = mixBlock(h, (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16
                    | (data[4 * i + 3] & 0xff) << 24);
        }
        int k = 0;
        int tail = blocks * 4;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= scramble(k);
                break;
            default:
                break;
        }
        return finish(h, data.length);
    }

    /** One 4-byte block of MurmurHash3 x86 32 folded into the state. */
    private static int mixBlock(int h, int k) {
        h ^= scramble(k);
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int scramble(int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        return k * 0x1b873593;
    }

    /** The length and the final avalanche. */
    private static int finish(int h, int length) {
        h ^= length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * The bucket of the characters {@code from} (inclusive) to {@code to} (exclusive) of {@code text}: the same as
     * {@code bucket(text.substring(from, to), buckets)}. An ASCII region (the usual id) is hashed in place, its
     * characters being its UTF-8 bytes; any other goes through the substring's UTF-8 bytes.
     */
    public static int bucket(String text, int from, int to, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1 but was " + buckets);
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) >= 0x80) {
                return bucket(text.substring(from, to), buckets);
            }
        }
        return (int) (Integer.toUnsignedLong(murmur3Ascii(text, from, to)) % buckets);
    }

    /** {@link #murmur3} with seed 0 of the bytes of an ASCII region. */
    private static int murmur3Ascii(String text, int from, int to) {
        int h = 0;
        int length = to - from;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = from + 4 * i;
            h = mixBlock(h, text.charAt(at) | text.charAt(at + 1) << 8 | text.charAt(at + 2) << 16
                    | text.charAt(at + 3) << 24);
        }
        int k = 0;
        int tail = from + blocks * 4;
        switch (length & 3) {
            case 3:
                k ^= text.charAt(tail + 2) << 16;
                // fall through
            case 2:
                k ^= text.charAt(tail + 1) << 8;
                // fall through
            case 1:
                k ^= text.charAt(tail);
                h ^= scramble(k);
                break;
            default:
                break;
        }
        return finish(h, length);
    }
}
