package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FitSummary;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.datavec.schema.LabelStats;
import io.github.ple4j.datavec.schema.TaskLabel;
import org.datavec.api.records.reader.RecordReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One streaming pass over training records: running mean and variance, value counts, label counts. */
final class PipelineFitter {
    private PipelineFitter() {
    }

    static FittedPipeline fit(RecordPipeline p, RecordReader reader) {
        List<RecordPipeline.Resolved> dense = p.resolvedDense();
        List<RecordPipeline.ResolvedCategorical> cats = p.resolvedCategorical();
        List<TaskLabel> tasks = p.resolvedTasks();
        int maxIndex = maxIndex(p);

        double[] mean = new double[dense.size()];
        double[] m2 = new double[dense.size()];
        List<Map<String, long[]>> counts = new ArrayList<>();
        cats.forEach(c -> counts.add(new HashMap<>()));
        List<LabelReader> labelReaders = tasks.stream()
                .map(t -> new LabelReader(t, p.missingLabelValues(), p.trim())).toList();
        long[] labelled = new long[tasks.size()];
        double[] sums = new double[tasks.size()];

        RecordCursor cursor = new RecordCursor(reader);
        int columns = p.schemaColumns();
        long rows = 0;
        while (cursor.hasNext()) {
            RecordCursor.Row row = cursor.next();
            if (columns == 0) {
                columns = row.values().size();
                if (columns <= maxIndex) {
                    throw new InvalidDataException(row.position(), -1, null, "expected at least " + (maxIndex + 1)
                            + " columns (the pipeline uses column " + (maxIndex + 1) + ") but found " + columns, null);
                }
            }
            Fields.checkWidth(row, columns);
            rows++;
            for (int i = 0; i < dense.size(); i++) {
                RecordPipeline.Resolved d = dense.get(i);
                double x = Fields.number(row, d.index(), d.name(), p.trim(), "", "a finite number");
                // Welford's update: numerically stable in one pass.
                double delta = x - mean[i];
                mean[i] += delta / rows;
                m2[i] += delta * (x - mean[i]);
            }
            for (int i = 0; i < cats.size(); i++) {
                String v = Fields.text(row, cats.get(i).index(), p.trim());
                counts.get(i).computeIfAbsent(v, k -> new long[1])[0]++;
            }
            for (int k = 0; k < tasks.size(); k++) {
                double y = labelReaders.get(k).read(row);
                if (!Double.isNaN(y)) {
                    labelled[k]++;
                    sums[k] += y;
                }
            }
        }
        if (rows == 0) {
            throw new InvalidDataException(cursor.sourceName(), "expected at least one record but found none", null);
        }

        List<DenseStats> denseStats = new ArrayList<>();
        for (int i = 0; i < dense.size(); i++) {
            double std = Math.sqrt(m2[i] / rows);
            denseStats.add(new DenseStats(dense.get(i).index(), dense.get(i).name(), mean[i], std > 0 ? std : 1.0));
        }
        List<FittedCategorical> fitted = new ArrayList<>();
        for (int i = 0; i < cats.size(); i++) {
            RecordPipeline.ResolvedCategorical c = cats.get(i);
            int minCount = c.feature().minCount();
            List<String> vocabulary = counts.get(i).entrySet().stream()
                    .filter(e -> e.getValue()[0] >= minCount).map(Map.Entry::getKey).sorted().toList();
            fitted.add(new FittedCategorical(c.index(), c.name(), c.field(), c.feature().encoding(),
                    c.feature().embeddingDim(), minCount, vocabulary));
        }
        List<LabelStats> labelStats = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            labelStats.add(new LabelStats(tasks.get(k).name(), labelled[k], sums[k]));
        }
        return new FittedPipeline(new PreprocessorState(FittedPipeline.FORMAT, FittedPipeline.FORMAT_VERSION, columns,
                p.trim(), p.missingLabelValues(), denseStats, fitted, tasks, new FitSummary(rows, labelStats)));
    }

    private static int maxIndex(RecordPipeline p) {
        int max = -1;
        for (RecordPipeline.Resolved d : p.resolvedDense()) {
            max = Math.max(max, d.index());
        }
        for (RecordPipeline.ResolvedCategorical c : p.resolvedCategorical()) {
            max = Math.max(max, c.index());
        }
        for (TaskLabel t : p.resolvedTasks()) {
            max = Math.max(max, t.column());
        }
        return max;
    }
}
