package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.Columns;

/**
 * Bad input data. The message names the file, the 1-based line (or record) and column, what was expected and
 * what was found, e.g. {@code "/data/train.csv, line 7, column 2 (age): expected a finite number but found 'abc'"};
 * the original exception, if any, is the cause. Nothing is skipped silently: a bad record stops reading.
 */
public class InvalidDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final RecordPosition position;
    private final String source;
    private final int column;
    private final String columnName;
    private final String detail;

    /**
     * An error in one record, optionally in one column.
     *
     * @param position   where the record came from
     * @param column     0-based column index, or -1 for the whole record
     * @param columnName the column's name, or null
     * @param detail     what was expected and found
     * @param cause      the original exception, or null
     */
    public InvalidDataException(RecordPosition position, int column, String columnName, String detail, Throwable cause) {
        super(message(position.describe(), column, columnName, detail), cause);
        this.position = position;
        this.source = position.source();
        this.column = column;
        this.columnName = columnName;
        this.detail = detail;
    }

    /**
     * An error about a whole source (empty file, checksum).
     *
     * @param source the file
     * @param detail what was expected and found
     * @param cause  the original exception, or null
     */
    public InvalidDataException(String source, String detail, Throwable cause) {
        super(source + ": " + detail, cause);
        this.position = null;
        this.source = source;
        this.column = -1;
        this.columnName = null;
        this.detail = detail;
    }

    private static String message(String where, int column, String columnName, String detail) {
        return where + (column >= 0 ? ", column " + Columns.label(column, columnName) : "") + ": " + detail;
    }

    /** The file or source. */
    public String source() {
        return source;
    }

    /** Where the record came from, or null for an error about a whole source. */
    public RecordPosition position() {
        return position;
    }

    /** 1-based line number, or 0 when unknown or not about a line. */
    public long line() {
        return position == null ? 0 : position.line();
    }

    /** 0-based column index, or -1 when not about one column. */
    public int column() {
        return column;
    }

    /** The column's name, or null. */
    public String columnName() {
        return columnName;
    }

    /** What was expected and what was found. */
    public String detail() {
        return detail;
    }
}
