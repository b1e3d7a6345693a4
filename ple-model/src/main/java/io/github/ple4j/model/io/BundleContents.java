package io.github.ple4j.model.io;

import io.github.ple4j.model.config.PleConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model bundle holds.
 *
 * @param config       the model config
 * @param parameters   parameter arrays by graph variable name
 * @param updaterState optimiser state arrays by parameter name (empty when not saved)
 * @param epoch        epochs completed
 * @param step         optimisation steps done
 */
public record BundleContents(PleConfig config, Map<String, INDArray> parameters, Map<String, INDArray> updaterState,
                             int epoch, long step) {
    public BundleContents {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        updaterState = Collections.unmodifiableMap(new LinkedHashMap<>(updaterState));
    }
}
