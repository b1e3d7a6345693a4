package io.github.ple4j.cli.job;

import io.github.ple4j.model.config.Names;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks with messages that name the field, what was expected and what was found. */
final class Validation {
    private Validation() {
    }

    static String name(String field, String value) {
        return Names.check(field, value);
    }

    static String text(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty string but was "
                    + (value == null ? "missing" : "''"));
        }
        return value;
    }

    /** A copy of a list of non-null strings. */
    static List<String> texts(String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a string but was null");
            }
        }
        return List.copyOf(values);
    }

    /** A copy of a list of non-empty strings without duplicates. */
    static List<String> columns(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            text(field + "[" + i + "]", v);
            if (!seen.add(v)) {
                throw new IllegalArgumentException(field + " names the column '" + v + "' twice");
            }
        }
        return List.copyOf(values);
    }

    static int atLeast(String field, Integer value, int min, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + " but was " + value);
        }
        return value;
    }
}
