package io.github.ple4j.model.config;

import java.util.List;

/** Validation helpers whose messages name the field, what was expected and what was found. */
final class Checks {
    private Checks() {
    }

    static int positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1 but was " + value);
        }
        return value;
    }

    static int nonNegative(String field, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0 but was " + value);
        }
        return value;
    }

    static double finiteNonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0 but was " + value);
        }
        return value;
    }

    static double finitePositive(String field, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(field + " must be a finite number > 0 but was " + value);
        }
        return value;
    }

    static double probability(String field, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1) but was " + value);
        }
        return value;
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be set but was null");
        }
        return value;
    }

    /** Copies a list, checking it and its elements are not null. */
    static <T> List<T> elements(String field, List<T> values) {
        notNull(field, values);
        for (int i = 0; i < values.size(); i++) {
            notNull(field + "[" + i + "]", values.get(i));
        }
        return List.copyOf(values);
    }

    /** Copies a list of layer sizes, checking each is >= 1. */
    static List<Integer> sizes(String field, List<Integer> sizes) {
        notNull(field, sizes);
        for (int i = 0; i < sizes.size(); i++) {
            Integer s = sizes.get(i);
            if (s == null || s < 1) {
                throw new IllegalArgumentException(field + "[" + i + "] must be >= 1 but was " + s);
            }
        }
        return List.copyOf(sizes);
    }

    /** Names used inside graph variable names ({@link Names}). */
    static String name(String field, String value) {
        notNull(field, value);
        return Names.check(field, value);
    }
}
