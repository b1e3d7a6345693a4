package io.github.ple4j.cli;

/** An error the command line reports as one line on stderr, with the given exit code (see {@link ExitCodes}). */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private boolean reported;

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Marks the message as already printed (the error handler then prints nothing more). */
    CliException reported() {
        this.reported = true;
        return this;
    }

    boolean isReported() {
        return reported;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    static CliException badData(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_DATA, message, cause);
    }

    static CliException badModel(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_MODEL_OR_CONFIG, message, cause);
    }

    static CliException io(String message, Throwable cause) {
        return new CliException(ExitCodes.IO, message, cause);
    }
}
