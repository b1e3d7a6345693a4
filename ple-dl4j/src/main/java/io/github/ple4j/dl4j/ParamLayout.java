package io.github.ple4j.dl4j;

import io.github.ple4j.model.graph.RecordingParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each PLE parameter lives in the {@link PleLayer}'s two DL4J parameters: {@value #WEIGHTS} holds every
 * weight matrix (the tensors L2 applies to) one after another, {@value #OTHERS} every bias and embedding table,
 * each flattened row-major in creation order. Concatenated, the two are exactly the layout DL4J gave the
 * earlier one-DL4J-parameter-per-tensor layer (weights first, then biases and tables, each in order), so a
 * graph's parameter vector means the same in both.
 *
 * <p>Why two parameters and not one per tensor: DL4J 1.0.0-M2.1's updater loops over a layer's parameters on
 * every step, building views of the whole parameter vector for each (its gradient is always handed over as
 * "external", since {@code DefaultGradient.gradient()} returns a new reshaped view); with the paddle-census PLE's
 * dozens of tensors that was about a fifth of a ComputationGraph training step.
 */
final class ParamLayout {
    /** DL4J key of the weight matrices (regularised as DL4J weights). */
    static final String WEIGHTS = "W";
    /** DL4J key of the biases and embedding tables (DL4J biases: no weight regularisation). */
    static final String OTHERS = "b";

    /**
     * One parameter's place.
     *
     * @param param  the parameter
     * @param key    {@link #WEIGHTS} or {@link #OTHERS}
     * @param offset first element within that DL4J parameter
     */
    record Slot(RecordingParams.Param param, String key, long offset) {
    }

    private final List<Slot> slots = new ArrayList<>();
    private final long weights;
    private final long others;

    ParamLayout(List<RecordingParams.Param> params) {
        long w = 0;
        for (RecordingParams.Param p : params) {
            if (p.kind() == RecordingParams.Kind.WEIGHT) {
                slots.add(new Slot(p, WEIGHTS, w));
                w += p.length();
            }
        }
        long o = 0;
        for (RecordingParams.Param p : params) {
            if (p.kind() != RecordingParams.Kind.WEIGHT) {
                slots.add(new Slot(p, OTHERS, o));
                o += p.length();
            }
        }
        this.weights = w;
        this.others = o;
    }

    /** Elements of {@link #WEIGHTS}. */
    long weights() {
        return weights;
    }

    /** Elements of {@link #OTHERS}. */
    long others() {
        return others;
    }

    /** Every parameter's place: weights in creation order, then biases and tables in creation order. */
    List<Slot> slots() {
        return slots;
    }

    /**
     * Every parameter as a view (shaped as the parameter) into DL4J's arrays of {@link #WEIGHTS} and
     * {@link #OTHERS}, by PLE name: writing a view writes the graph's parameter (or gradient) vector.
     *
     * @param flat DL4J's parameter (or gradient) table of the layer
     */
    Map<String, INDArray> views(Map<String, INDArray> flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Map<String, INDArray> rows = new LinkedHashMap<>();
        for (Slot s : slots) {
            INDArray row = rows.computeIfAbsent(s.key(), k -> {
                INDArray a = flat.get(k);
                if (a == null) {
                    throw new IllegalStateException("the PLE layer has no DL4J parameter '" + k + "'");
                }
                return a.reshape(a.length());
            });
            long n = s.param().length();
            out.put(s.param().name(), row.get(NDArrayIndex.interval(s.offset(), s.offset() + n)).reshape('c', s.param().shape()));
        }
        return out;
    }
}
