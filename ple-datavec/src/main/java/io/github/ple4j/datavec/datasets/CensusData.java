package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.records.RowSplit;
import io.github.ple4j.datavec.records.SelectedRowsRecordReader;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.datavec.schema.LabelStats;
import org.datavec.api.records.reader.RecordReader;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Census-income ready for a model: the pipeline fitted on the training file, the validation/test split of the
 * test file, and streaming iterators over the three parts. Made by {@link CensusIncome.Builder#load()}.
 */
public final class CensusData {
    /**
     * Iterators over the three parts; closing closes their files and threads.
     *
     * @param train census-income.data (or its first rows)
     * @param valid the first half of the shuffled test file, in file order
     * @param test  the second half, in file order
     */
    public record Iterators(CloseableMultiDataSetIterator train, CloseableMultiDataSetIterator valid,
                            CloseableMultiDataSetIterator test) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            valid.close();
            test.close();
        }
    }

    private final Path directory;
    private final CensusIncome.Encoding encoding;
    private final FittedPipeline pipeline;
    private final long rowLimit;
    private final RowSplit split;
    private final boolean prefetch;

    CensusData(Path directory, CensusIncome.Encoding encoding, FittedPipeline pipeline, long rowLimit, long seed,
               int testFileRows, boolean prefetch) {
        this.directory = directory;
        this.encoding = encoding;
        this.pipeline = pipeline;
        this.rowLimit = rowLimit;
        this.split = RowSplit.shuffled(testFileRows, 0.5, seed);
        this.prefetch = prefetch;
    }

    /** The pipeline fitted on the training file; its JSON belongs with a trained model. */
    public FittedPipeline pipeline() {
        return pipeline;
    }

    /** The model input: dense width and (IDS) the nominal fields with their vocabulary sizes. */
    public InputSpec inputSpec() {
        return pipeline.inputSpec();
    }

    /** The encoding of the nominal columns. */
    public CensusIncome.Encoding encoding() {
        return encoding;
    }

    /** Positive rate of each task over the training rows, in task order (income about 0.062, marital 0.433). */
    public Map<String, Double> positiveRates() {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (LabelStats s : pipeline.summary().labels()) {
            rates.put(s.task(), s.mean());
        }
        return rates;
    }

    /** Training rows read (199,523 for the full file). */
    public long trainRows() {
        return pipeline.summary().rows();
    }

    /** Validation rows (49,881 for the full test file). */
    public int validRows() {
        return split.firstSize();
    }

    /** Test rows (49,881 for the full test file). */
    public int testRows() {
        return split.secondSize();
    }

    /** The split of the test file's row positions: first = validation, second = test. */
    public RowSplit split() {
        return split;
    }

    /**
     * Streaming iterators for a model; arrays in the signature's order (see {@link FittedPipeline}).
     *
     * @param signature the model's signature (tasks income and marital)
     * @param batchSize rows per batch
     */
    public Iterators iterators(GraphSignature signature, int batchSize) {
        return new Iterators(
                pipeline.iterator(trainReader(), signature, batchSize, prefetch),
                pipeline.iterator(part(split.first()), signature, batchSize, prefetch),
                pipeline.iterator(part(split.second()), signature, batchSize, prefetch));
    }

    /** Like {@link #iterators(GraphSignature, int)}, first checking that the config's inputs are {@link #inputSpec()}. */
    public Iterators iterators(PleConfig config, int batchSize) {
        pipeline.checkInputs(config.inputs());
        return iterators(new GraphSignature(config), batchSize);
    }

    /** A reader of the training rows. */
    public RecordReader trainReader() {
        return CensusIncome.reader(directory.resolve(CensusIncome.DATA_FILE), rowLimit);
    }

    /** A reader of the validation rows. */
    public RecordReader validReader() {
        return part(split.first());
    }

    /** A reader of the test rows. */
    public RecordReader testReader() {
        return part(split.second());
    }

    private RecordReader part(BitSet rows) {
        return new SelectedRowsRecordReader(CensusIncome.reader(directory.resolve(CensusIncome.TEST_FILE), rowLimit), rows);
    }
}
