package io.github.ple4j.model.exec;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The gradient of one embedding table over a batch, kept sparse: the table's gradient is the scatter-add of the
 * row gradients of its lookups (gather's backward pass), here summed per distinct id, in the order the ids first
 * appear (so the sums, and the updates after them, are the same on every run with the same batches). Ids below 0
 * (a bag's padding) are skipped. Work is O(ids x dim) whatever the table's size; no buffer has the table's shape.
 *
 * <p>Reused from step to step: {@link #clear()}, then {@link #add} every lookup of the table.
 */
public final class RowGradients {
    private final int dim;
    private long[] rows = new long[256];
    private double[] values = new double[256];
    private int count;
    private long[] keys = new long[1024];
    private int[] slots = new int[1024];

    /** @param dim the table's row width */
    public RowGradients(int dim) {
        this.dim = dim;
        Arrays.fill(keys, -1);
    }

    /** Forgets the rows of the previous step. */
    public void clear() {
        // The whole key table (at most a few times the distinct ids of a batch): removing keys one by one would
        // break the probe chains of linear probing.
        Arrays.fill(keys, -1);
        count = 0;
    }

    /**
     * Adds a lookup's gradient.
     *
     * @param ids   the ids looked up, any shape (INT64 or integral floating point), row-major
     * @param grads the gradient of the lookup's output: the ids' shape followed by dim
     */
    public void add(INDArray ids, INDArray grads) {
        long[] id = NativeArrays.longs(ids);
        add(id, 0, 1, id.length, grads);
    }

    /**
     * Adds a lookup's gradient whose ids are {@code ids[offset + i * stride]}, i in [0, count) (a column of a
     * row-major id matrix).
     *
     * @param grads the gradient of the lookup's output, count x dim values in row-major order
     */
    public void add(long[] ids, int offset, int stride, int count, INDArray grads) {
        if (grads.length() != (long) count * dim) {
            throw new IllegalArgumentException("a lookup of " + count + " ids of width " + dim + " needs a gradient of "
                    + (long) count * dim + " values but got shape " + Arrays.toString(grads.shape()));
        }
        add(ids, offset, stride, count, NativeArrays.doubles(grads), 0, dim, 1, null);
    }

    /**
     * Adds the gradient of lookups that write into a column block of a wider row-major matrix (the model's input,
     * where every field has its columns). Id i = {@code ids[idOffset + i * idStride]}, i in [0, count), belongs to
     * gradient row r = i / group, whose dim values start at {@code gOffset + r * gStride}, divided by
     * {@code divisor[r]} when not null: group = 1 for a single-valued field, the bag length for a bag pooled over
     * its ids (each id's row gradient is the pooled gradient, divided by the bag's size for a mean).
     */
    public void add(long[] ids, int idOffset, int idStride, int count, double[] g, int gOffset, int gStride, int group,
                    double[] divisor) {
        for (int i = 0; i < count; i++) {
            long id = ids[idOffset + i * idStride];
            if (id < 0) {
                continue;
            }
            int r = i / group;
            int base = slot(id) * dim;
            int src = gOffset + r * gStride;
            if (divisor == null) {
                for (int j = 0; j < dim; j++) {
                    values[base + j] += g[src + j];
                }
            } else {
                double n = divisor[r];
                for (int j = 0; j < dim; j++) {
                    values[base + j] += g[src + j] / n;
                }
            }
        }
    }

    /** Distinct rows this step. */
    public int count() {
        return count;
    }

    /** The i-th distinct row (in order of first appearance). */
    public long row(int i) {
        return rows[i];
    }

    /** The summed gradients, row i at [i * dim, (i + 1) * dim). Valid until the next {@link #add}. */
    double[] values() {
        return values;
    }

    public int dim() {
        return dim;
    }

    /** Whether every summed value is finite. */
    public boolean finite() {
        for (int i = 0; i < count * dim; i++) {
            if (!Double.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }

    /** Adds the rows into a dense [rows, dim] gradient (dense training of the table). */
    public void scatterInto(INDArray dense) {
        NativeRows out = NativeRows.of(dense);
        double[] row = new double[dim];
        for (int i = 0; i < count; i++) {
            out.read(rows[i], row, 0);
            for (int j = 0; j < dim; j++) {
                row[j] += values[i * dim + j];
            }
            out.write(rows[i], row, 0);
        }
    }

    /** The slot of an id, created (zeroed) on first sight. */
    private int slot(long id) {
        int k = find(id);
        if (keys[k] == id) {
            return slots[k];
        }
        if (count == rows.length) {
            rows = Arrays.copyOf(rows, count * 2);
            values = Arrays.copyOf(values, count * 2 * dim);
        }
        if (values.length < (count + 1) * dim) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, (count + 1) * dim));
        }
        Arrays.fill(values, count * dim, (count + 1) * dim, 0);
        rows[count] = id;
        keys[k] = id;
        slots[k] = count;
        count++;
        if (count * 2 > keys.length) {
            rehash();
        }
        return count - 1;
    }

    /** Open addressing, linear probing: the index holding {@code id} or the empty one where it would go. */
    private int find(long id) {
        int mask = keys.length - 1;
        int h = (int) (mix(id) & mask);
        while (keys[h] != -1 && keys[h] != id) {
            h = (h + 1) & mask;
        }
        return h;
    }

    private void rehash() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[oldKeys.length * 2];
        Arrays.fill(keys, -1);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != -1) {
                int k = find(oldKeys[i]);
                keys[k] = oldKeys[i];
                slots[k] = oldSlots[i];
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
