package io.github.ple4j.cli.job;

import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.LabelColumn;
import io.github.ple4j.datavec.schema.LabelRule;
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
 */
public record JobConfig(CsvSpec csv, ModelSpec model, Integer batchSize) {
    public JobConfig {
        if (csv == null) {
            throw new IllegalArgumentException("csv must describe the CSV layout but was missing");
        }
        model = model == null ? ModelSpec.defaults() : model;
        batchSize = Validation.atLeast("batchSize", batchSize, 1, 256);
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
            int dim = csv.embeddingDims().getOrDefault(c, csv.embeddingDim());
            b.categorical(new CategoricalFeature(ColumnRef.name(c), CategoricalEncoding.IDS, csv.minCount(), dim, null));
        }
        for (String c : csv.oneHot()) {
            b.categorical(new CategoricalFeature(ColumnRef.name(c), CategoricalEncoding.ONE_HOT, csv.minCount(), 0, null));
        }
        for (LabelSpec l : csv.labels()) {
            LabelRule rule = l.type() == TaskType.REGRESSION ? new LabelRule.Regression()
                    : new LabelRule.Binary(l.positive(), l.negative());
            b.label(new LabelColumn(l.task(), ColumnRef.name(l.column()), rule));
        }
        b.missingLabelValues(csv.missingLabelValues().toArray(String[]::new));
        return b.build();
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

    public JobConfig withModel(ModelSpec m) {
        return new JobConfig(csv, m, batchSize);
    }

    public JobConfig withBatchSize(int b) {
        return new JobConfig(csv, model, b);
    }
}
