package io.github.ple4j.model.onnx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of an ONNX export ({@link OnnxExport}).
 *
 * @param scoreWeights          task name to exponent w_k of the fused ranking score (paper Eq. 1,
 *                              {@code score = prod_k p_k^w_k}, as {@link io.github.ple4j.model.eval.RankingScore}); empty:
 *                              no score output
 * @param externalDataThreshold tensors of at least this many bytes are written to the external data file
 *                              {@code <model file>.data} beside the model; {@link #AUTOMATIC}: only when the
 *                              parameters would not fit protobuf's 2 GiB limit (then every tensor of 1 MiB or more)
 */
public record OnnxOptions(Map<String, Double> scoreWeights, long externalDataThreshold) {
    /** {@link #externalDataThreshold} value: external data only where the 2 GiB limit requires it. */
    public static final long AUTOMATIC = -1;

    public OnnxOptions {
        scoreWeights = scoreWeights == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(scoreWeights));
        scoreWeights.forEach((task, w) -> {
            if (w == null || !Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("score weight of task '" + task + "' must be finite and >= 0 but was " + w);
            }
        });
        if (externalDataThreshold < 0 && externalDataThreshold != AUTOMATIC) {
            throw new IllegalArgumentException("externalDataThreshold must be >= 0 bytes or AUTOMATIC (-1) but was "
                    + externalDataThreshold);
        }
    }

    /** One output per task, parameters inside the model file (unless they exceed the protobuf limit). */
    public static OnnxOptions defaults() {
        return new OnnxOptions(Map.of(), AUTOMATIC);
    }

    /** A copy that also outputs the fused score {@code prod_k p_k^w_k} ({@value OnnxExport#SCORE}); every task needs a weight. */
    public OnnxOptions withScore(Map<String, Double> weights) {
        return new OnnxOptions(weights, externalDataThreshold);
    }

    /** A copy that writes every tensor of at least {@code bytes} bytes to the external data file. */
    public OnnxOptions withExternalDataFrom(long bytes) {
        return new OnnxOptions(scoreWeights, bytes);
    }
}
