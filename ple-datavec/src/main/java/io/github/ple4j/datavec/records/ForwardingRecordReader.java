package io.github.ple4j.datavec.records;

import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.listener.RecordListener;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.Writable;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A record reader that passes every call to another one; subclasses change the record stream. Record
 * metadata (file, line) passes through untouched.
 */
public abstract class ForwardingRecordReader implements RecordReader, SourceAware {
    private static final long serialVersionUID = 1L;
    /** The wrapped reader. */
    protected final RecordReader delegate;

    protected ForwardingRecordReader(RecordReader delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped reader. */
    public RecordReader delegate() {
        return delegate;
    }

    @Override
    public void initialize(InputSplit split) throws IOException, InterruptedException {
        delegate.initialize(split);
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) throws IOException, InterruptedException {
        delegate.initialize(conf, split);
    }

    @Override
    public boolean batchesSupported() {
        return false;
    }

    @Override
    public List<List<Writable>> next(int num) {
        List<List<Writable>> out = new ArrayList<>();
        while (out.size() < num && hasNext()) {
            out.add(next());
        }
        return out;
    }

    @Override
    public List<Writable> next() {
        return nextRecord().getRecord();
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Record nextRecord() {
        return delegate.nextRecord();
    }

    @Override
    public List<String> getLabels() {
        return delegate.getLabels();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public boolean resetSupported() {
        return delegate.resetSupported();
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) throws IOException {
        return delegate.record(uri, dataInputStream);
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) throws IOException {
        return delegate.loadFromMetaData(recordMetaData);
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) throws IOException {
        return delegate.loadFromMetaData(recordMetaDatas);
    }

    @Override
    public List<RecordListener> getListeners() {
        return delegate.getListeners();
    }

    @Override
    public void setListeners(RecordListener... listeners) {
        delegate.setListeners(listeners);
    }

    @Override
    public void setListeners(Collection<RecordListener> listeners) {
        delegate.setListeners(listeners);
    }

    @Override
    public void setConf(Configuration conf) {
        delegate.setConf(conf);
    }

    @Override
    public Configuration getConf() {
        return delegate.getConf();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String currentSource() {
        return delegate instanceof SourceAware s ? s.currentSource() : null;
    }

    @Override
    public long linesConsumed() {
        return delegate instanceof SourceAware s ? s.linesConsumed() : -1;
    }
}
