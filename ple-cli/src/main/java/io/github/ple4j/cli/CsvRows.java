package io.github.ple4j.cli;

import io.github.ple4j.cli.job.CsvSpec;
import org.datavec.api.records.reader.impl.csv.SerializableCSVParser;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV file for prediction one line at a time, knowing each line's number, and lays every row out in the
 * training column order. With a header, columns are found by name (extra columns are ignored, label columns may be
 * absent, a missing feature column is an error for the whole file); without one, rows are positional. A line that
 * cannot be split or has the wrong number of fields becomes a bad row, not an error.
 */
final class CsvRows implements AutoCloseable {
    /** One line: its 1-based number, its text, and either the record (training column order) or the problem. */
    record Row(long line, String text, String[] fields, List<Writable> record, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private final Path file;
    private final BufferedReader in;
    private final SerializableCSVParser parser;
    private final int width;
    /** For each training column, its index in the file, or -1 (filled with an empty value). */
    private final int[] source;
    private final int fileColumns;
    private final Map<String, Integer> fileIndex = new HashMap<>();
    private long line;

    /**
     * @param file           the file
     * @param csv            the layout
     * @param trainingColumns the column names of the training data, in order
     */
    CsvRows(Path file, CsvSpec csv, List<String> trainingColumns) {
        this.file = file;
        this.parser = CsvFiles.parser(csv);
        this.width = trainingColumns.size();
        this.source = new int[width];
        List<String> header;
        if (csv.header()) {
            header = CsvFiles.readHeader(file, csv);
            for (int i = header.size() - 1; i >= 0; i--) {
                fileIndex.put(header.get(i), i);
            }
            List<String> features = CsvFiles.requiredColumns(csv, false);
            List<String> missing = features.stream().filter(c -> !fileIndex.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw CliException.badData(file + ", line 1: missing column(s) " + missing + " that the model reads; the header has "
                        + header, null);
            }
            for (int i = 0; i < width; i++) {
                source[i] = fileIndex.getOrDefault(trainingColumns.get(i), -1);
            }
            fileColumns = header.size();
        } else {
            for (int i = 0; i < width; i++) {
                source[i] = i;
                fileIndex.put(trainingColumns.get(i), i);
            }
            fileColumns = width;
        }
        this.in = CsvFiles.open(file);
        if (csv.header()) {
            readLine();
        }
    }

    /** Index of a column in the file, or -1. */
    int fileIndex(String column) {
        return fileIndex.getOrDefault(column, -1);
    }

    private String readLine() {
        try {
            String s = in.readLine();
            if (s != null) {
                line++;
            }
            return s;
        } catch (IOException e) {
            throw CliException.badData(file + ", line " + (line + 1) + ": cannot read the line: " + e.getMessage(), e);
        }
    }

    /** The next row, or null at the end of the file. */
    Row next() {
        String text = readLine();
        if (text == null) {
            return null;
        }
        String t = line == 1 ? CsvFiles.stripBom(text) : text;
        String[] fields;
        try {
            fields = parser.parseLine(t);
        } catch (IOException | RuntimeException e) {
            return new Row(line, text, null, null, "cannot split the line into fields: " + e.getMessage());
        }
        if (fields.length != fileColumns) {
            return new Row(line, text, fields, null, "expected " + fileColumns + " columns but found " + fields.length);
        }
        List<Writable> record = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            record.add(new Text(source[i] >= 0 ? fields[source[i]] : ""));
        }
        return new Row(line, text, fields, record, null);
    }

    /** A field of a row by file index, or "" when the row has no such field. */
    static String field(Row row, int index) {
        return row.fields() != null && index >= 0 && index < row.fields().length ? row.fields()[index] : "";
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw CliException.io("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
