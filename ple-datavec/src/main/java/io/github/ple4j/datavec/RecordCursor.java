package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.SourceAware;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataLine;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.writable.Writable;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads records from a DataVec reader and knows where each came from: the file and 1-based line from the
 * record's {@link RecordMetaDataLine} (or from a {@link SourceAware} reader), otherwise the record number.
 * Failures of the reader itself (a truncated gzip stream, an unreadable file) become
 * {@link InvalidDataException}s naming the line that could not be read.
 */
final class RecordCursor implements AutoCloseable {
    /** A record and its position. */
    record Row(List<Writable> values, RecordPosition position) {
    }

    private final RecordReader reader;
    private long records;
    private String lastSource;
    private URI lastUri;
    private String lastUriText;
    private long lastLine;

    RecordCursor(RecordReader reader) {
        this.reader = reader;
    }

    boolean hasNext() {
        try {
            return reader.hasNext();
        } catch (InvalidDataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw readFailure(e);
        }
    }

    Row next() {
        Record r;
        try {
            r = reader.nextRecord();
        } catch (InvalidDataException | NoSuchElementException e) {
            throw e;
        } catch (RuntimeException e) {
            throw readFailure(e);
        }
        records++;
        RecordMetaData meta = r.getMetaData();
        String source;
        if (meta != null && meta.getURI() != null) {
            // one file's records share their URI: describe it once
            if (!meta.getURI().equals(lastUri)) {
                lastUri = meta.getURI();
                lastUriText = describe(lastUri);
            }
            source = lastUriText;
        } else {
            source = sourceName();
        }
        long line = meta instanceof RecordMetaDataLine l ? l.getLineNumber() + 1L : 0;
        lastSource = source;
        lastLine = line;
        return new Row(r.getRecord(), new RecordPosition(source, line, records));
    }

    /** Records read since the start (or the last reset). */
    long records() {
        return records;
    }

    /** The file being read, for errors about the whole source. */
    String sourceName() {
        if (reader instanceof SourceAware s && s.currentSource() != null) {
            return s.currentSource();
        }
        return lastSource != null ? lastSource : reader.getClass().getSimpleName();
    }

    boolean resetSupported() {
        return reader.resetSupported();
    }

    void reset() {
        reader.reset();
        forget();
    }

    /** Starts the reader's epoch (a reset for a reader whose order does not depend on the epoch). */
    void startEpoch(int epoch) {
        if (reader instanceof io.github.ple4j.model.train.EpochAware e) {
            e.startEpoch(epoch);
        } else {
            reader.reset();
        }
        forget();
    }

    private void forget() {
        records = 0;
        lastSource = null;
        lastLine = 0;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not close " + sourceName(), e);
        }
    }

    /** Position of the record being read when the reader failed. */
    private RecordPosition failurePosition() {
        if (reader instanceof SourceAware s && s.currentSource() != null && s.linesConsumed() >= 0) {
            return new RecordPosition(s.currentSource(), s.linesConsumed() + 1, records + 1);
        }
        return new RecordPosition(sourceName(), lastLine > 0 ? lastLine + 1 : 0, records + 1);
    }

    private InvalidDataException readFailure(RuntimeException e) {
        RecordPosition pos = failurePosition();
        String what = pos.line() > 0 ? "the line" : "the record";
        EOFException eof = find(e, EOFException.class);
        String detail;
        if (eof != null) {
            detail = "could not read " + what + ": the data ends early (truncated or partly downloaded file?)"
                    + (eof.getMessage() == null ? "" : ": " + eof.getMessage());
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            detail = "could not read " + what + ": " + root;
        }
        return new InvalidDataException(pos, -1, null, detail, e);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static String describe(URI uri) {
        if ("file".equals(uri.getScheme())) {
            return Path.of(uri).toString();
        }
        return uri.toString();
    }
}
