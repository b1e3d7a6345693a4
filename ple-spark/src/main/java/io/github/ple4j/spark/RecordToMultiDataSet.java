package io.github.ple4j.spark;

import org.apache.spark.api.java.function.Function;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one DataVec record (a parsed CSV row, {@link CsvLayout}) into a one-row MultiDataSet in the
 * {@code GraphSignature} layout: features dense [1, F] then categorical ids [1, C]; one label [1, 1] and one
 * label mask [1, 1] per task (mask 0 where the label cell is empty). Masks are always present so that rows
 * merge into minibatches.
 */
public final class RecordToMultiDataSet implements Function<List<Writable>, MultiDataSet> {
    private static final long serialVersionUID = 1L;

    private final CsvLayout layout;
    private final DataType dataType;

    public RecordToMultiDataSet(CsvLayout layout, DataType dataType) {
        this.layout = layout;
        this.dataType = dataType;
    }

    @Override
    public MultiDataSet call(List<Writable> row) {
        if (row.size() != layout.columns()) {
            throw new IllegalArgumentException("CSV row has " + row.size() + " columns but the layout needs "
                    + layout.columns() + " (" + layout.dense() + " dense, " + layout.categorical() + " categorical, "
                    + layout.tasks() + " labels): " + row);
        }
        List<INDArray> features = new ArrayList<>(2);
        if (layout.dense() > 0) {
            features.add(numbers(row, 0, layout.dense()));
        }
        if (layout.categorical() > 0) {
            features.add(numbers(row, layout.dense(), layout.categorical()));
        }
        INDArray[] labels = new INDArray[layout.tasks()];
        INDArray[] masks = new INDArray[layout.tasks()];
        int first = layout.dense() + layout.categorical();
        for (int k = 0; k < layout.tasks(); k++) {
            String cell = row.get(first + k).toString().trim();
            boolean present = !cell.isEmpty();
            labels[k] = Nd4j.scalar(dataType, present ? parse(cell, first + k, row) : 0.0).reshape(1, 1);
            masks[k] = Nd4j.scalar(dataType, present ? 1.0 : 0.0).reshape(1, 1);
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(features.toArray(new INDArray[0]), labels, null, masks);
    }

    private INDArray numbers(List<Writable> row, int from, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = parse(row.get(from + i).toString().trim(), from + i, row);
        }
        return Nd4j.create(v, new long[]{1, count}, 'c').castTo(dataType);
    }

    private static double parse(String cell, int column, List<Writable> row) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CSV column " + column + " is not a number: '" + cell + "' in row " + row, e);
        }
    }
}
