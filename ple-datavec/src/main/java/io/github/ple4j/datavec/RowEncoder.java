package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.Columns;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.model.config.IdHashing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns records into rows of the dense, id, bag, label and mask arrays with the fitted statistics. */
final class RowEncoder {
    /** Row-major buffers for up to {@code capacity} rows. */
    static final class Batch {
        final int capacity;
        final float[] dense;
        final long[] ids;
        /** Per bag field: {@code capacity x maxLength} ids, the first {@code bagLength[f][r]} of row r in use. */
        final long[][] bags;
        final int[][] bagLength;
        final float[][] labels;
        final float[][] masks;

        Batch(int capacity, int denseWidth, int idWidth, int[] bagMax, int tasks) {
            this.capacity = capacity;
            this.dense = new float[capacity * denseWidth];
            this.ids = new long[capacity * idWidth];
            this.bags = new long[bagMax.length][];
            this.bagLength = new int[bagMax.length][capacity];
            for (int f = 0; f < bagMax.length; f++) {
                bags[f] = new long[capacity * bagMax[f]];
            }
            this.labels = new float[tasks][capacity];
            this.masks = new float[tasks][capacity];
        }
    }

    private final PreprocessorState state;
    private final int denseWidth;
    private final int idWidth;
    /** Per categorical column: offset of its one-hot block in the dense row, or -1. */
    private final int[] oneHotOffset;
    /** Per categorical column: its column in the id matrix, its bag field index, or -1. */
    private final int[] idColumn;
    private final int[] bagField;
    /** Per bag field: its maxLength. */
    private final int[] bagMax;
    private final List<String> bagNames;
    private final List<StringIds> ids = new ArrayList<>();
    private final LabelReader[] labels;

    RowEncoder(PreprocessorState state) {
        this.state = state;
        List<FittedCategorical> cats = state.categorical();
        oneHotOffset = new int[cats.size()];
        idColumn = new int[cats.size()];
        bagField = new int[cats.size()];
        int offset = state.dense().size();
        int idCount = 0;
        List<Integer> bagLengths = new ArrayList<>();
        Map<String, StringIds> shared = new HashMap<>();
        List<String> bagNames = new ArrayList<>();
        for (int i = 0; i < cats.size(); i++) {
            FittedCategorical c = cats.get(i);
            oneHotOffset[i] = -1;
            idColumn[i] = -1;
            bagField[i] = -1;
            if (c.encoding() == CategoricalEncoding.ONE_HOT) {
                oneHotOffset[i] = offset;
                offset += c.vocabularySize();
            } else if (c.multiValued()) {
                bagField[i] = bagLengths.size();
                bagLengths.add(c.bag().maxLength());
                bagNames.add(c.field());
            } else {
                idColumn[i] = idCount++;
            }
            // Columns sharing a table hold equal vocabularies: one map serves them all.
            ids.add(c.hashed() ? null : shared.computeIfAbsent(c.table(), t -> new StringIds(c.vocabulary())));
        }
        this.denseWidth = offset;
        this.idWidth = idCount;
        this.bagMax = bagLengths.stream().mapToInt(Integer::intValue).toArray();
        this.bagNames = List.copyOf(bagNames);
        this.labels = state.tasks().stream()
                .map(t -> new LabelReader(t, state.missingLabelValues(), state.trim())).toArray(LabelReader[]::new);
    }

    int denseWidth() {
        return denseWidth;
    }

    int idWidth() {
        return idWidth;
    }

    /** Number of bag fields (each has an array of its own). */
    int bagFields() {
        return bagMax.length;
    }

    int tasks() {
        return labels.length;
    }

    Batch newBatch(int capacity) {
        return new Batch(capacity, denseWidth, idWidth, bagMax, labels.length);
    }

