package io.github.ple4j.model.train;

/** The loss or a gradient became NaN or infinite; no parameter was changed by the failing step. */
public final class NonFiniteLossException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String message) {
        super(message);
    }
}
