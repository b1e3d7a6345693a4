package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.exec.NativeArrays;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns user arrays into the graph's placeholder map, in the order {@link GraphSignature} defines, and
 * checks them on the way: counts, shapes, categorical ids in range (single-valued, and bags with their padding and
 * length limit; handed to the graph as INT64), binary labels 0/1 where the mask is 1.
 * Errors name the array, the row or column and what was expected.
 */
public final class Feeds {
    private final PleConfig config;
    private final GraphSignature sig;
    private final List<DropoutSite> dropoutSites;
    private final DataType dt;
    private final Map<String, CategoricalField> bagFields = new HashMap<>();
    /** Shapes of the cached arrays of ones (a few batch sizes times the dropout sites' widths). */
    private static final int MAX_CACHED_SHAPES = 64;
    private final Map<String, INDArray> onesByShape = new HashMap<>();

    public Feeds(PleGraph graph) {
        this.config = graph.config();
        this.sig = graph.signature();
        this.dropoutSites = graph.dropoutSites();
        this.dt = config.dataType().nd4j();
        config.inputs().bags().forEach(f -> bagFields.put(GraphSignature.bag(f.name()), f));
    }

    /** Placeholders for the inputs only (prediction): features in signature order, dropout masks of ones. */
    public Map<String, INDArray> features(INDArray... features) {
        List<String> names = sig.featureInputs();
        if (features == null || features.length != names.size()) {
            throw new IllegalArgumentException("expected " + names.size() + " feature array(s) " + names + " but got "
                    + (features == null ? 0 : features.length));
        }
        Map<String, INDArray> ph = new HashMap<>();
        long batch = -1;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            INDArray a;
            if (name.equals(GraphSignature.DENSE)) {
                a = cast(matrix(name, features[i], config.inputs().denseSize()));
            } else if (name.equals(GraphSignature.CATEGORICAL)) {
                a = checkIds(matrix(name, features[i], config.inputs().singleValued().size()));
            } else {
                a = checkBag(bagFields.get(name), features[i]);
            }
            if (batch >= 0 && a.size(0) != batch) {
                throw new IllegalArgumentException("feature array '" + name + "' has " + a.size(0) + " rows but '"
                        + names.get(0) + "' has " + batch);
            }
            batch = a.size(0);
            ph.put(name, a);
        }
        for (DropoutSite s : dropoutSites) {
            ph.put(s.placeholder(), ones(s.shapeFor(batch)));
        }
        return ph;
    }

    /**
     * An array of ones of the shape, one per shape, reused by every call (callers only read it). A fresh array per
     * pass and dropout site made every prediction leave ~100 KB of native memory behind that collections did not
     * give back (measured by MemoryStabilityTest: resident memory grew about 105 MiB per 1,000 predictions).
     */
    private INDArray ones(long[] shape) {
        synchronized (onesByShape) {
            String key = java.util.Arrays.toString(shape);
            INDArray a = onesByShape.get(key);
            if (a == null) {
                if (onesByShape.size() >= MAX_CACHED_SHAPES) {
                    onesByShape.clear();        // many batch sizes: bound the cache rather than keep them all
                }
                a = Nd4j.ones(dt, shape);
                onesByShape.put(key, a);
            }
            return a;
        }
    }

    /**
     * Placeholders for a training or evaluation batch: features, labels, label masks (ones where absent),
     * and the task loss weights when the graph takes them.
     */
    public Map<String, INDArray> batch(MultiDataSet mds, double[] lossWeights) {
        Map<String, INDArray> ph = features(mds.getFeatures());
        long batch = mds.getFeatures(0).size(0);
        List<TaskSpec> tasks = config.tasks();
        INDArray[] labels = mds.getLabels();
        if (labels == null || labels.length != tasks.size()) {
            throw new IllegalArgumentException("expected " + tasks.size() + " label array(s), one per task "
                    + sig.tasks() + ", but got " + (labels == null ? 0 : labels.length));
        }
        INDArray[] masks = mds.getLabelsMaskArrays();
        if (masks != null && masks.length != tasks.size()) {
            throw new IllegalArgumentException("expected " + tasks.size() + " label mask array(s), one per task "
                    + sig.tasks() + ", but got " + masks.length);
        }
        for (int k = 0; k < tasks.size(); k++) {
            TaskSpec t = tasks.get(k);
            INDArray y = column("labels for task '" + t.name() + "'", labels[k], batch);
            INDArray m = masks == null || masks[k] == null ? Nd4j.ones(dt, batch, 1)
                    : column("label mask for task '" + t.name() + "'", masks[k], batch);
            checkLabels(t, y, m);
            ph.put(GraphSignature.label(t.name()), cast(y));
            ph.put(GraphSignature.mask(t.name()), cast(m));
        }
        if (sig.hasLossWeightsPlaceholder()) {
            if (lossWeights == null || lossWeights.length != tasks.size()) {
                throw new IllegalArgumentException("expected " + tasks.size() + " task loss weights " + sig.tasks()
                        + " but got " + (lossWeights == null ? "none" : String.valueOf(lossWeights.length)));
            }
            ph.put(GraphSignature.LOSS_WEIGHTS, Nd4j.createFromArray(lossWeights).castTo(dt));
        }
        return ph;
    }

    private INDArray cast(INDArray a) {
        return a.dataType() == dt ? a : a.castTo(dt);
    }

    private static INDArray matrix(String name, INDArray a, long cols) {
        if (a == null) {
            throw new IllegalArgumentException("feature array '" + name + "' is null");
        }
        if (a.rank() != 2 || a.size(1) != cols) {
            throw new IllegalArgumentException("feature array '" + name + "' must have shape [batch, " + cols
                    + "] but has shape " + Arrays.toString(a.shape()));
        }
        return a;
    }

    private static INDArray column(String what, INDArray a, long batch) {
        if (a == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (a.rank() == 1 && a.length() == batch) {
            return a.reshape(batch, 1);
        }
        if (a.rank() != 2 || a.size(0) != batch || a.size(1) != 1) {
            throw new IllegalArgumentException(what + " must have shape [" + batch + ", 1] but has shape "
                    + Arrays.toString(a.shape()));
        }
        return a;
    }

    /** Checks the single-valued ids (integers in [0, vocabulary)) and returns them as INT64. */
    private INDArray checkIds(INDArray ids) {
        List<CategoricalField> fields = config.inputs().singleValued();
        int cols = fields.size();
        long[] v = longs(ids, (r, c, x) -> "categorical field '" + fields.get(c).name() + "' (column " + c + ") row "
                + r + ": expected an integer id in [0, " + fields.get(c).vocabularySize() + ") but found " + x);
        int[] vocab = fields.stream().mapToInt(CategoricalField::vocabularySize).toArray();
        for (int i = 0; i < v.length; i++) {
            int c = i % cols;
            if (v[i] < 0 || v[i] >= vocab[c]) {
                throw new IllegalArgumentException("categorical field '" + fields.get(c).name() + "' (column " + c
                        + ") row " + i / cols + ": expected an integer id in [0, " + vocab[c] + ") but found " + v[i]);
            }
        }
        return ids.dataType() == DataType.INT64 ? ids : Nd4j.createFromArray(v).reshape(ids.shape());
    }

    /**
     * Checks a bag field's ids [B, L]: each an id in [0, vocabulary) or the padding -1, at most maxLength ids per
     * row; returns them as INT64.
     */
    private INDArray checkBag(CategoricalField f, INDArray ids) {
        String name = GraphSignature.bag(f.name());
        if (ids == null) {
            throw new IllegalArgumentException("feature array '" + name + "' is null");
        }
        if (ids.rank() != 2 || ids.size(1) < 1) {
            throw new IllegalArgumentException("feature array '" + name + "' (bag field '" + f.name()
                    + "') must have shape [batch, L] with L >= 1 but has shape " + Arrays.toString(ids.shape()));
        }
        int width = (int) ids.size(1);
        long[] v = longs(ids, (r, c, x) -> "bag field '" + f.name() + "' row " + r + ", position " + c
                + ": expected an integer id in [0, " + f.vocabularySize() + ") or the padding -1 but found " + x);
        int count = 0;
        for (int i = 0; i < v.length; i++) {
            if (i % width == 0) {
                count = 0;
            }
            long id = v[i];
            if (id == GraphSignature.BAG_PADDING) {
                continue;
            }
            if (id < 0 || id >= f.vocabularySize()) {
                throw new IllegalArgumentException("bag field '" + f.name() + "' row " + i / width + ", position "
                        + i % width + ": expected an integer id in [0, " + f.vocabularySize()
                        + ") or the padding -1 but found " + id);
            }
            if (++count > f.bag().maxLength()) {
                int row = i / width;
                int total = 0;
                for (int j = row * width; j < (row + 1) * width; j++) {
                    total += v[j] == GraphSignature.BAG_PADDING ? 0 : 1;
                }
                throw new IllegalArgumentException("bag field '" + f.name() + "' row " + row + " holds " + total
                        + " ids but the field's maxLength is " + f.bag().maxLength());
            }
        }
        return ids.dataType() == DataType.INT64 ? ids : Nd4j.createFromArray(v).reshape(ids.shape());
    }

    /** The error for a non-integer value at (row, column). */
    private interface BadValue {
        String message(int row, int column, double value);
    }

    /**
     * An id matrix [rows, cols] as longs in row-major order (bulk copies: INDArray.toLongMatrix reads element by
     * element, 7 ms for [256, 2]); a floating-point matrix must hold integers.
     */
    private static long[] longs(INDArray ids, BadValue bad) {
        if (ids.dataType().isIntType()) {
            return NativeArrays.longs(ids);
        }
        int cols = (int) ids.size(1);
        double[] d = NativeArrays.doubles(ids);
        long[] v = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] != Math.rint(d[i]) || Double.isInfinite(d[i])) {
                throw new IllegalArgumentException(bad.message(i / cols, i % cols, d[i]));
            }
            v[i] = (long) d[i];
        }
        return v;
    }

    private static void checkLabels(TaskSpec t, INDArray y, INDArray m) {
        double[] yv = NativeArrays.doubles(y);
        double[] mv = NativeArrays.doubles(m);
        for (int i = 0; i < yv.length; i++) {
            if (mv[i] != 0 && mv[i] != 1) {
                throw new IllegalArgumentException("label mask for task '" + t.name() + "' row " + i
                        + ": expected 0 or 1 but found " + mv[i]);
            }
            if (mv[i] == 1) {
                if (t.type() == TaskType.BINARY && yv[i] != 0 && yv[i] != 1) {
                    throw new IllegalArgumentException("labels for task '" + t.name() + "' row " + i
                            + ": expected 0 or 1 (BINARY task) but found " + yv[i]);
                }
                if (!Double.isFinite(yv[i])) {
                    throw new IllegalArgumentException("labels for task '" + t.name() + "' row " + i
                            + ": expected a finite number but found " + yv[i]);
                }
            }
        }
    }
}
