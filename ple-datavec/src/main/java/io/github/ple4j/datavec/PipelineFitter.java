package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.BagColumn;
import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FitSummary;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.datavec.schema.LabelStats;
import io.github.ple4j.datavec.schema.TaskLabel;
import org.datavec.api.records.reader.RecordReader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over training records: running mean and variance, value counts (per table: columns sharing a
 * table are counted together; hashed columns are not counted), label counts, truncated bags.
 */
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
        Map<String, Map<String, long[]>> tableCounts = new HashMap<>();
        List<Map<String, long[]>> counts = new ArrayList<>();
        for (RecordPipeline.ResolvedCategorical c : cats) {
            counts.add(c.feature().buckets() > 0 ? null : tableCounts.computeIfAbsent(c.table(), t -> new HashMap<>()));
        }
        long[] truncated = new long[cats.size()];
        List<String> bag = new ArrayList<>();
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
                RecordPipeline.ResolvedCategorical c = cats.get(i);
                BagColumn b = c.feature().bag();
                Map<String, long[]> m = counts.get(i);
                if (b == null) {
                    if (m != null) {
                        m.computeIfAbsent(Fields.text(row, c.index(), p.trim()), k -> new long[1])[0]++;
                    }
                    continue;
                }
                Fields.splitBag(Fields.text(row, c.index(), p.trim()), b.separator(), p.trim(), bag);
                int kept = Math.min(bag.size(), b.maxLength());
                if (bag.size() > kept) {
                    truncated[i]++;
                }
                if (m != null) {
                    for (int j = 0; j < kept; j++) {
                        m.computeIfAbsent(bag.get(j), k -> new long[1])[0]++;
                    }
                }
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
        Map<String, List<String>> vocabularies = new HashMap<>();
        Map<String, Long> truncatedBags = new LinkedHashMap<>();
        for (int i = 0; i < cats.size(); i++) {
            RecordPipeline.ResolvedCategorical c = cats.get(i);
            CategoricalFeature f = c.feature();
            Map<String, long[]> seen = counts.get(i);
            List<String> vocabulary = seen == null ? List.of()
                    : vocabularies.computeIfAbsent(c.table(), t -> vocabulary(seen, f.minCount(), f.maxSize()));
            fitted.add(new FittedCategorical(c.index(), c.name(), c.field(), f.encoding(), f.embeddingDim(), f.minCount(),
                    vocabulary, f.maxSize(), f.buckets(), f.bag(), f.encoding() == CategoricalEncoding.IDS ? c.table() : null));
            if (truncated[i] > 0) {
                truncatedBags.put(c.field(), truncated[i]);
            }
        }
        List<LabelStats> labelStats = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            labelStats.add(new LabelStats(tasks.get(k).name(), labelled[k], sums[k]));
        }
        return new FittedPipeline(new PreprocessorState(FittedPipeline.FORMAT, FittedPipeline.FORMAT_VERSION, columns,
                p.trim(), p.missingLabelValues(), denseStats, fitted, tasks, new FitSummary(rows, labelStats, truncatedBags)));
    }

    /**
     * The values seen at least {@code minCount} times; with {@code maxSize > 0} only the {@code maxSize} most
     * frequent of them (ties broken by value order); sorted by value.
     */
    static List<String> vocabulary(Map<String, long[]> counts, int minCount, int maxSize) {
        java.util.stream.Stream<Map.Entry<String, long[]>> kept = counts.entrySet().stream()
                .filter(e -> e.getValue()[0] >= minCount);
        if (maxSize > 0) {
            kept = kept.sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                    .thenComparing(Map.Entry::getKey)).limit(maxSize);
        }
        return kept.map(Map.Entry::getKey).sorted().toList();
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
            if (t.sampleSpace() != null) {
                max = Math.max(max, t.sampleSpace().column());
            }
        }
        return max;
    }
}
