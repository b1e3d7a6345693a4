package io.github.ple4j.datavec.schema;

import java.util.regex.Pattern;

/**
 * Names that end up in graph variable names (tasks, categorical fields) follow ple-model's rule: a letter,
 * then letters, digits, '_' or '-', at most 64 characters.
 */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private Names() {
    }

    /** Whether the name is valid. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Returns the name, or throws naming the field. */
    public static String check(String what, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(what + " must start with a letter and contain only letters, digits, "
                    + "'_' or '-' (at most 64 characters) but was " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
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
