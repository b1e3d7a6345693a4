package io.github.ple4j.model.train;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingTable;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.exec.NativeArrays;
import io.github.ple4j.model.exec.RowGradients;
import io.github.ple4j.model.exec.TableOptimizer;
import io.github.ple4j.model.graph.FlatParameters;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.graph.PleGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training of the embedding tables of a gather-lookup graph. SameDiff 1.0.0-M2.1 cannot run gather's gradient,
 * so the training pass does not ask for the tables' gradients: it asks for the gradient of the first level's input
 * ({@link GraphSignature#EMBEDDED_INPUT}), and this class scatters each field's column block of it into the field's
 * table's {@link RowGradients}: row b of a single-valued field's block is the gradient of the row its id b looked
 * up; a bag's block is the gradient of its pooled embedding, which every id of the bag receives (divided by the
 * bag's size, at least 1, for a mean; padding ids none), as the graph's pooling differentiates.
 * Then, per table: a sparse optimiser updates the rows touched ({@code training.embeddingOptimizer}), or, for dense
 * tables, the rows are added into the table's part of the flat gradient and the dense optimiser does the rest.
 */
final class TableTraining implements AutoCloseable {
    /**
     * One lookup: where its ids come from (column of the single-valued ids, or -1 for a bag placeholder), where its
     * block starts in the input, and whether a bag is a mean.
     */
    private record Lookup(String idsPlaceholder, int column, int offset, boolean mean) {
    }

    private final List<String> tableNames = new ArrayList<>();
    private final List<INDArray> arrays = new ArrayList<>();
    private final List<RowGradients> gradients = new ArrayList<>();
    private final List<List<Lookup>> lookups = new ArrayList<>();
    private final List<TableOptimizer> optimizers = new ArrayList<>();
    private final boolean sparse;
    /** The gradient of the embedded input, or null when it does not reach the loss. */
    private final String inputGradient;
    private final int width;

    /**
     * @param graph a graph built with the gather lookup, with its gradient function created
     */
    TableTraining(PleGraph graph) {
        PleConfig config = graph.config();
        SameDiff sd = graph.sameDiff();
        InputSpec in = config.inputs();
        this.sparse = config.training().embeddingOptimizer().sparse();
        List<CategoricalField> single = in.singleValued();
        SDVariable grad = sd.getVariable(GraphSignature.EMBEDDED_INPUT).getGradient();
        this.inputGradient = grad == null ? null : grad.name();
        this.width = in.width();
        // the input's layout: dense features, single-valued fields, bag fields
        Map<String, Integer> offsets = new HashMap<>();
        int at = in.denseSize();
        for (CategoricalField f : single) {
            offsets.put(f.name(), at);
            at += f.embeddingDim();
        }
        for (CategoricalField f : in.bags()) {
            offsets.put(f.name(), at);
            at += f.embeddingDim();
        }
        for (EmbeddingTable t : in.tables()) {
            String name = GraphSignature.table(t.name());
            List<Lookup> ls = new ArrayList<>();
            for (String fieldName : t.fields()) {
                CategoricalField f = in.categorical().stream().filter(c -> c.name().equals(fieldName)).findFirst()
                        .orElseThrow();
                ls.add(f.multiValued()
                        ? new Lookup(GraphSignature.bag(f.name()), -1, offsets.get(f.name()),
                                f.bag().pooling() == Pooling.MEAN)
                        : new Lookup(GraphSignature.CATEGORICAL, single.indexOf(f), offsets.get(f.name()), false));
            }
            tableNames.add(name);
            INDArray table = sd.getArrForVarName(name);
            arrays.add(table);
            gradients.add(new RowGradients(t.dim()));
            lookups.add(ls);
            optimizers.add(sparse ? TableOptimizer.create(config.training().embeddingOptimizer(),
                    config.training().embeddingLearningRate(), table) : null);
        }
    }

    /** The table parameter names, in input order. */
    List<String> tables() {
        return List.copyOf(tableNames);
    }

    /** Whether tables are updated row by row (else by the dense optimiser). */
    boolean sparse() {
        return sparse;
    }

    /** The plan outputs this class reads: the gradient of the embedded input (none if it does not reach the loss). */
    List<String> requiredOutputs() {
        return inputGradient == null ? List.of() : List.of(inputGradient);
    }

    /** Sums the lookups' gradients of this step per table and row. */
    void collect(Map<String, INDArray> outputs, Map<String, INDArray> placeholders) {
        gradients.forEach(RowGradients::clear);
        if (inputGradient == null) {
            return;
        }
        INDArray gradArray = outputs.get(inputGradient);
        int batch = (int) gradArray.size(0);
        if (gradArray.rank() != 2 || gradArray.size(1) != width) {
            throw new IllegalStateException("the gradient of " + GraphSignature.EMBEDDED_INPUT + " should be [" + batch
                    + ", " + width + "] but is " + java.util.Arrays.toString(gradArray.shape()));
        }
        double[] g = NativeArrays.doubles(gradArray);
        Map<String, long[]> ids = new HashMap<>();
        for (int t = 0; t < tableNames.size(); t++) {
            RowGradients rows = gradients.get(t);
            for (Lookup l : lookups.get(t)) {
                INDArray array = placeholders.get(l.idsPlaceholder());
                long[] v = ids.computeIfAbsent(l.idsPlaceholder(), k -> NativeArrays.longs(array));
                if (l.column() >= 0) {
                    rows.add(v, l.column(), (int) array.size(1), batch, g, l.offset(), width, 1, null);
                } else {
                    int length = (int) array.size(1);
                    rows.add(v, 0, 1, v.length, g, l.offset(), width, Math.max(length, 1),
                            l.mean() ? bagSizes(v, batch, length) : null);
                }
            }
        }
    }

    /** The number of ids (not padding) of each bag, at least 1: the divisor of a mean bag. */
    private static double[] bagSizes(long[] ids, int batch, int length) {
        double[] n = new double[batch];
        for (int b = 0; b < batch; b++) {
            int count = 0;
            for (int l = 0; l < length; l++) {
                if (ids[b * length + l] >= 0) {
                    count++;
                }
            }
            n[b] = Math.max(1, count);
        }
        return n;
    }

    /** The first table whose gradient this step is not finite, or null. */
    String nonFinite() {
        for (int t = 0; t < tableNames.size(); t++) {
            if (!gradients.get(t).finite()) {
                return tableNames.get(t);
            }
        }
        return null;
    }

    /** Dense tables: writes each table's gradient into its part of the flat gradient vector (zeroed first). */
    void scatterDense(FlatParameters flat, INDArray gradient) {
        for (int t = 0; t < tableNames.size(); t++) {
            INDArray view = flat.view(gradient, tableNames.get(t));
            view.assign(0);
            gradients.get(t).scatterInto(view);
        }
    }

    /** The tables' gradients of this step as dense [V, D] arrays (for tests of small tables). */
    Map<String, INDArray> denseGradients() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int t = 0; t < tableNames.size(); t++) {
            INDArray g = Nd4j.zeros(arrays.get(t).dataType(), arrays.get(t).shape());
            gradients.get(t).scatterInto(g);
            m.put(tableNames.get(t), g);
        }
        return m;
    }

    /** Sparse tables: one optimiser step on the rows of this step. */
    void updateSparse(long optimizerStep) {
        for (int t = 0; t < tableNames.size(); t++) {
            optimizers.get(t).update(arrays.get(t), gradients.get(t), optimizerStep);
        }
    }

    /** The sparse optimisers' state arrays (live, not copies), named "table/state". */
    Map<String, INDArray> state() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        if (sparse) {
            for (int t = 0; t < tableNames.size(); t++) {
                String table = tableNames.get(t);
                optimizers.get(t).state().forEach((k, v) -> m.put(table + "/" + k, v));
            }
        }
        return m;
    }

    @Override
    public void close() {
        optimizers.forEach(o -> {
            if (o != null) {
                o.close();
            }
        });
    }
}
