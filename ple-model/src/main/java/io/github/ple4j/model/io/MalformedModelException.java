package io.github.ple4j.model.io;

import java.io.IOException;

/** A model bundle that cannot be read: corrupt, truncated, of another format or of a newer version. */
public final class MalformedModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedModelException(String message) {
        super(message);
    }

    public MalformedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
