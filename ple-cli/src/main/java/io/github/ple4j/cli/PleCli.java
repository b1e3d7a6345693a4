package io.github.ple4j.cli;

import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.model.Backend;
import io.github.ple4j.model.Versions;
import io.github.ple4j.model.io.MalformedModelException;
import io.github.ple4j.model.train.NonFiniteLossException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The {@code ple} command line: train a PLE model on a CSV file (with checkpoints and resume), evaluate it, predict
 * with it, inspect a model file, export it to ONNX, search hyper-parameters. Errors are one line on stderr (a stack
 * trace only with {@code --verbose}) and the exit code tells scripts what happened ({@link ExitCodes}).
 */
@Command(name = "ple", mixinStandardHelpOptions = true, version = "PLE4J " + Versions.LIBRARY + " (ND4J " + Versions.ND4J + ")",
        description = "Train, evaluate and serve Progressive Layered Extraction (PLE) multi-task models on CSV files.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, InspectCommand.class,
                ExportCommand.class, TuneCommand.class, CommandLine.HelpCommand.class},
        footer = {"", ExitCodes.HELP})
public final class PleCli implements Runnable {
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "Native (OpenMP/BLAS) threads. Default: ND4J's default, or OMP_NUM_THREADS.")
    Integer threads;

    @Option(names = "--op-threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "libnd4j op threads (element-wise ops, reductions), when they should differ from the BLAS "
                    + "threads. Default: --threads.")
    Integer opThreads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, evaluate, predict or inspect");
    }

    /** Applies the thread settings (called by commands before native work). */
    void applyThreads() {
        if (threads != null && threads < 1) {
            throw CliException.usage("--threads must be >= 1 but was " + threads);
        }
        if (opThreads != null && opThreads < 1) {
            throw CliException.usage("--op-threads must be >= 1 but was " + opThreads);
        }
        if (threads != null || opThreads != null) {
            int blas = threads != null ? threads : org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads();
            Backend.setThreads(opThreads != null ? opThreads : blas, blas);
        }
    }

    public static void main(String[] args) {
        // The fastest native build this CPU runs, chosen before anything loads ND4J.
        io.github.ple4j.model.NativeSelection.apply();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line in this JVM and returns the exit code (output goes to the given writers). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        PleCli root = new PleCli();
        CommandLine cl = commandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine(PleCli root) {
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("error: " + oneLine(ex.getMessage()) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            if (root.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            PrintWriter err = c.getErr();
            int code = exitCode(ex);
            if (ex instanceof CliException ce && ce.isReported()) {
                return code;
            }
            err.println("error: " + message(ex, code));
            if (root.verbose) {
                ex.printStackTrace(err);
            } else if (code == ExitCodes.INTERNAL) {
                err.println("(this is a bug; run again with --verbose for the stack trace)");
            }
            err.flush();
            return code;
        });
        return cl;
    }

    /** The exit code for an exception (see {@link ExitCodes}). */
    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof NonFiniteLossException) {
            return ExitCodes.DIVERGED;
        }
        if (e instanceof InvalidDataException) {
            return ExitCodes.BAD_DATA;
        }
        if (e instanceof MalformedModelException) {
            return ExitCodes.BAD_MODEL_OR_CONFIG;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return ExitCodes.IO;
        }
        return ExitCodes.INTERNAL;
    }

    private static String message(Throwable e, int code) {
        String m = e.getMessage();
        if (code == ExitCodes.INTERNAL || m == null || m.isBlank()) {
            m = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
        if (e instanceof OutOfMemoryError) {
            m = "out of memory (" + e.getMessage() + "); give the JVM more heap (-Xmx) or use a smaller --batch-size";
        }
        return oneLine(m);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Runs in-process and captures the output, for tests and embedding. */
    public static Result capture(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** Exit code and output of an in-process run. */
    public record Result(int exitCode, String out, String err) {
    }
}
