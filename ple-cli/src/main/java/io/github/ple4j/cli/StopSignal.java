package io.github.ple4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM (a JVM shutdown) during training into "finish this step, write a checkpoint, stop": a shutdown
 * hook raises the flag and, while training is active, waits (up to two minutes) until the training loop has written
 * its checkpoint. SIGKILL cannot be caught; the checkpoints written so far cover it.
 */
final class StopSignal implements AutoCloseable {
    private volatile boolean requested;
    private volatile boolean active;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    StopSignal() {
        hook = new Thread(() -> {
            requested = true;
            if (active) {
                try {
                    done.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "ple-train-stop");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            requested = true; // already shutting down
        }
    }

    /** Whether a stop was requested. */
    boolean requested() {
        return requested;
    }

    /** Whether the hook should wait for a checkpoint (true while the training loop runs). */
    void active(boolean a) {
        active = a;
    }

    @Override
    public void close() {
        active = false;
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (and no longer waits)
        }
    }
}
