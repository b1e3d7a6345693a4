package io.github.ple4j.datavec.schema;

/**
 * Names that end up in graph variable names (tasks, categorical fields) follow ple-model's rule
 * ({@link io.github.ple4j.model.config.Names}); this class derives such names from column names.
 */
public final class Names {
    private Names() {
    }

    /** Whether the name is valid ({@link io.github.ple4j.model.config.Names#isValid}). */
    public static boolean isValid(String name) {
        return io.github.ple4j.model.config.Names.isValid(name);
    }

    /** Returns the name, or throws naming the field ({@link io.github.ple4j.model.config.Names#check}). */
    public static String check(String what, String name) {
        return io.github.ple4j.model.config.Names.check(what, name);
    }

    /**
     * A valid name derived from a column name: characters other than letters, digits, '_' and '-' become '_',
     * a leading non-letter gets the prefix "c", and the result is cut to 64 characters. For example
     * {@code "class of worker"} becomes {@code "class_of_worker"}.
     */
    public static String sanitise(String columnName) {
        String s = columnName.replaceAll("[^A-Za-z0-9_-]", "_");
        if (!s.matches("[A-Za-z].*")) {
            s = "c" + s;
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
