package io.github.ple4j.dl4j;

import io.github.ple4j.model.PleModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copies trained weights between a PLE {@link ComputationGraph} ({@link PleComputationGraph}) and the SameDiff
 * {@link PleModel}, both directions. Parameter names map one to one through {@link ParamKeys}; every name and
 * shape is checked before anything is copied, so a mismatch never leaves a half-copied model.
 *
 * <p>Only parameters are copied, not optimiser state: continue training in the target with a fresh optimiser.
 *
 * <pre>{@code
 * ComputationGraph cg = PleComputationGraph.create(config);
 * cg.fit(train, 5);
 * try (PleModel model = WeightMapping.toPleModel(cg)) {
 *     model.save(Path.of("model.ple"));                // a regular PLE bundle
 * }
 * }</pre>
 */
public final class WeightMapping {
    private WeightMapping() {
    }

    /** The graph's PLE parameters by PLE name (views into the graph's parameter vector). */
    public static Map<String, INDArray> pleParameters(ComputationGraph cg) {
        PleComputationGraph.pleLayer(cg);
        return PleComputationGraph.pleLayer(cg).layout().views(cg.getLayer(PleComputationGraph.NETWORK).paramTable());
    }

    /** A new {@link PleModel} of the graph's config holding the graph's parameters. */
    public static PleModel toPleModel(ComputationGraph cg) {
        PleModel model = PleModel.create(PleComputationGraph.config(cg));
        try {
            copy(cg, model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A new graph of the model's config holding the model's parameters. */
    public static ComputationGraph toComputationGraph(PleModel model) {
        ComputationGraph cg = PleComputationGraph.create(model.config());
        copy(model, cg);
        return cg;
    }

    /** Copies the graph's parameters into the model's. */
    public static void copy(ComputationGraph from, PleModel to) {
        Map<String, INDArray> source = pleParameters(from);
        Map<String, INDArray> target = modelArrays(to);
        check(source, target, "graph", "model");
        source.forEach((n, a) -> target.get(n).assign(a));
    }

    /** Copies the model's parameters into the graph's. */
    public static void copy(PleModel from, ComputationGraph to) {
        Map<String, INDArray> source = modelArrays(from);
        Map<String, INDArray> target = pleParameters(to);
        check(source, target, "model", "graph");
        source.forEach((n, a) -> target.get(n).assign(a));
    }

    /** The model's live parameter arrays by name. */
    private static Map<String, INDArray> modelArrays(PleModel model) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            m.put(name, model.sameDiff().getArrForVarName(name));
        }
        return m;
    }

    private static void check(Map<String, INDArray> source, Map<String, INDArray> target, String from, String to) {
        Set<String> missing = new TreeSet<>(target.keySet());
        missing.removeAll(source.keySet());
        Set<String> extra = new TreeSet<>(source.keySet());
        extra.removeAll(target.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("the " + from + " and the " + to + " have different parameters: "
                    + (missing.isEmpty() ? "" : "missing in the " + from + " " + missing + " ")
                    + (extra.isEmpty() ? "" : "not in the " + to + " " + extra)
                    + "; are they built from the same config?");
        }
        for (Map.Entry<String, INDArray> e : source.entrySet()) {
            INDArray t = target.get(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + " in the " + from + " but "
                        + Arrays.toString(t.shape()) + " in the " + to);
            }
        }
    }
}
