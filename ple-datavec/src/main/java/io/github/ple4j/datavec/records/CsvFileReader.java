package io.github.ple4j.datavec.records;

import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.StreamInputSplit;
import org.datavec.api.writable.Writable;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * DataVec's {@link CSVRecordReader} over one file, read through gzip when the name ends in {@code .gz}, that
 * knows its file and line ({@link SourceAware}). Records carry DataVec's line metadata
 * ({@link org.datavec.api.records.metadata.RecordMetaDataLine}, 0-based line index and the file URI).
 * {@link #reset()} reopens the file. Fields are {@link CsvCell}s, not trimmed here; the pipeline trims.
 */
public final class CsvFileReader extends CSVRecordReader implements SourceAware {
    private static final long serialVersionUID = 1L;
    private static final int BUFFER = 1 << 16;

    private final char delimiter;
    private final char quote;

    private CsvFileReader(int skipLines, char delimiter, char quote) {
        super(skipLines, delimiter, quote);
        this.delimiter = delimiter;
        this.quote = quote;
    }

    /**
     * Splits a line into {@link CsvCell}s. A line without the quote character is split at every delimiter, which
     * is what DataVec's parser does with it; a line with a quote goes through DataVec's parser (quoted fields,
     * doubled quotes), so every line reads as DataVec reads it.
     */
    @Override
    protected List<Writable> parseLine(String line) {
        if (line.indexOf(quote) >= 0) {
            List<Writable> parsed = super.parseLine(line);
            List<Writable> cells = new ArrayList<>(parsed.size());
            for (Writable w : parsed) {
                cells.add(new CsvCell(w.toString()));
            }
            return cells;
        }
        List<Writable> cells = new ArrayList<>(16);
        int from = 0;
        while (true) {
            int at = line.indexOf(delimiter, from);
            if (at < 0) {
                cells.add(new CsvCell(line.substring(from)));
                return cells;
            }
            cells.add(new CsvCell(line.substring(from, at)));
            from = at + 1;
        }
    }

    /** Opens a comma-separated file without a header. */
    public static CsvFileReader open(Path file) {
        return open(file, DEFAULT_DELIMITER, 0);
    }

    /**
     * Opens a delimited file.
     *
     * @param file      the file; gzip-compressed when its name ends in ".gz"
     * @param delimiter field delimiter
     * @param skipLines header lines to skip (they still count for line numbers)
     * @throws UncheckedIOException if the file does not exist or cannot be opened
     */
    public static CsvFileReader open(Path file, char delimiter, int skipLines) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException("cannot open " + file + ": no such file", new NoSuchFileException(file.toString()));
        }
        if (skipLines < 0) {
            throw new IllegalArgumentException("skipLines must be >= 0 but was " + skipLines);
        }
        CsvFileReader reader = new CsvFileReader(skipLines, delimiter, DEFAULT_QUOTE);
        try {
            reader.initialize(new StreamInputSplit(List.of(file.toUri()), CsvFileReader::openStream));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening " + file, e);
        }
        return reader;
    }

    /**
     * Opens the file's bytes, through gzip for ".gz". A FileInputStream (not a channel stream) so that an
     * interrupted prefetch thread does not close the file under the reader.
     */
    static InputStream openStream(URI uri) {
        Path file = Path.of(uri);
        try {
            InputStream in = new BufferedInputStream(new FileInputStream(file.toFile()), BUFFER);
            if (!isGzip(file)) {
                return in;
            }
            try {
                return new NoReadAhead(new GZIPInputStream(in, BUFFER));
            } catch (IOException e) {
                in.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e, e);
        }
    }

    /**
     * Reports no bytes as available. The JDK's stream decoder reads ahead while {@code available() > 0} before
     * handing decoded characters on, and if that read fails (a truncated gzip stream) the characters already
     * decoded in the same call are dropped, so the reader would stop up to 8 KiB before the real end of the
     * data and name the wrong line. With nothing "available" it hands each read on first; the error then comes
     * exactly at the first line that is not complete.
     */
    private static final class NoReadAhead extends FilterInputStream {
        NoReadAhead(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** Whether the file is read through gzip: its name ends in ".gz". */
    public static boolean isGzip(Path file) {
        return file.getFileName().toString().endsWith(".gz");
    }

    @Override
    public String currentSource() {
        if (locations == null || locations.length == 0) {
            return null;
        }
        return Path.of(locations[Math.min(splitIndex, locations.length - 1)]).toString();
    }

    @Override
    public long linesConsumed() {
        return lineIndex;
    }
}
