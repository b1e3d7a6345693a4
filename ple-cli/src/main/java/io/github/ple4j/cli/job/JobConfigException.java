package io.github.ple4j.cli.job;

import io.github.ple4j.cli.CliException;
import io.github.ple4j.cli.ExitCodes;

/** An invalid job config: the message names the source, the JSON path and the problem. Exit code 4. */
public final class JobConfigException extends CliException {
    private static final long serialVersionUID = 1L;

    public JobConfigException(String message, Throwable cause) {
        super(ExitCodes.BAD_MODEL_OR_CONFIG, message, cause);
    }
}
