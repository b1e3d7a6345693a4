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
            v = parseDouble(s);
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

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    /**
     * {@link Double#parseDouble}, with a fast path for plain decimals ({@code [+-]digits[.digits]}, at most 15
     * digits): the digits as a long divided by a power of ten, both exact in a double, so the one rounding of the
     * division gives the correctly rounded value, as {@code parseDouble} does. Anything else goes to
     * {@code parseDouble}.
     */
    static double parseDouble(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.parseDouble(s);
            }
        }
        if (digits == 0 || digits > 15) {
            return Double.parseDouble(s);
        }
        double v = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : (double) mantissa;
        return negative ? -v : v;
    }

    /** {@code ['a', 'b']}. */
    static String quoted(Collection<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
