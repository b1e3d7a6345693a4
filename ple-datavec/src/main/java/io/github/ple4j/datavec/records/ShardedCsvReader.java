package io.github.ple4j.datavec.records;

import io.github.ple4j.model.train.EpochAware;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.listener.RecordListener;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.Writable;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The records of several CSV part files (a Spark or Hive output directory) as one stream: one {@link CsvFileReader}
 * at a time, each skipping its own header lines. Records keep their shard's file and line, so every error names
 * the shard. With a shard seed, the shard order is reshuffled at every epoch ({@link #startEpoch}: a permutation
 * drawn from the seed and the epoch); without one the shards are read in the order given.
 */
public final class ShardedCsvReader implements RecordReader, SourceAware, EpochAware {
    private static final long serialVersionUID = 1L;

    private final List<Path> shards;
    private final char delimiter;
    private final int skipLines;
    private final Long shardSeed;
    private transient List<Path> order;
    private transient int next;
    private transient CsvFileReader current;
    private int epoch;

    /**
     * @param shards    the part files, at least one
     * @param delimiter field delimiter
     * @param skipLines header lines of every shard
     * @param shardSeed seed of the per-epoch shard order, or null to read the shards in the order given
     */
    public ShardedCsvReader(List<Path> shards, char delimiter, int skipLines, Long shardSeed) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("at least one shard is needed but none was given");
        }
        this.shards = List.copyOf(shards);
        this.delimiter = delimiter;
        this.skipLines = skipLines;
        this.shardSeed = shardSeed;
        startEpoch(0);
    }

    /** The shards, in the order given. */
    public List<Path> shards() {
        return shards;
    }

    /** The shard order of the current epoch. */
    public List<Path> order() {
        return List.copyOf(order);
    }

    @Override
    public void startEpoch(int epoch) {
        closeCurrent();
        this.epoch = epoch;
        List<Path> o = new ArrayList<>(shards);
        if (shardSeed != null) {
            SplittableRandom rng = new SplittableRandom(ShuffledRecordReader.mix(shardSeed, epoch));
            for (int i = o.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Path t = o.get(i);
                o.set(i, o.get(j));
                o.set(j, t);
            }
        }
        order = o;
        next = 0;
    }

    /** Opens shards until one has a record; false at the end of the last. */
    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            closeCurrent();
            if (next >= order.size()) {
                return false;
            }
            current = CsvFileReader.open(order.get(next++), delimiter, skipLines);
        }
        return true;
    }

    @Override
    public Record nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records in the " + shards.size() + " shard(s)");
        }
        return current.nextRecord();
    }

    @Override
    public List<Writable> next() {
        return nextRecord().getRecord();
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
    public boolean batchesSupported() {
        return false;
    }

    /** Starts the next epoch (its shard order). */
    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public String currentSource() {
        if (current != null) {
            return current.currentSource();
        }
        return next > 0 ? order.get(next - 1).toString() : order.get(0).toString();
    }

    @Override
    public long linesConsumed() {
        return current != null ? current.linesConsumed() : -1;
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + current.currentSource(), e);
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }

    @Override
    public List<String> getLabels() {
        return null;
    }

    @Override
    public void initialize(InputSplit split) {
        throw new UnsupportedOperationException("a ShardedCsvReader is opened with its shard list");
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) {
        throw new UnsupportedOperationException("a ShardedCsvReader is opened with its shard list");
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("records are read from the shards");
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        throw new UnsupportedOperationException("loading by metadata is not supported");
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        throw new UnsupportedOperationException("loading by metadata is not supported");
    }

    @Override
    public List<RecordListener> getListeners() {
        return List.of();
    }

    @Override
    public void setListeners(RecordListener... listeners) {
        throw new UnsupportedOperationException("listeners are not supported");
    }

    @Override
    public void setListeners(Collection<RecordListener> listeners) {
        throw new UnsupportedOperationException("listeners are not supported");
    }

    @Override
    public void setConf(Configuration conf) {
    }

    @Override
    public Configuration getConf() {
        return null;
    }
}
