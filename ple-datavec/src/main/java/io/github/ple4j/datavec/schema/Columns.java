package io.github.ple4j.datavec.schema;

/** How columns are written in messages: 1-based number like a line number, plus the name when known. */
public final class Columns {
    private Columns() {
    }

    /** {@code "3 (age)"} or {@code "3"}: the 1-based column number and the name if there is one. */
    public static String label(int index, String name) {
        return (index + 1) + (name == null ? "" : " (" + name + ")");
    }

    /** Default field name of an unnamed column: {@code "column3"} for index 2 (1-based number). */
    public static String defaultName(int index) {
        return "column" + (index + 1);
    }
}
