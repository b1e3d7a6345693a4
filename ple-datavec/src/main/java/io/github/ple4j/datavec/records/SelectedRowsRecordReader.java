package io.github.ple4j.datavec.records;

import org.datavec.api.records.Record;
import org.datavec.api.records.reader.RecordReader;

import java.util.BitSet;
import java.util.NoSuchElementException;

/**
 * The records of another reader whose 0-based position in its stream is in a set, in stream order. The other
 * records are read and dropped. Used to stream one part of a {@link RowSplit} without loading the file.
 */
public final class SelectedRowsRecordReader extends ForwardingRecordReader {
    private static final long serialVersionUID = 1L;
    private final BitSet rows;
    private long position;
    private Record pending;

    /**
     * @param delegate the reader
     * @param rows     0-based record positions to keep (copied)
     */
    public SelectedRowsRecordReader(RecordReader delegate, BitSet rows) {
        super(delegate);
        this.rows = (BitSet) rows.clone();
    }

    @Override
    public boolean hasNext() {
        while (pending == null && delegate.hasNext()) {
            Record r = delegate.nextRecord();
            if (position < Integer.MAX_VALUE && rows.get((int) position)) {
                pending = r;
            }
            position++;
        }
        return pending != null;
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more selected records");
        }
        Record r = pending;
        pending = null;
        return r;
    }

    @Override
    public void reset() {
        delegate.reset();
        position = 0;
        pending = null;
    }
}
