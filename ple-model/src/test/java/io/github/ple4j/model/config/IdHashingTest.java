package io.github.ple4j.model.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The id hash pinned by fixed inputs and outputs: MurmurHash3 x86_32's published values ("hello" is 0x248bfa47, the
 * quick brown fox 0x2e4ff723) and buckets that an independent implementation (Python, the same as
 * {@code mmh3.hash(v, 0, signed=False) % 1000}) gives.
 */
class IdHashingTest {
    @Test
    void murmur3MatchesThePublishedValues() {
        assertEquals(0, IdHashing.murmur3(new byte[0], 0));
        assertEquals(0x248bfa47, IdHashing.murmur3("hello".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals(0x2e4ff723, IdHashing.murmur3("The quick brown fox jumps over the lazy dog"
                .getBytes(StandardCharsets.UTF_8), 0));
    }

    @Test
    void bucketsArePinned() {
        assertEquals(351, IdHashing.bucket("hello", 1000));
        assertEquals(547, IdHashing.bucket("The quick brown fox jumps over the lazy dog", 1000));
        assertEquals(814, IdHashing.bucket("42", 1000), "3159925814 as unsigned, not negative");
        assertEquals(814, IdHashing.bucket(42L, 1000), "a numeric id hashes as its decimal text");
        assertEquals(317, IdHashing.bucket("user_123", 1000));
        assertEquals(495, IdHashing.bucket("é", 1000), "UTF-8 bytes");
        assertEquals(0, IdHashing.bucket("anything", 1));
    }

    @Test
    void bucketCountMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdHashing.bucket("a", 0));
        assertEquals("buckets must be >= 1 but was 0", e.getMessage());
    }

    @Test
    void aRegionHashesAsItsSubstring() {
        assertEquals(351, IdHashing.bucket("x|hello|y", 2, 7, 1000));
        assertEquals(495, IdHashing.bucket("[é]", 1, 2, 1000), "a non-ASCII region goes through its UTF-8 bytes");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rng.nextInt(14);
            for (int j = 0; j < n; j++) {
                sb.append((char) (rng.nextInt(20) == 0 ? 0xe9 + rng.nextInt(300) : 0x20 + rng.nextInt(0x5f)));
            }
            String s = sb.toString();
            int from = s.isEmpty() ? 0 : rng.nextInt(s.length());
            int to = from + rng.nextInt(s.length() - from + 1);
            int buckets = 1 + rng.nextInt(1 << 20);
            assertEquals(IdHashing.bucket(s.substring(from, to), buckets), IdHashing.bucket(s, from, to, buckets), s);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdHashing.bucket("ab", 0, 1, 0));
        assertEquals("buckets must be >= 1 but was 0", e.getMessage());
    }
}
