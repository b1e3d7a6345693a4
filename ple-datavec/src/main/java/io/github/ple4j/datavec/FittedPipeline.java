package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FitSummary;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.datavec.schema.TaskLabel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.graph.GraphSignature;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A pipeline fitted on training records: immutable, serialisable to JSON, and the source of MultiDataSet
 * iterators for a model.
 *
 * <p>Arrays of one batch of B records, in the order of the model's {@link GraphSignature}:
 * <ul>
 *   <li>{@link GraphSignature#DENSE} [B, F], F = {@code inputSpec().denseSize()}: the standardised numeric
 *       columns {@code (x - mean) / std}, then per one-hot column a block of V + 1 slots (slot 0 for a value
 *       outside the vocabulary, slot i for the value with id i) — names in {@link #denseFeatureNames()};</li>
 *   <li>{@link GraphSignature#CATEGORICAL} [B, C], INT64: per single-valued id column its id: 0 for a value
 *       outside the vocabulary, 1..V otherwise; a hashed column's bucket 0..buckets-1;</li>
 *   <li>per multi-valued column ({@link GraphSignature#bag}) [B, L], INT64: each row's ids (at most the column's
 *       maxLength) followed by -1 up to L, the batch's longest bag;</li>
 *   <li>labels: one [B, 1] per task (0/1 for binary tasks, 0 where the label is missing);</li>
 *   <li>label masks: one [B, 1] per task, 1 where the record has that task's label and 0 where the label
 *       column holds a missing-label value or the record is outside the task's sample space (only that task's
 *       mask is 0; paper Eq. 9).</li>
 * </ul>
 * Dense, label and mask arrays are FLOAT.
 */
public final class FittedPipeline {
    /** The "format" field of the JSON form. */
    public static final String FORMAT = "ple4j-datavec-pipeline";
    /** The JSON format version this class writes and the newest it reads. */
    public static final int FORMAT_VERSION = 2;
    /** Batches a prefetching iterator holds ahead. */
    public static final int PREFETCH_BATCHES = 4;

    private final PreprocessorState state;
    private final InputSpec inputSpec;
    private final RowEncoder encoder;

    FittedPipeline(PreprocessorState state) {
        this.state = state;
        this.encoder = new RowEncoder(state);
        List<CategoricalField> fields = new ArrayList<>();
        for (FittedCategorical c : state.categorical()) {
            if (c.encoding() == CategoricalEncoding.IDS) {
                CategoricalField f = new CategoricalField(c.field(), c.vocabularySize(), c.embeddingDim(), c.table(), null);
                fields.add(c.multiValued() ? f.asBag(c.bag().maxLength(), c.bag().pooling()) : f);
            }
        }
        this.inputSpec = new InputSpec(encoder.denseWidth(), fields);
    }

    /** The model input this pipeline produces: dense width F and one categorical field per id-encoded column. */
    public InputSpec inputSpec() {
        return inputSpec;
    }

    /** Task names, in the order the labels were declared. */
    public List<String> taskNames() {
        return state.tasks().stream().map(TaskLabel::name).toList();
    }

    /** Tasks with their label columns and rules (the rule's {@code taskType()} is the model's task type). */
    public List<TaskLabel> tasks() {
        return state.tasks();
    }

    /** Fitted numeric columns, in dense-vector order. */
    public List<DenseStats> denseStats() {
        return state.dense();
    }

    /** Fitted categorical columns, in the order declared. */
    public List<FittedCategorical> categorical() {
        return state.categorical();
    }

    /** Names of the F dense slots: numeric column names, then {@code field#oov} and {@code field=value} per one-hot block. */
    public List<String> denseFeatureNames() {
        return encoder.denseFeatureNames();
    }

    /** Number of columns every record must have. */
    public int columnCount() {
        return state.columnCount();
    }

    /** Whether fields are stripped of surrounding white space. */
    public boolean trim() {
        return state.trim();
    }

    /** Texts that mean "no label" (mask 0). */
    public List<String> missingLabelValues() {
        return state.missingLabelValues();
    }

    /** Training rows and per-task label counts seen while fitting. */
    public FitSummary summary() {
        return state.summary();
    }

    /** The JSON form, with {@code "format"} and {@code "formatVersion"} fields; {@link #fromJson} reads it back. */
    public String toJson() {
        return PreprocessorJson.write(state);
    }

    /** Reads the JSON form written by {@link #toJson()}. */
    public static FittedPipeline fromJson(String json) {
        return fromJson(json, "pipeline JSON");
    }

    /**
     * Reads the JSON form written by {@link #toJson()}.
     *
     * @param json   the JSON text
     * @param source where it came from, for messages (a file name, "bundle preprocessor.json", ...)
     * @throws IllegalArgumentException naming the source and the problem: not JSON, another format, a newer
     *                                  format version, a missing or unknown field, an inconsistent pipeline
     */
    public static FittedPipeline fromJson(String json, String source) {
        return new FittedPipeline(PreprocessorJson.read(json, source));
    }

    /**
     * A prefetching iterator over the reader's records in batches; see {@link #iterator(RecordReader, GraphSignature, int, boolean)}.
     */
    public CloseableMultiDataSetIterator iterator(RecordReader reader, GraphSignature signature, int batchSize) {
        return iterator(reader, signature, batchSize, true);
    }

    /**
     * An iterator over the reader's records, {@code batchSize} at a time (the last batch may be smaller), with
     * arrays in the order of {@code signature} (see the class comment). Streams: one batch of records is held
     * at a time. {@code reset()} resets the reader; {@code close()} closes it.
     *
     * <p>The signature's tasks must be this pipeline's tasks (in any order: labels follow the signature's
     * order) and its feature inputs must be the arrays this pipeline produces. A signature does not carry the
     * model's InputSpec; {@link #iterator(RecordReader, PleConfig, int, boolean)} checks that too.
     *
     * @param reader    records with {@link #columnCount()} columns
     * @param signature the model's signature
     * @param batchSize records per batch, at least 1
     * @param prefetch  read batches ahead on a background thread ({@link PrefetchIterator})
     * @throws IllegalArgumentException if the signature does not fit this pipeline
     */
    public CloseableMultiDataSetIterator iterator(RecordReader reader, GraphSignature signature, int batchSize,
                                                  boolean prefetch) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(signature, "signature");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        checkFeatureInputs(signature);
        List<String> tasks = taskNames();
        List<String> modelTasks = signature.tasks();
        if (modelTasks.size() != tasks.size() || !new HashSet<>(modelTasks).equals(new HashSet<>(tasks))) {
            throw new IllegalArgumentException("the model's tasks " + modelTasks + " do not match this pipeline's tasks "
                    + tasks);
        }
        int[] order = modelTasks.stream().mapToInt(tasks::indexOf).toArray();
        RecordBatchIterator it = new RecordBatchIterator(encoder, reader, signature, order, batchSize);
        return prefetch ? new PrefetchIterator(it, PREFETCH_BATCHES) : it;
    }

    /**
     * Feature arrays for records at serving time, in the order of the signature's feature inputs (as
     * {@code PleModel.predict(INDArray...)} takes them), with the same transformation as training. Records have
     * {@link #columnCount()} columns like the training data; label columns are not read (they may be empty).
     *
     * @param records   the records, B of them (at least one)
     * @param signature the model's signature
     * @return the dense matrix [B, F], the categorical-id matrix [B, C] and the bag arrays, those the model reads
     * @throws InvalidDataException naming the record (1-based) and column for bad values
     */
    public INDArray[] features(List<List<Writable>> records, GraphSignature signature) {
        checkFeatureInputs(signature);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("records must have at least one record but was empty");
        }
        RowEncoder.Batch b = encoder.newBatch(records.size());
        for (int r = 0; r < records.size(); r++) {
            encoder.encodeFeatures(new RecordCursor.Row(records.get(r), new RecordPosition("records", 0, r + 1)), b, r);
        }
        return RecordBatchIterator.features(encoder, signature.featureInputs(), b, records.size());
    }

    private void checkFeatureInputs(GraphSignature signature) {
        List<String> expected = new ArrayList<>();
        if (inputSpec.denseSize() > 0) {
            expected.add(GraphSignature.DENSE);
        }
        if (inputSpec.hasCategorical()) {
            expected.add(GraphSignature.CATEGORICAL);
        }
        inputSpec.bags().forEach(f -> expected.add(GraphSignature.bag(f.name())));
        if (!signature.featureInputs().equals(expected)) {
            throw new IllegalArgumentException("the model reads the feature arrays " + signature.featureInputs()
                    + " but this pipeline produces " + expected + " (dense size " + inputSpec.denseSize() + ", "
                    + inputSpec.categorical().size() + " categorical fields)");
        }
    }

    /** Like {@link #iterator(RecordReader, PleConfig, int, boolean)} with prefetching. */
    public CloseableMultiDataSetIterator iterator(RecordReader reader, PleConfig config, int batchSize) {
        return iterator(reader, config, batchSize, true);
    }

    /**
     * An iterator for a model config: checks that the config's inputs equal {@link #inputSpec()} (dense size,
     * field names, vocabulary sizes, embedding widths), then as
     * {@link #iterator(RecordReader, GraphSignature, int, boolean)} with the config's signature.
     */
    public CloseableMultiDataSetIterator iterator(RecordReader reader, PleConfig config, int batchSize, boolean prefetch) {
        checkInputs(config.inputs());
        return iterator(reader, new GraphSignature(config), batchSize, prefetch);
    }

    /**
     * Checks that a model's inputs are the ones this pipeline produces.
     *
     * @throws IllegalArgumentException naming the first difference
     */
    public void checkInputs(InputSpec modelInputs) {
        if (modelInputs.equals(inputSpec)) {
            return;
        }
        if (modelInputs.denseSize() != inputSpec.denseSize()) {
            throw new IllegalArgumentException("inputs.denseSize: the model has " + modelInputs.denseSize()
                    + " but this pipeline produces " + inputSpec.denseSize());
        }
        List<CategoricalField> a = modelInputs.categorical();
        List<CategoricalField> b = inputSpec.categorical();
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("inputs.categorical: the model has " + a.size()
                    + " fields but this pipeline produces " + b.size());
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                throw new IllegalArgumentException("inputs.categorical[" + i + "]: the model has " + a.get(i)
                        + " but this pipeline produces " + b.get(i));
            }
        }
        throw new IllegalArgumentException("the model's inputs " + modelInputs + " differ from this pipeline's " + inputSpec);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FittedPipeline f && f.state.equals(state);
    }

    @Override
    public int hashCode() {
        return state.hashCode();
    }

    @Override
    public String toString() {
        return "FittedPipeline[tasks=" + taskNames() + ", inputs=" + inputSpec + ", trainingRows=" + state.summary().rows() + "]";
    }
}
