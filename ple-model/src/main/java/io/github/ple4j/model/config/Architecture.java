package io.github.ple4j.model.config;

/** The models of the paper's comparison, all expressed by one {@link ExtractionSpec}. */
public enum Architecture {
    SINGLE_TASK, SHARED_BOTTOM, MMOE, CGC, PLE
}
