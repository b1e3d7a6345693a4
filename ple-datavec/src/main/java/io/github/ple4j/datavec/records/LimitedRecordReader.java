package io.github.ple4j.datavec.records;

import org.datavec.api.records.Record;
import org.datavec.api.records.reader.RecordReader;

import java.util.NoSuchElementException;

/**
 * The first {@code limit} records of another reader (all of them when it has fewer). Reading stops there: the
 * rest of the file is not read. {@link #reset()} starts again from the first record.
 */
public final class LimitedRecordReader extends ForwardingRecordReader {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private long read;

    /**
     * @param delegate the reader
     * @param limit    maximum number of records, at least 0
     */
    public LimitedRecordReader(RecordReader delegate, long limit) {
        super(delegate);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
        }
        this.limit = limit;
    }

    /** The maximum number of records. */
    public long limit() {
        return limit;
    }

    @Override
    public boolean hasNext() {
        return read < limit && delegate.hasNext();
    }

    @Override
    public Record nextRecord() {
        if (read >= limit) {
            throw new NoSuchElementException("the reader's limit of " + limit + " records was reached");
        }
        Record r = delegate.nextRecord();
        read++;
        return r;
    }

    @Override
    public void reset() {
        delegate.reset();
        read = 0;
    }
}
