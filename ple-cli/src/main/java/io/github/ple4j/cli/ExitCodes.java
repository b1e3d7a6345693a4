package io.github.ple4j.cli;

/**
 * Exit codes of the {@code ple} command line; scripts can rely on them.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>training diverged: a non-finite loss or gradient (the last good checkpoint is kept)</td></tr>
 *   <tr><td>2</td><td>usage error: unknown or missing option, bad option value, conflicting options</td></tr>
 *   <tr><td>3</td><td>bad input data: a CSV row or header that does not fit (file, line and column named)</td></tr>
 *   <tr><td>4</td><td>bad model or config file: corrupt, truncated, foreign or newer-version model bundle;
 *       invalid job config JSON</td></tr>
 *   <tr><td>5</td><td>I/O error: a file that cannot be read or written, a checkpoint directory in use</td></tr>
 *   <tr><td>70</td><td>internal error (a bug: please report it with the output of --verbose)</td></tr>
 *   <tr><td>130</td><td>training interrupted by SIGINT (Ctrl-C) after writing a checkpoint; the JVM reports 143 for
 *       SIGTERM</td></tr>
 * </table>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int DIVERGED = 1;
    public static final int USAGE = 2;
    public static final int BAD_DATA = 3;
    public static final int BAD_MODEL_OR_CONFIG = 4;
    public static final int IO = 5;
    public static final int INTERNAL = 70;
    public static final int INTERRUPTED = 130;

    /** The exit-code section of every command's help. */
    static final String HELP = "Exit codes: 0 ok, 1 training diverged (non-finite loss/gradient), 2 usage error, "
            + "3 bad input data, 4 bad model or config file, 5 I/O error, 70 internal error, 130/143 training interrupted by "
            + "SIGINT/SIGTERM (a checkpoint was written).";

    private ExitCodes() {
    }
}
