package io.github.ple4j.model.exec;

import org.bytedeco.javacpp.Pointer;

/**
 * A guard on the off-heap memory of training and inference. ND4J frees an array's native memory when the Java
 * object is garbage-collected, and ND4J's CPU buffers are not counted by JavaCPP's allocation limits, while the
 * Java heap barely grows, so collections can be rare. With SameDiff's own session (which allocates every
 * output afresh) a long run's resident memory climbed to 10+ GiB on the large benchmark config; the
 * {@link ExecutionPlan} now owns and reuses its buffers, so what is left per pass is a few small arrays and
 * this guard seldom acts. After each pass it checks the process's resident size and asks for a collection
 * when it has grown by more than the headroom since the last collection. The check reads
 * {@code /proc/self/statm}-level counters (microseconds).
 *
 * <p>Headroom: system property {@value #HEADROOM_PROPERTY} in MiB (default 512); 0 disables the guard.
 */
public final class NativeMemory {
    /** System property with the headroom in MiB. */
    public static final String HEADROOM_PROPERTY = "ple4j.memory.headroomMiB";
    private static final long HEADROOM = Long.getLong(HEADROOM_PROPERTY, 512L) * 1024 * 1024;
    private static long baseline = -1;

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
            baseline = Math.min(rss, Pointer.physicalBytes());
        }
    }
}
