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
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int k = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16
                    | (data[4 * i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
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
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
