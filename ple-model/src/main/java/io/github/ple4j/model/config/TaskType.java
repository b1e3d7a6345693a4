package io.github.ple4j.model.config;

/** What a task predicts, which fixes its head and loss. */
public enum TaskType {
    /** Probability of a positive label: sigmoid head, binary cross-entropy loss. Labels are 0 or 1. */
    BINARY,
    /** A real value: linear head, squared-error loss. */
    REGRESSION
}
