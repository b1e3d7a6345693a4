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
 * @param attachments  named JSON documents stored with the model (e.g. the data preprocessing)
 * @param optimizerStep steps the stored optimiser state has seen (its bias-correction counter); 0 without state
 */
public record BundleContents(PleConfig config, Map<String, INDArray> parameters, Map<String, INDArray> updaterState,
                             int epoch, long step, long optimizerStep, Map<String, String> attachments) {
    public BundleContents {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        updaterState = Collections.unmodifiableMap(new LinkedHashMap<>(updaterState));
        attachments = attachments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attachments));
    }

    /** Contents without attachments. */
    public BundleContents(PleConfig config, Map<String, INDArray> parameters, Map<String, INDArray> updaterState,
                          int epoch, long step, long optimizerStep) {
        this(config, parameters, updaterState, epoch, step, optimizerStep, Map.of());
    }
}
