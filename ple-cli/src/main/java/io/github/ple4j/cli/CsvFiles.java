package io.github.ple4j.cli;

import io.github.ple4j.cli.job.CsvSpec;
import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.ShuffleSpec;
import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.datavec.records.ShardedCsvReader;
import io.github.ple4j.datavec.records.ShuffledRecordReader;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.impl.csv.SerializableCSVParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Opening CSV files the way the job config describes them: gzip for names ending in ".gz", the delimiter, and the
 * header line. Fields are split by DataVec's CSV parser, so a line is read the same way for training (through
 * {@link CsvFileReader}) and for prediction (through {@link CsvRows}). Quoted fields cannot span lines.
 */
final class CsvFiles {
    private CsvFiles() {
    }

    /** A line reader over the file (UTF-8; malformed bytes become U+FFFD, as DataVec reads them). */
    static BufferedReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.io("cannot read " + file + ": no such file", new NoSuchFileException(file.toString()));
        }
        try {
            InputStream in = Files.newInputStream(file);
            if (CsvFileReader.isGzip(file)) {
                try {
                    in = new GZIPInputStream(in, 1 << 16);
                } catch (IOException e) {
                    in.close();
                    throw CliException.badData(file + ": not a gzip file (" + e.getMessage() + ")", e);
                }
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw CliException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** DataVec's parser with the job's delimiter and '"' quotes. */
    static SerializableCSVParser parser(CsvSpec csv) {
        return new SerializableCSVParser(csv.delimiterChar(), '"');
    }

    /** The fields of one line, or an error naming the file and line. */
    static String[] split(SerializableCSVParser parser, String line, Path file, long lineNumber) {
        try {
            return parser.parseLine(line);
        } catch (IOException | RuntimeException e) {
            throw CliException.badData(file + ", line " + lineNumber + ": cannot split the line into fields: "
                    + e.getMessage(), e);
        }
    }

    /** The first line of the file, split into column names. */
    static List<String> readHeader(Path file, CsvSpec csv) {
        try (BufferedReader r = open(file)) {
            String line;
            try {
                line = r.readLine();
            } catch (IOException e) {
                throw CliException.badData(file + ", line 1: cannot read the header line: " + e.getMessage(), e);
            }
            if (line == null) {
                throw CliException.badData(file + ": the file is empty but a header line naming the columns was expected", null);
            }
            String[] fields = split(parser(csv), stripBom(line), file, 1);
            List<String> names = new ArrayList<>();
            for (String f : fields) {
                names.add(f.strip());
            }
            return names;
        } catch (IOException e) {
            throw CliException.io("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /**
     * The column names of a training file: its header (which must equal {@code csv.columns} when both are given)
     * or {@code csv.columns}.
     */
    static List<String> columns(Path file, CsvSpec csv) {
        if (!csv.header()) {
            return csv.columns();
        }
        List<String> header = readHeader(file, csv);
        if (csv.columns() != null && !header.equals(csv.columns())) {
            throw CliException.badData(file + ", line 1: the header " + header + " is not the configured csv.columns "
                    + csv.columns(), null);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            if (h.isEmpty()) {
                throw CliException.badData(file + ", line 1: column " + (i + 1) + " of the header has no name", null);
            }
            if (!seen.add(h)) {
                throw CliException.badData(file + ", line 1: the header names the column '" + h + "' twice", null);
            }
        }
        for (String c : requiredColumns(csv, true)) {
            if (!header.contains(c)) {
                throw CliException.badData(file + ", line 1: the header has no column '" + c + "' (named in the job config); "
                        + "its columns are " + header, null);
            }
        }
        return header;
    }

    /** Columns a file must have: features, and labels when {@code labels} is true. */
    static List<String> requiredColumns(CsvSpec csv, boolean labels) {
        List<String> r = new ArrayList<>(csv.featureColumns());
        if (labels) {
            csv.labels().forEach(l -> r.add(l.column()));
        }
        return r;
    }

    /** For files read positionally (validation, evaluation): the header, if any, must equal the training columns. */
    static void checkHeader(Path file, CsvSpec csv, List<String> expected) {
        if (!csv.header()) {
            return;
        }
        List<String> header = readHeader(file, csv);
        if (!header.equals(expected)) {
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(header);
            throw CliException.badData(file + ", line 1: the header " + header + " differs from the training columns "
                    + expected + (missing.isEmpty() ? " (same names, different order or extra columns)"
                    : "; missing column(s) " + missing), null);
        }
    }

    /**
     * The part files an input names (a file, a directory of {@code .csv}/{@code .csv.gz} parts, or a glob), sorted
     * by name.
     */
    static List<Path> shards(Path input) {
        try {
            return io.github.ple4j.datavec.records.Shards.resolve(input);
        } catch (java.io.UncheckedIOException e) {
            throw CliException.io(e.getMessage(), e);
        }
    }

    /**
     * The column names of sharded training data: those of its first part ({@link #columns(Path, CsvSpec)}); with a
     * header, every other part's header must be the same.
     */
    static List<String> columns(List<Path> shards, CsvSpec csv) {
        List<String> first = columns(shards.get(0), csv);
        if (csv.header()) {
            for (Path p : shards.subList(1, shards.size())) {
                List<String> h = readHeader(p, csv);
                if (!h.equals(first)) {
                    throw CliException.badData(p + ", line 1: the header " + h + " differs from the header " + first
                            + " of the first part " + shards.get(0) + "; every part of an input must have the same columns",
                            null);
                }
            }
        }
        return first;
    }

    /** {@link #checkHeader(Path, CsvSpec, List)} for every part. */
    static void checkHeader(List<Path> shards, CsvSpec csv, List<String> expected) {
        for (Path p : shards) {
            checkHeader(p, csv, expected);
        }
    }

    /**
     * A record reader over the parts in order, each skipping its header line if there is one; with a shard seed the
     * part order is reshuffled every epoch.
     */
    /** The training rows in the job's order: parts reordered per epoch, rows through the shuffle buffer. */
    static RecordReader trainingReader(List<Path> shards, JobConfig job) {
        ShuffleSpec sh = job.shuffle();
        long seed = job.shuffleSeed();
        var parts = reader(shards, job.csv(), sh.shards() && shards.size() > 1 ? seed : null);
        return sh.shufflesRows() ? new ShuffledRecordReader(parts, sh.bufferRows(), seed) : parts;
    }

    static ShardedCsvReader reader(List<Path> shards, CsvSpec csv, Long shardSeed) {
        return new ShardedCsvReader(shards, csv.delimiterChar(), csv.header() ? 1 : 0,
                shardSeed);
    }

    /** A DataVec record reader over the file, skipping the header line if there is one. */
    static CsvFileReader reader(Path file, CsvSpec csv) {
        if (!Files.isRegularFile(file)) {
            throw CliException.io("cannot read " + file + ": no such file", new NoSuchFileException(file.toString()));
        }
        try {
            return CsvFileReader.open(file, csv.delimiterChar(), csv.header() ? 1 : 0);
        } catch (java.io.UncheckedIOException e) {
            throw CliException.io(e.getMessage(), e);
        }
    }

    static String describe(String[] fields) {
        return Arrays.toString(fields);
    }
}
