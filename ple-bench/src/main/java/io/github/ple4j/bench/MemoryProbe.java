package io.github.ple4j.bench;

import org.bytedeco.javacpp.Pointer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Peak memory while a measurement runs. Started before and closed after the measured code, it reports:
 * <ul>
 *   <li>the JVM heap: the sum over heap pools of each pool's peak usage (pool peaks are reset at start; the
 *       pools may peak at different moments, so this is an upper bound), and the largest sampled total heap
 *       use ({@link java.lang.management.MemoryMXBean#getHeapMemoryUsage()});</li>
 *   <li>native memory as JavaCPP (ND4J's allocator) sees it: the largest sampled
 *       {@link Pointer#physicalBytes()} (the resident size of the whole process) and {@link Pointer#totalBytes()}
 *       (the off-heap bytes JavaCPP allocated and tracks);</li>
 *   <li>the process's peak resident set, {@code VmHWM} of {@code /proc/self/status} (Linux only). The kernel
 *       mark is reset at start through {@code /proc/self/clear_refs} where that is allowed; otherwise it is the
 *       peak since the process started ({@link Peaks#rssPeakReset()} says which).</li>
 * </ul>
 * Sampling runs on a daemon thread every {@code intervalMillis}. A resident-size limit can be given: the
 * measured code polls {@link #limitExceeded()} and stops, so a runaway measurement does not exhaust a shared
 * machine.
 */
public final class MemoryProbe implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    /**
     * Peaks of one measurement, in bytes; -1 where the figure is unavailable.
     *
     * @param heapUsedPoolPeakBytes  sum of the heap pools' peak usage
     * @param heapUsedSampledPeakBytes largest sampled heap use
     * @param javacppPhysicalPeakBytes largest sampled {@link Pointer#physicalBytes()} (process resident size)
     * @param javacppTotalPeakBytes  largest sampled {@link Pointer#totalBytes()} (tracked off-heap allocations)
     * @param rssPeakBytes           VmHWM at the end (process peak resident set)
     * @param rssPeakReset           whether VmHWM was reset at start (else it is the peak since process start)
     */
    public record Peaks(long heapUsedPoolPeakBytes, long heapUsedSampledPeakBytes, long javacppPhysicalPeakBytes,
                        long javacppTotalPeakBytes, long rssPeakBytes, boolean rssPeakReset) {
    }

    private final ScheduledExecutorService sampler;
    private final boolean rssReset;
    private final long rssLimitBytes;
    private volatile boolean exceeded;
    private volatile long heapPeak;
    private volatile long physicalPeak = -1;
    private volatile long totalPeak;
    private Peaks result;

    private MemoryProbe(long intervalMillis, long rssLimitBytes) {
        this.rssLimitBytes = rssLimitBytes;
        for (MemoryPoolMXBean p : heapPools()) {
            p.resetPeakUsage();
        }
        rssReset = resetRssPeak();
        sample();
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memory-probe");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Resets the peaks and starts sampling every {@code intervalMillis} (>= 1), without a limit. */
    public static MemoryProbe start(long intervalMillis) {
        return start(intervalMillis, Long.MAX_VALUE);
    }

    /**
     * Resets the peaks and starts sampling every {@code intervalMillis} (>= 1).
     *
     * @param rssLimitBytes resident size of the process above which {@link #limitExceeded()} turns true
     */
    public static MemoryProbe start(long intervalMillis, long rssLimitBytes) {
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("intervalMillis must be >= 1 but was " + intervalMillis);
        }
        return new MemoryProbe(intervalMillis, rssLimitBytes);
    }

    /** Whether a sample saw the process's resident size above the limit. */
    public boolean limitExceeded() {
        return exceeded;
    }

    private synchronized void sample() {
        heapPeak = Math.max(heapPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        totalPeak = Math.max(totalPeak, Pointer.totalBytes());
        try {
            long physical = Pointer.physicalBytes();
            physicalPeak = Math.max(physicalPeak, physical);
            if (physical > rssLimitBytes) {
                exceeded = true;
            }
        } catch (UnsatisfiedLinkError e) {
            physicalPeak = -1;
        }
    }

    /** Stops sampling and returns the peaks (the same object on every call). */
    public synchronized Peaks stop() {
        if (result == null) {
            sampler.shutdownNow();
            sample();
            long poolPeak = 0;
            for (MemoryPoolMXBean p : heapPools()) {
                poolPeak += p.getPeakUsage().getUsed();
            }
            result = new Peaks(poolPeak, heapPeak, physicalPeak, totalPeak, rssPeakBytes(), rssReset);
        }
        return result;
    }

    @Override
    public void close() {
        stop();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    /** Writes "5" to /proc/self/clear_refs, which resets the peak resident set (Linux 4.0+). */
    private static boolean resetRssPeak() {
        if (!Files.isWritable(CLEAR_REFS)) {
            return false;
        }
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** VmHWM of /proc/self/status in bytes, or -1 when unavailable (not Linux). */
    static long rssPeakBytes() {
        if (!Files.isReadable(STATUS)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long v = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
