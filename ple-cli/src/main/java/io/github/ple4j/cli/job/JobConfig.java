package io.github.ple4j.cli.job;

import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.schema.BagColumn;
import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.LabelColumn;
import io.github.ple4j.datavec.schema.LabelRule;
import io.github.ple4j.datavec.schema.SampleSpace;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.datavec.api.transform.schema.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * A training job: the CSV layout and column roles, the model, and the batch size. Read from JSON by
 * {@link JobJson}; every default is filled in, so the JSON written back ({@link JobJson#toJson}) is complete and
 * is what a trained model bundle stores (attachment {@code "job"}).
 *
 * @param csv       the CSV layout
 * @param model     the model (inputs come from the fitted pipeline)
 * @param batchSize rows per training and evaluation batch (default 256)
 * @param shuffle   the order of the training rows (default: a {@value ShuffleSpec#DEFAULT_BUFFER_ROWS}-row shuffle
 *                  buffer seeded with the model's seed, shards reordered every epoch)
 */
public record JobConfig(CsvSpec csv, ModelSpec model, Integer batchSize, ShuffleSpec shuffle) {
    public JobConfig {
        if (csv == null) {
            throw new IllegalArgumentException("csv must describe the CSV layout but was missing");
        }
        model = model == null ? ModelSpec.defaults() : model;
        batchSize = Validation.atLeast("batchSize", batchSize, 1, 256);
        shuffle = shuffle == null ? ShuffleSpec.defaults() : shuffle;
        List<String> tasks = csv.taskNames();
        for (int i = 0; i < model.tasks().size(); i++) {
            String name = model.tasks().get(i).name();
            if (!tasks.contains(name)) {
                throw new IllegalArgumentException("model.tasks[" + i + "].name is '" + name
                        + "' but the tasks (csv.labels) are " + tasks);
            }
        }
    }

    /**
     * The DataVec pipeline for files with these columns.
     *
     * @param columnNames the file's column names, in order (from the header or {@code csv.columns})
     */
    public RecordPipeline pipeline(List<String> columnNames) {
        Schema.Builder schema = new Schema.Builder();
        for (String c : columnNames) {
            schema.addColumnString(c);
        }
        RecordPipeline.Builder b = RecordPipeline.builder().schema(schema.build());
        b.dense(csv.dense().toArray(String[]::new));
        for (String c : csv.ids()) {
            b.categorical(idFeature(c));
        }
        for (String c : csv.bags()) {
            b.categorical(idFeature(c).withBag(new BagColumn(csv.separators().getOrDefault(c, csv.separator()),
                    csv.maxBagLength(), csv.bagPooling())));
        }
        for (String c : csv.oneHot()) {
            b.categorical(new CategoricalFeature(ColumnRef.name(c), CategoricalEncoding.ONE_HOT, csv.minCount(), 0, null)
                    .withMaxSize(csv.maxVocabulary()));
        }
        for (int i = 0; i < csv.labels().size(); i++) {
            LabelSpec l = csv.labels().get(i);
            LabelRule rule = l.type() == TaskType.REGRESSION ? new LabelRule.Regression()
                    : new LabelRule.Binary(l.positive(), l.negative());
            LabelColumn label = new LabelColumn(l.task(), ColumnRef.name(l.column()), rule);
            if (l.sampleSpace() != null) {
                if (!columnNames.contains(l.sampleSpace().column())) {
                    throw new IllegalArgumentException("csv.labels[" + i + "].sampleSpace.column names the column '"
                            + l.sampleSpace().column() + "' but the data has no such column; its columns are " + columnNames);
                }
                label = label.withSampleSpace(new SampleSpace(ColumnRef.name(l.sampleSpace().column()),
                        l.sampleSpace().values()));
            }
            b.label(label);
        }
        b.missingLabelValues(csv.missingLabelValues().toArray(String[]::new));
        return b.build();
    }

    private CategoricalFeature idFeature(String c) {
        int dim = csv.embeddingDims().getOrDefault(c, csv.embeddingDim());
        Integer buckets = csv.buckets().get(c);
        CategoricalFeature f = new CategoricalFeature(ColumnRef.name(c), CategoricalEncoding.IDS,
                buckets != null ? 1 : csv.minCount(), dim, null, buckets != null ? 0 : csv.maxVocabulary(),
                buckets != null ? buckets : 0, null, null);
        String table = csv.tables().get(c);
        return table != null ? f.withTable(table) : f;
    }

    /**
     * The model config: the fitted pipeline's inputs, one task per label (in label order) with its tower.
     *
     * @throws IllegalArgumentException naming the field when the combination is invalid
     */
    public PleConfig modelConfig(FittedPipeline fitted) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (LabelSpec l : csv.labels()) {
            TaskTower t = model.tasks().stream().filter(x -> x.name().equals(l.task())).findFirst().orElse(null);
            List<Integer> tower = t != null && t.towerHidden() != null ? t.towerHidden() : model.towerHidden();
            double weight = t != null && t.lossWeight() != null ? t.lossWeight() : 1.0;
            tasks.add(new TaskSpec(l.task(), l.type(), weight, tower));
        }
        return new PleConfig(fitted.inputSpec(), tasks, model.extraction(), model.gate(), model.dropout(), model.l2(),
                model.seed(), model.dataType(), model.training());
    }

    /** A job with the default shuffle. */
    public JobConfig(CsvSpec csv, ModelSpec model, Integer batchSize) {
        this(csv, model, batchSize, null);
    }

    public JobConfig withModel(ModelSpec m) {
        return new JobConfig(csv, m, batchSize, shuffle);
    }

    public JobConfig withBatchSize(int b) {
        return new JobConfig(csv, model, b, shuffle);
    }

    public JobConfig withShuffle(ShuffleSpec s) {
        return new JobConfig(csv, model, batchSize, s);
    }

    /** The seed of the training order: the shuffle's, or the model's. */
    public long shuffleSeed() {
        return shuffle.seed() != null ? shuffle.seed() : model.seed();
    }
}
