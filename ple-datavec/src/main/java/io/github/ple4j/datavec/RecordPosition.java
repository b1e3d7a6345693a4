package io.github.ple4j.datavec;

/**
 * Where a record came from.
 *
 * @param source the file (or the reader's description when it has no file)
 * @param line   1-based line number in the source, or 0 when the reader gives no line numbers
 * @param record 1-based number of the record in the stream read, or 0 when none was read
 */
public record RecordPosition(String source, long line, long record) {
    /** {@code "data.csv, line 7"}, or {@code "reader, record 7"} when there is no line number. */
    public String describe() {
        if (line > 0) {
            return source + ", line " + line;
        }
        if (record > 0) {
            return source + ", record " + record;
        }
        return source;
    }
}
