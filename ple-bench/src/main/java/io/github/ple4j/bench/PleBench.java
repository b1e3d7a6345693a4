package io.github.ple4j.bench;

import io.github.ple4j.model.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark command line. Without a subcommand it runs the default job: a small synthetic comparison
 * of single-task, shared-bottom, MMoE, CGC and PLE that needs no data files.
 */
@Command(name = "ple-bench", mixinStandardHelpOptions = true, version = "PLE4J bench " + io.github.ple4j.model.Versions.LIBRARY,
        description = "Reproductions and measurements of PLE and its baselines.",
        subcommands = {SyntheticCommand.class, CensusCommand.class, ThroughputCommand.class, NativesCommand.class,
            ReaderCommand.class, LogsCommand.class, JmhCommand.class, OnnxCommand.class, GraphCommand.class})
public final class PleBench implements Runnable {
    @Override
    public void run() {
        System.exit(new CommandLine(new SyntheticCommand()).execute());
    }

    public static void main(String[] args) {
        // Charts are drawn off-screen; never try to open a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // The fastest native build this CPU runs, chosen before anything loads ND4J.
        io.github.ple4j.model.NativeSelection.apply();
        int code = new CommandLine(new PleBench()).execute(args);
        System.exit(code);
    }

    /**
     * Applies the thread settings and prints the backend line.
     *
     * @param threads   BLAS threads (and op threads unless {@code opThreads} is given), or null for OMP_NUM_THREADS or 1
     * @param opThreads libnd4j op threads, or null for the same as {@code threads}
     * @return the BLAS thread count applied
     */
    static int start(Integer threads, Integer opThreads) {
        int t = threads != null ? threads : Backend.threadsFromEnvironment(1);
        Backend.setThreads(opThreads != null ? opThreads : t, t);
        System.out.println(Backend.summary());
        return t;
    }
}
