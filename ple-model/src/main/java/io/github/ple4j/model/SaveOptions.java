package io.github.ple4j.model;

/**
 * What {@link PleModel#save(java.nio.file.Path, SaveOptions)} writes besides the config, the parameters, the
 * training counters and the attachments.
 *
 * @param optimizerState also store the optimiser state, so that training resumes exactly; without it a loaded
 *                       model continues counting epochs and steps but its optimiser starts afresh
 */
public record SaveOptions(boolean optimizerState) {
    /** Everything needed to continue training exactly (the default of {@link PleModel#save(java.nio.file.Path)}). */
    public static SaveOptions forResuming() {
        return new SaveOptions(true);
    }

    /** Parameters without optimiser state: a smaller file for serving. */
    public static SaveOptions parametersOnly() {
        return new SaveOptions(false);
    }
}
