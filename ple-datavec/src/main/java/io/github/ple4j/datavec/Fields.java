package io.github.ple4j.datavec;

import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;

import java.nio.charset.StandardCharsets;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Reading one field of a record, with errors that name the position, column, expectation and value. */
final class Fields {
    private Fields() {
    }

    /** Checks the record has the expected number of columns. */
    static void checkWidth(RecordCursor.Row row, int expected) {
        int found = row.values().size();
        if (found != expected) {
            throw new InvalidDataException(row.position(), -1, null,
                    "expected " + expected + " columns but found " + found, null);
        }
    }

    /**
     * The field's text, trimmed if asked. DataVec's {@link Text} is decoded here with the JDK's String constructor
     * (malformed bytes become U+FFFD, as {@code Text.toString()} makes them): {@code Text.toString()} looks up a
     * thread-local charset decoder per call, which made it the largest cost of encoding a row.
     */
    static String text(RecordCursor.Row row, int column, boolean trim) {
        Writable w = row.values().get(column);
        String s = w == null ? "" : w instanceof io.github.ple4j.datavec.records.CsvCell c ? c.value()
                : w instanceof Text t ? new String(t.getBytes(), 0, t.getLength(), StandardCharsets.UTF_8)
                : w.toString();
        return trim ? s.strip() : s;
    }

    /** The field as a finite number. */
    static double number(RecordCursor.Row row, int column, String name, boolean trim, String prefix,
                         String expected) {
        String s = text(row, column, trim);
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InvalidDataException(row.position(), column, name,
                    prefix + "expected " + expected + " but found '" + s + "'", e);
        }
        if (!Double.isFinite(v)) {
            throw new InvalidDataException(row.position(), column, name,
                    prefix + "expected " + expected + " but found '" + s + "'", null);
        }
        return v;
    }

    /**
     * The values of a multi-valued cell: {@code text} split at every occurrence of the literal {@code separator},
     * each part trimmed if asked, empty parts skipped (so an empty cell is an empty bag). Clears {@code out} first.
     */
    static void splitBag(String text, String separator, boolean trim, List<String> out) {
        out.clear();
        int from = 0;
        int n = text.length();
        while (from <= n) {
            int at = text.indexOf(separator, from);
            int end = at < 0 ? n : at;
            String part = text.substring(from, end);
            if (trim) {
                part = part.strip();
            }
            if (!part.isEmpty()) {
                out.add(part);
            }
            if (at < 0) {
                break;
            }
            from = at + separator.length();
        }
    }

    /** {@code ['a', 'b']}. */
    static String quoted(Collection<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
