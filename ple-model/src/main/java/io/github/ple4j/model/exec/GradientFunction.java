package io.github.ple4j.model.exec;

import org.nd4j.autodiff.samediff.SameDiff;

import java.io.OutputStream;
import java.io.PrintStream;

/** Creating a SameDiff graph's gradient function (the "grad" function an {@link ExecutionPlan} trains with). */
public final class GradientFunction {
    private GradientFunction() {
    }

    /**
     * Builds the backward graph of {@code sd} once (nothing when it exists), hiding SameDiff's per-op "Added
     * differentiated op" console lines. The console is read and swapped under one lock: a thread that read it
     * outside the lock while another had it swapped out would restore the silent stream for good (seen when two
     * models trained in parallel threads).
     *
     * @param sd     the graph (its loss variables set)
     * @param inputs placeholders whose gradients are wanted as well (SameDiff's {@code createGradFunction} argument)
     */
    public static void create(SameDiff sd, String... inputs) {
        if (sd.hasGradientFunction()) {
            return;
        }
        synchronized (System.class) {
            PrintStream original = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction(inputs);
            } finally {
                System.setOut(original);
            }
        }
    }
}
