package io.github.ple4j.model.config;

import java.util.regex.Pattern;

/**
 * The rule for names that end up in graph variable names, parameter names and file names (tasks, categorical
 * fields, embedding tables): a letter, then letters, digits, '_' or '-', at most 64 characters. The config records,
 * the job config of the command line and ple-datavec's pipelines all check names here.
 */
public final class Names {
    /** The pattern a name matches. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private Names() {
    }

    /** Whether {@code name} follows the rule. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Returns {@code name}, or throws naming the field.
     *
     * @throws IllegalArgumentException "FIELD must start with a letter ... but was 'NAME'" (or "but was missing")
     */
    public static String check(String field, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(field + " must start with a letter and contain only letters, digits, "
                    + "'_' or '-' (at most 64 characters) but was " + (name == null ? "missing" : "'" + name + "'"));
        }
        return name;
    }
}
