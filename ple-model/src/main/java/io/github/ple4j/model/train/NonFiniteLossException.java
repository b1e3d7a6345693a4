package io.github.ple4j.model.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The loss or a gradient became NaN or infinite; no parameter was changed by the failing step. */
public final class NonFiniteLossException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final long step;
    private final transient Map<String, Double> taskLoss;
    private final String parameter;
    private final int batchInEpoch;

    public NonFiniteLossException(String message) {
        this(message, -1, -1, -1, Map.of(), null);
    }

    /**
     * @param message      the message
     * @param epoch        epoch of the failing step (from 0), or -1 when unknown
     * @param step         global step that failed (from 0), or -1 when unknown
     * @param batchInEpoch index of the failing batch within its epoch (from 0), or -1 when unknown
     * @param taskLoss     per-task losses of the failing batch, in task order
     * @param parameter    the parameter whose gradient is not finite, or null when the loss itself is not finite
     */
    public NonFiniteLossException(String message, int epoch, long step, int batchInEpoch, Map<String, Double> taskLoss,
                                  String parameter) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.batchInEpoch = batchInEpoch;
        this.taskLoss = Collections.unmodifiableMap(new LinkedHashMap<>(taskLoss));
        this.parameter = parameter;
    }

    /** Epoch of the failing step (from 0), or -1 when unknown. */
    public int epoch() {
        return epoch;
    }

    /** Global step that failed (from 0), or -1 when unknown. */
    public long step() {
        return step;
    }

    /** Index of the failing batch within its epoch (from 0), or -1 when unknown. */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /** Per-task losses of the failing batch (empty when unknown). */
    public Map<String, Double> taskLoss() {
        return taskLoss == null ? Map.of() : taskLoss;
    }

    /** Tasks whose loss on the failing batch is NaN or infinite. */
    public List<String> nonFiniteTasks() {
        return taskLoss().entrySet().stream().filter(e -> !Double.isFinite(e.getValue())).map(Map.Entry::getKey).toList();
    }

    /** The parameter whose gradient is not finite, or null when the loss itself is not finite. */
    public String parameter() {
        return parameter;
    }
}
