package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.Columns;
import io.github.ple4j.datavec.schema.LabelColumn;
import io.github.ple4j.datavec.schema.LabelRule;
import io.github.ple4j.datavec.schema.Names;
import io.github.ple4j.datavec.schema.SampleSpace;
import io.github.ple4j.datavec.schema.TaskLabel;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.transform.schema.Schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do with each column of a record, before fitting: dense numeric features (standardised), categorical
 * features (ids for embeddings, or one-hot in the dense vector), one label column per task, and how a missing
 * label is written. Columns not named are ignored. Immutable; built with {@link #builder()} and fitted on
 * training records with {@link #fit(RecordReader)}.
 *
 * <p>The dense vector [B, F] is laid out as: the dense numeric columns in the order given, then one block per
 * one-hot column in the order given (slot 0 of a block is the out-of-vocabulary slot). The categorical-id
 * matrix [B, C] has one column per id-encoded column, in the order given.
 */
public final class RecordPipeline {
    /** A column resolved to its 0-based index and (if a schema gave one) its name. */
    record Resolved(int index, String name) {
    }

    /** A categorical column resolved, with its field name. */
    record ResolvedCategorical(int index, String name, String field, CategoricalFeature feature) {
        /** The table: the one named, or the field's own. */
        String table() {
            return feature.table() != null ? feature.table() : field;
        }
    }

    private final Schema schema;
    private final List<ColumnRef> dense;
    private final List<CategoricalFeature> categorical;
    private final List<LabelColumn> labels;
    private final List<String> missingLabelValues;
    private final boolean trim;

    private final List<Resolved> resolvedDense = new ArrayList<>();
    private final List<ResolvedCategorical> resolvedCategorical = new ArrayList<>();
    private final List<TaskLabel> resolvedTasks = new ArrayList<>();

    private RecordPipeline(Builder b) {
        this.schema = b.schema;
        this.dense = List.copyOf(b.dense);
        this.categorical = List.copyOf(b.categorical);
        this.labels = List.copyOf(b.labels);
        this.missingLabelValues = List.copyOf(new LinkedHashSet<>(b.missingLabelValues));
        this.trim = b.trim;
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("the pipeline needs at least one label column (one per task) but has none");
        }
        if (dense.isEmpty() && categorical.isEmpty()) {
            throw new IllegalArgumentException("the pipeline needs at least one dense or categorical feature but has none");
        }
        Map<Integer, String> used = new HashMap<>();
        for (ColumnRef c : dense) {
            Resolved r = resolve("dense feature", c);
            claim(used, r, "a dense feature");
            resolvedDense.add(r);
        }
        Map<String, String> fields = new HashMap<>();
        Map<String, ResolvedCategorical> tables = new HashMap<>();
        for (CategoricalFeature f : categorical) {
            Resolved r = resolve("categorical feature", f.column());
            claim(used, r, "a categorical feature");
            String field = f.field() != null ? f.field()
                    : Names.sanitise(r.name() != null ? r.name() : Columns.defaultName(r.index()));
            String other = fields.put(field, describe(r));
            if (other != null) {
                throw new IllegalArgumentException("categorical columns " + other + " and " + describe(r)
                        + " both have the field name '" + field + "'; set one with CategoricalFeature.withField");
            }
            ResolvedCategorical rc = new ResolvedCategorical(r.index(), r.name(), field, f);
            if (f.encoding() == CategoricalEncoding.IDS) {
                checkSharedTable(tables.putIfAbsent(rc.table(), rc), rc);
            }
            resolvedCategorical.add(rc);
        }
        Map<String, Boolean> tasks = new HashMap<>();
        for (LabelColumn l : labels) {
            if (tasks.put(l.task(), true) != null) {
                throw new IllegalArgumentException("the task '" + l.task() + "' has two label columns");
            }
            if (l.rule() instanceof LabelRule.Binary rule) {
                for (String v : missingLabelValues) {
                    if (rule.positive().contains(v) || rule.negative().contains(v)) {
                        throw new IllegalArgumentException("task '" + l.task() + "': the value '" + v + "' is both a "
                                + (rule.positive().contains(v) ? "positive" : "negative") + " label and a missing-label value");
                    }
                }
            }
            Resolved r = resolve("task '" + l.task() + "'", l.column());
            claim(used, r, "the label of task '" + l.task() + "'");
            TaskLabel.Space space = null;
            if (l.sampleSpace() != null) {
                SampleSpace ss = l.sampleSpace();
                Resolved sr = resolve("task '" + l.task() + "' sample space", ss.column());
                if (sr.index() == r.index()) {
                    throw new IllegalArgumentException("task '" + l.task() + "': the sample space is decided by the task's "
                            + "own label column " + describe(r) + "; name another column (the one that defines where the "
                            + "task exists, e.g. the click column for a conversion task)");
                }
                space = new TaskLabel.Space(sr.index(), sr.name(), ss.values());
            }
            resolvedTasks.add(new TaskLabel(l.task(), r.index(), r.name(), l.rule(), space));
        }
    }

    private Resolved resolve(String what, ColumnRef ref) {
        if (ref instanceof ColumnRef.Named n) {
            if (schema == null) {
                throw new IllegalArgumentException(what + ": column " + n.describe()
                        + " is addressed by name but the pipeline has no schema; give a schema or address the column by index");
            }
            if (!schema.hasColumn(n.name())) {
                throw new IllegalArgumentException(what + ": column " + n.describe() + " is not in the schema; its "
                        + schema.numColumns() + " columns are " + Fields.quoted(schema.getColumnNames()));
            }
            return new Resolved(schema.getIndexOfColumn(n.name()), n.name());
        }
        int index = ((ColumnRef.Indexed) ref).index();
        if (schema == null) {
            return new Resolved(index, null);
        }
        if (index >= schema.numColumns()) {
            throw new IllegalArgumentException(what + ": column index " + index + " is outside the schema, which has "
                    + schema.numColumns() + " columns (indices 0.." + (schema.numColumns() - 1) + ")");
        }
        return new Resolved(index, schema.getName(index));
    }

    /** Columns that share a table share its vocabulary, so they must agree on how it is built. */
    private static void checkSharedTable(ResolvedCategorical first, ResolvedCategorical c) {
        if (first == null) {
            return;
        }
        CategoricalFeature a = first.feature();
        CategoricalFeature b = c.feature();
        String both = "categorical columns " + describe(new Resolved(first.index(), first.name())) + " and "
                + describe(new Resolved(c.index(), c.name())) + " share the table '" + c.table() + "' but ";
        if (a.embeddingDim() != b.embeddingDim()) {
            throw new IllegalArgumentException(both + "have embeddingDim " + a.embeddingDim() + " and " + b.embeddingDim());
        }
        if (a.buckets() != b.buckets()) {
            throw new IllegalArgumentException(both + "have buckets " + a.buckets() + " and " + b.buckets());
        }
        if (a.minCount() != b.minCount() || a.maxSize() != b.maxSize()) {
            throw new IllegalArgumentException(both + "have minCount " + a.minCount() + " and " + b.minCount()
                    + ", maxSize " + a.maxSize() + " and " + b.maxSize() + "; one vocabulary is fitted for the table");
        }
    }

    private static void claim(Map<Integer, String> used, Resolved r, String role) {
        String before = used.put(r.index(), role);
        if (before != null) {
            throw new IllegalArgumentException("column " + describe(r) + " is used twice: as " + before + " and as " + role);
        }
    }

    private static String describe(Resolved r) {
        return r.name() != null ? "'" + r.name() + "'" : "index " + r.index();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Streams once over the training records and fits the standardisation (mean, population std; std 0 becomes
     * 1), the vocabularies (values seen at least minCount times, sorted; id 0 is out-of-vocabulary) and the label
     * counts. Every record is checked: column count, numbers, closed label sets. The reader is read to its end
     * from where it is; it is not reset or closed.
     *
     * @param train training records
     * @return the fitted, immutable pipeline
     * @throws InvalidDataException naming file, line and column for bad data, or when there is no record
     */
    public FittedPipeline fit(RecordReader train) {
        return PipelineFitter.fit(this, train);
    }

    /** The schema columns are resolved against, if any. */
    public Optional<Schema> schema() {
        return Optional.ofNullable(schema);
    }

    /** Dense numeric columns, in dense-vector order. */
    public List<ColumnRef> dense() {
        return dense;
    }

    /** Categorical columns, in the order given. */
    public List<CategoricalFeature> categorical() {
        return categorical;
    }

    /** Label columns, in task order. */
    public List<LabelColumn> labels() {
        return labels;
    }

    /** Texts that mean "no label for this task" (mask 0). */
    public List<String> missingLabelValues() {
        return missingLabelValues;
    }

    /** Whether fields are stripped of surrounding white space before use. */
    public boolean trim() {
        return trim;
    }

    List<Resolved> resolvedDense() {
        return resolvedDense;
    }

    List<ResolvedCategorical> resolvedCategorical() {
        return resolvedCategorical;
    }

    List<TaskLabel> resolvedTasks() {
        return resolvedTasks;
    }

    /** Number of columns a record must have: the schema's, or 0 when the first training record decides. */
    int schemaColumns() {
        return schema == null ? 0 : schema.numColumns();
    }

    /** Builds a {@link RecordPipeline}. Columns by name need {@link #schema(Schema)}. */
    public static final class Builder {
        private Schema schema;
        private final List<ColumnRef> dense = new ArrayList<>();
        private final List<CategoricalFeature> categorical = new ArrayList<>();
        private final List<LabelColumn> labels = new ArrayList<>();
        private List<String> missingLabelValues = List.of("");
        private boolean trim = true;

        private Builder() {
        }

        /** The schema that names the columns (and fixes how many a record has). */
        public Builder schema(Schema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** Dense numeric features by name, standardised with training mean and std. */
        public Builder dense(String... columns) {
            for (String c : columns) {
                dense.add(ColumnRef.name(c));
            }
            return this;
        }

        /** Dense numeric features by 0-based index. */
        public Builder dense(int... columns) {
            for (int c : columns) {
                dense.add(ColumnRef.index(c));
            }
            return this;
        }

        /** Categorical features encoded as ids for embeddings of width {@link CategoricalFeature#DEFAULT_EMBEDDING_DIM}. */
        public Builder ids(String... columns) {
            for (String c : columns) {
                categorical.add(CategoricalFeature.ids(ColumnRef.name(c), CategoricalFeature.DEFAULT_EMBEDDING_DIM));
            }
            return this;
        }

        /** Categorical features encoded as ids for embeddings of the given width. */
        public Builder ids(int embeddingDim, String... columns) {
            for (String c : columns) {
                categorical.add(CategoricalFeature.ids(ColumnRef.name(c), embeddingDim));
            }
            return this;
        }

        /** Categorical features encoded one-hot in the dense vector. */
        public Builder oneHot(String... columns) {
            for (String c : columns) {
                categorical.add(CategoricalFeature.oneHot(ColumnRef.name(c)));
            }
            return this;
        }

        /** A categorical feature with every option (column by name or index, encoding, min count, field name). */
        public Builder categorical(CategoricalFeature feature) {
            categorical.add(Objects.requireNonNull(feature, "feature"));
            return this;
        }

        /** Categorical features by name with one encoding (embedding width {@link CategoricalFeature#DEFAULT_EMBEDDING_DIM}). */
        public Builder categorical(CategoricalEncoding encoding, Collection<String> columns) {
            for (String c : columns) {
                categorical.add(encoding == CategoricalEncoding.IDS
                        ? CategoricalFeature.ids(ColumnRef.name(c), CategoricalFeature.DEFAULT_EMBEDDING_DIM)
                        : CategoricalFeature.oneHot(ColumnRef.name(c)));
            }
            return this;
        }

        /** A binary task: the given values are positive, every other value negative. */
        public Builder binaryLabel(String task, String column, Collection<String> positive) {
            return label(new LabelColumn(task, ColumnRef.name(column), new LabelRule.Binary(List.copyOf(positive), List.of())));
        }

        /** A binary task with a closed set of values: any value neither positive nor negative is an error. */
        public Builder binaryLabel(String task, String column, Collection<String> positive, Collection<String> negative) {
            return label(new LabelColumn(task, ColumnRef.name(column),
                    LabelRule.Binary.closed(List.copyOf(positive), List.copyOf(negative))));
        }

        /**
         * Restricts a declared task to a sample space (paper Eq. 9): its mask is 1 only on rows whose
         * {@code space.column()} holds one of {@code space.values()} (and whose label is not missing).
         */
        public Builder sampleSpace(String task, SampleSpace space) {
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).task().equals(task)) {
                    labels.set(i, labels.get(i).withSampleSpace(space));
                    return this;
                }
            }
            throw new IllegalArgumentException("sampleSpace: no task '" + task + "' has been declared; the tasks are "
                    + labels.stream().map(LabelColumn::task).toList());
        }

        /** A regression task: the column is a number. */
        public Builder regressionLabel(String task, String column) {
            return label(new LabelColumn(task, ColumnRef.name(column), new LabelRule.Regression()));
        }

        /** A task label with every option (column by name or index). */
        public Builder label(LabelColumn label) {
            labels.add(Objects.requireNonNull(label, "label"));
            return this;
        }

        /**
         * Texts (compared after trimming) that mean a record has no label for a task: mask 0 for that task only
         * (paper Eq. 9). Default: the empty string. Call with no argument to allow no missing labels.
         */
        public Builder missingLabelValues(String... values) {
            this.missingLabelValues = List.of(values);
            return this;
        }

        /** Whether to strip white space around every field (default true). */
        public Builder trim(boolean trim) {
            this.trim = trim;
            return this;
        }

        /**
         * Validates and resolves the columns.
         *
         * @throws IllegalArgumentException naming the column and role: a name not in the schema, a column used
         *                                  twice, no task, no feature
         */
        public RecordPipeline build() {
            return new RecordPipeline(this);
        }

        /** {@code build().fit(train)}. */
        public FittedPipeline fit(RecordReader train) {
            return build().fit(train);
        }
    }
}