    /** Writes row {@code r} of the batch (every cell of the row is written, so buffers can be reused). */
    void encode(RecordCursor.Row row, Batch b, int r) {
        encodeFeatures(row, b, r);
        for (int k = 0; k < labels.length; k++) {
            double y = labels[k].read(row);
            boolean missing = Double.isNaN(y);
            b.labels[k][r] = missing ? 0f : (float) y;
            b.masks[k][r] = missing ? 0f : 1f;
        }
    }

    /** Writes the dense, id and bag cells of row {@code r}; label columns are not read. */
    void encodeFeatures(RecordCursor.Row row, Batch b, int r) {
        Fields.checkWidth(row, state.columnCount());
        boolean trim = state.trim();
        int d0 = r * denseWidth;
        Arrays.fill(b.dense, d0, d0 + denseWidth, 0f);
        List<DenseStats> dense = state.dense();
        for (int i = 0; i < dense.size(); i++) {
            DenseStats s = dense.get(i);
            double x = Fields.number(row, s.column(), s.name(), trim, "", "a finite number");
            b.dense[d0 + i] = (float) s.standardise(x);
        }
        List<FittedCategorical> cats = state.categorical();
        for (int i = 0; i < cats.size(); i++) {
            FittedCategorical c = cats.get(i);
            String v = Fields.text(row, c.column(), trim);
            if (bagField[i] >= 0) {
                b.bagLength[bagField[i]][r] = encodeBag(i, c, v, trim, b.bags[bagField[i]], r * bagMax[bagField[i]],
                        bagMax[bagField[i]]);
            } else if (oneHotOffset[i] >= 0) {
                b.dense[d0 + oneHotOffset[i] + id(i, c, v)] = 1f;
            } else {
                b.ids[r * idWidth + idColumn[i]] = id(i, c, v);
            }
        }
    }

    /**
     * Writes the ids of a bag cell's first {@code max} values (split as {@link Fields#splitBag} splits them) from
     * {@code out[base]} on, and returns how many. Values are looked up in a fitted vocabulary, or hashed, on the
     * cell's characters in place, without a String per value.
     */
    private int encodeBag(int column, FittedCategorical c, String text, boolean trim, long[] out, int base, int max) {
        StringIds m = ids.get(column);
        String sep = c.bag().separator();
        int n = 0;
        int from = 0;
        int len = text.length();
        while (from <= len && n < max) {
            int at = text.indexOf(sep, from);
            int end = at < 0 ? len : at;
            int a = from;
            int e = end;
            if (trim) {
                while (a < e && Character.isWhitespace(text.charAt(a))) {
                    a++;
                }
                while (e > a && Character.isWhitespace(text.charAt(e - 1))) {
                    e--;
                }
            }
            if (e > a) {
                out[base + n++] = m != null ? m.get(text, a, e, 0) : IdHashing.bucket(text, a, e, c.buckets());
            }
            if (at < 0) {
                break;
            }
            from = at + sep.length();
        }
        return n;
    }

    private int id(int column, FittedCategorical c, String value) {
        StringIds m = ids.get(column);
        return m == null ? IdHashing.bucket(value, 0, value.length(), c.buckets()) : m.get(value, 0);
    }

    /** Per bag field, its maxLength. */
    int bagMaxLength(int field) {
        return bagMax[field];
    }

    /** The index of the bag field named {@code field}, or -1. */
    int bagIndex(String field) {
        return bagNames.indexOf(field);
    }

    /** Names of the dense slots: numeric columns, then {@code field=value} and {@code field#oov} per one-hot block. */
    List<String> denseFeatureNames() {
        List<String> names = new ArrayList<>();
        for (DenseStats s : state.dense()) {
            names.add(s.name() != null ? s.name() : Columns.defaultName(s.column()));
        }
        for (FittedCategorical c : state.categorical()) {
            if (c.encoding() == CategoricalEncoding.ONE_HOT) {
                names.add(c.field() + "#oov");
                c.vocabulary().forEach(v -> names.add(c.field() + "=" + v));
            }
        }
        return List.copyOf(names);
    }
}
