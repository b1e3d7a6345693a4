package io.github.ple4j.model.train;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingTable;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
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
 * so the training pass does not ask for the tables' gradients: it asks for the gradient of every lookup's output
 * ({@link GraphSignature#lookup}), and this class scatters those rows into each table's {@link RowGradients}.
 * Then, per table: a sparse optimiser updates the rows touched ({@code training.embeddingOptimizer}), or, for dense
 * tables, the rows are added into the table's part of the flat gradient and the dense optimiser does the rest.
 */
final class TableTraining implements AutoCloseable {
    /** One lookup: the gradient output of a field and where its ids come from. */
    private record Lookup(String gradient, String idsPlaceholder, int column) {
    }

    private final List<String> tableNames = new ArrayList<>();
    private final List<INDArray> arrays = new ArrayList<>();
    private final List<RowGradients> gradients = new ArrayList<>();
    private final List<List<Lookup>> lookups = new ArrayList<>();
    private final List<TableOptimizer> optimizers = new ArrayList<>();
    private final boolean sparse;

    /**
     * @param graph a graph built with the gather lookup, with its gradient function created
     */
    TableTraining(PleGraph graph) {
        PleConfig config = graph.config();
        SameDiff sd = graph.sameDiff();
        InputSpec in = config.inputs();
        this.sparse = config.training().embeddingOptimizer().sparse();
        List<CategoricalField> single = in.singleValued();
        for (EmbeddingTable t : in.tables()) {
            String name = GraphSignature.table(t.name());
            List<Lookup> ls = new ArrayList<>();
            for (String fieldName : t.fields()) {
                CategoricalField f = in.categorical().stream().filter(c -> c.name().equals(fieldName)).findFirst()
                        .orElseThrow();
                SDVariable grad = sd.getVariable(GraphSignature.lookup(f.name())).getGradient();
                if (grad == null) {
                    continue;   // the lookup does not reach the loss
                }
                ls.add(f.multiValued() ? new Lookup(grad.name(), GraphSignature.bag(f.name()), -1)
                        : new Lookup(grad.name(), GraphSignature.CATEGORICAL, single.indexOf(f)));
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

    /** The plan outputs this class reads: the gradient of every lookup. */
    List<String> requiredOutputs() {
        List<String> out = new ArrayList<>();
        lookups.forEach(ls -> ls.forEach(l -> out.add(l.gradient())));
        return out;
    }

    /** Sums the lookups' gradients of this step per table and row. */
    void collect(Map<String, INDArray> outputs, Map<String, INDArray> placeholders) {
        Map<String, long[]> ids = new HashMap<>();
        for (int t = 0; t < tableNames.size(); t++) {
            RowGradients g = gradients.get(t);
            g.clear();
            for (Lookup l : lookups.get(t)) {
                INDArray array = placeholders.get(l.idsPlaceholder());
                long[] v = ids.computeIfAbsent(l.idsPlaceholder(), k -> NativeArrays.longs(array));
                if (l.column() >= 0) {
                    int columns = (int) array.size(1);
                    g.add(v, l.column(), columns, (int) array.size(0), outputs.get(l.gradient()));
                } else {
                    g.add(v, 0, 1, v.length, outputs.get(l.gradient()));
                }
            }
        }
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
