package io.github.ple4j.model.graph;

import org.bytedeco.javacpp.Pointer;

/**
 * Keeps the off-heap memory of training and inference bounded. SameDiff 1.0.0-M2.1 leaves most per-pass
 * arrays to the garbage collector (its gradient path disables the array cache, and ND4J's CPU buffers are
 * not counted by JavaCPP's allocation limits), while the Java heap barely grows, so collections are rare
 * and a long run's resident memory climbed to 10+ GiB on the large benchmark config. After each pass this
 * checks the process's resident size and asks for a collection when it has grown by more than the headroom
 * since the last collection. The check reads {@code /proc/self/statm}-level counters (microseconds); the
 * collections are rare.
 *
 * <p>Headroom: system property {@value #HEADROOM_PROPERTY} in MiB (default 512); 0 disables the guard.
 */
public final class NativeMemory {
    /** System property with the headroom in MiB. */
    public static final String HEADROOM_PROPERTY = "ple4j.memory.headroomMiB";
    private static final long HEADROOM = Long.getLong(HEADROOM_PROPERTY, 512L) * 1024 * 1024;
    private static long baseline = -1;
    private static long collections;

    private NativeMemory() {
    }

    /** Called after a forward or training pass. */
    public static synchronized void afterPass() {
        if (HEADROOM <= 0) {
            return;
        }
        long rss = Pointer.physicalBytes();
        if (baseline < 0) {
            baseline = rss;
            return;
        }
        if (rss > baseline + HEADROOM) {
            System.gc();
            collections++;
            baseline = Math.min(rss, Pointer.physicalBytes());
        }
    }

    /** Collections requested so far (for tests and reports). */
    public static synchronized long collections() {
        return collections;
    }
}
