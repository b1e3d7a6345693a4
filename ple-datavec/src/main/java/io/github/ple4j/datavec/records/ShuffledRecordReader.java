package io.github.ple4j.datavec.records;

import io.github.ple4j.model.train.EpochAware;
import org.datavec.api.records.Record;
import org.datavec.api.records.reader.RecordReader;

import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Streams another reader's records in a shuffled order through a buffer of {@code bufferSize} records (as
 * {@code tf.data}'s shuffle buffer): the buffer is filled first, then every record handed out is drawn uniformly
 * from the buffer and its place is taken by the next record of the source; at the end the buffer is drained in
 * random order. A buffer as large as the data shuffles it fully; a smaller one mixes records within about
 * {@code bufferSize} of each other, which breaks the order of logs sorted by time or user at a memory cost of
 * {@code bufferSize} records.
 *
 * <p>The order is a function of the seed, the epoch and the source's order: {@link #startEpoch(int)} (and
 * {@link #reset()}, which moves to the next epoch) restart with the epoch's random stream, and pass the epoch on to
 * a source that is {@link EpochAware} (so a {@link ShardedCsvReader} reorders its shards too). Reading an epoch
 * again gives the same records in the same order, so a run resumed from a checkpoint mid-epoch sees exactly the
 * batches the interrupted run would have.
 */
public final class ShuffledRecordReader extends ForwardingRecordReader implements EpochAware {
    private static final long serialVersionUID = 1L;

    private final int bufferSize;
    private final long seed;
    private transient Record[] buffer;
    private transient int size;
    private transient boolean filled;
    private transient SplittableRandom rng;
    private int epoch;

    /**
     * @param source     the records to shuffle
     * @param bufferSize records held, at least 1 (1 keeps the source's order)
     * @param seed       the shuffle seed
     */
    public ShuffledRecordReader(RecordReader source, int bufferSize, long seed) {
        super(source);
        if (bufferSize < 1) {
            throw new IllegalArgumentException("the shuffle buffer must hold at least 1 record but was " + bufferSize);
        }
        this.bufferSize = bufferSize;
        this.seed = seed;
        begin(0);
    }

    /** A seed for a stream of the given epoch: SplitMix64's finaliser over the seed and the epoch. */
    static long mix(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void begin(int epoch) {
        this.epoch = epoch;
        this.buffer = new Record[Math.min(bufferSize, 1 << 16)];
        this.size = 0;
        this.filled = false;
        this.rng = new SplittableRandom(mix(seed, epoch));
    }

    @Override
    public void startEpoch(int epoch) {
        if (delegate instanceof EpochAware e) {
            e.startEpoch(epoch);
        } else {
            delegate.reset();
        }
        begin(epoch);
    }

    /** Starts the next epoch. */
    @Override
    public void reset() {
        startEpoch(epoch + 1);
    }

    @Override
    public boolean resetSupported() {
        return delegate.resetSupported();
    }

    private void fill() {
        if (filled) {
            return;
        }
        while (size < bufferSize && delegate.hasNext()) {
            if (size == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(bufferSize, buffer.length * 2));
            }
            buffer[size++] = delegate.nextRecord();
        }
        filled = true;
    }

    @Override
    public boolean hasNext() {
        fill();
        return size > 0;
    }

    @Override
    public Record nextRecord() {
        fill();
        if (size == 0) {
            throw new NoSuchElementException("no more records");
        }
        int j = rng.nextInt(size);
        Record out = buffer[j];
        if (delegate.hasNext()) {
            buffer[j] = delegate.nextRecord();
        } else {
            buffer[j] = buffer[--size];
            buffer[size] = null;
        }
        return out;
    }

    /** The buffer size in records. */
    public int bufferSize() {
        return bufferSize;
    }
}
