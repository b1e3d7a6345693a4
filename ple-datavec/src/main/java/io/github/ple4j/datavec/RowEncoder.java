package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.Columns;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.FittedCategorical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns records into rows of the dense, id, label and mask arrays with the fitted statistics. */
final class RowEncoder {
    /** Row-major buffers for up to {@code capacity} rows. */
    static final class Batch {
        final int capacity;
        final float[] dense;
        final float[] ids;
        final float[][] labels;
        final float[][] masks;

        Batch(int capacity, int denseWidth, int idWidth, int tasks) {
            this.capacity = capacity;
            this.dense = new float[capacity * denseWidth];
            this.ids = new float[capacity * idWidth];
            this.labels = new float[tasks][capacity];
            this.masks = new float[tasks][capacity];
        }
    }

    private final PreprocessorState state;
    private final int denseWidth;
    private final int idWidth;
    /** Per categorical column: offset of its one-hot block in the dense row, or -1. */
    private final int[] oneHotOffset;
    /** Per categorical column: its column in the id matrix, or -1. */
    private final int[] idColumn;
    private final List<Map<String, Integer>> ids = new ArrayList<>();
    private final LabelReader[] labels;

    RowEncoder(PreprocessorState state) {
        this.state = state;
        List<FittedCategorical> cats = state.categorical();
        oneHotOffset = new int[cats.size()];
        idColumn = new int[cats.size()];
        int offset = state.dense().size();
        int idCount = 0;
        for (int i = 0; i < cats.size(); i++) {
            FittedCategorical c = cats.get(i);
            if (c.encoding() == CategoricalEncoding.ONE_HOT) {
                oneHotOffset[i] = offset;
                idColumn[i] = -1;
                offset += c.vocabularySize();
            } else {
                oneHotOffset[i] = -1;
                idColumn[i] = idCount++;
            }
            Map<String, Integer> m = new HashMap<>();
            for (int v = 0; v < c.vocabulary().size(); v++) {
                m.put(c.vocabulary().get(v), v + 1);
            }
            ids.add(m);
        }
        this.denseWidth = offset;
        this.idWidth = idCount;
        this.labels = state.tasks().stream()
                .map(t -> new LabelReader(t, state.missingLabelValues(), state.trim())).toArray(LabelReader[]::new);
    }

    int denseWidth() {
        return denseWidth;
    }

    int idWidth() {
        return idWidth;
    }

    int tasks() {
        return labels.length;
    }

    Batch newBatch(int capacity) {
        return new Batch(capacity, denseWidth, idWidth, labels.length);
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

    /** Writes the dense and id cells of row {@code r}; label columns are not read. */
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
            String v = Fields.text(row, cats.get(i).column(), trim);
            int id = ids.get(i).getOrDefault(v, 0);
            if (oneHotOffset[i] >= 0) {
                b.dense[d0 + oneHotOffset[i] + id] = 1f;
            } else {
                b.ids[r * idWidth + idColumn[i]] = id;
            }
        }
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
