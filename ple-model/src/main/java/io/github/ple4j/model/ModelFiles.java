package io.github.ple4j.model;

import io.github.ple4j.model.io.MalformedModelException;
import io.github.ple4j.model.io.Manifest;
import io.github.ple4j.model.io.ModelBundle;
import io.github.ple4j.model.train.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading a bundle into a model: names and shapes checked against the model first, then the arrays streamed in. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** Checks that the bundle has exactly the model's parameters, with its shapes. */
    static void checkParameters(PleModel model, ModelBundle.Reader r, Path file) throws MalformedModelException {
        List<String> names = model.graph().parameterNames();
        Map<String, long[]> stored = shapes(r.manifest().parameters());
        for (String n : names) {
            if (!stored.containsKey(n)) {
                throw new MalformedModelException(file + ": bundle lacks parameter '" + n + "' that its config needs");
            }
        }
        for (Map.Entry<String, long[]> e : stored.entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new MalformedModelException(file + ": bundle has parameter '" + e.getKey()
                        + "' that its config does not define");
            }
            checkShape(file, "parameter", e.getKey(), model.graph().sameDiff().getArrForVarName(e.getKey()).shape(),
                    e.getValue());
        }
    }

    /**
     * Streams the bundle's parameters (and optimiser state, into a new trainer) into the model.
     *
     * @return the trainer holding the restored counters and state, or null when the bundle has neither
     */
    static Trainer restore(PleModel model, ModelBundle.Reader r, Path file) throws IOException {
        checkParameters(model, r, file);
        Manifest m = r.manifest();
        Trainer t = null;
        if (!m.updaterState().isEmpty() || m.epoch() > 0 || m.step() > 0) {
            t = new Trainer(model.graph(), model.feeds());
        }
        try {
            Map<String, INDArray> live = t == null ? Map.of() : t.updaterState();
            if (t != null) {
                checkUpdaterState(file, m, live);
            }
            // Everything checked: now stream. Parameters and the sparse tables' state land in the live arrays; the
            // dense optimiser's rows are read into new arrays and copied into its flat state.
            r.arrays(m.parameters(), (name, shape) -> model.graph().sameDiff().getArrForVarName(name));
            if (t != null) {
                Map<String, INDArray> tables = t.tableState();
                t.restoreUpdaterState(r.arrays(m.updaterState(), (name, shape) -> tables.get(name)));
                // Without stored optimiser state the optimiser starts afresh (its step counter from 0), while the
                // epoch and step counters (for fit() and the dynamic loss weights) continue.
                t.setCounters(m.epoch(), m.step(), r.optimizerStep());
            }
            return t;
        } catch (IOException | RuntimeException e) {
            if (t != null) {
                t.close();
            }
            throw e;
        }
    }

    private static void checkUpdaterState(Path file, Manifest m, Map<String, INDArray> live) throws MalformedModelException {
        Map<String, long[]> stored = shapes(m.updaterState());
        for (Map.Entry<String, long[]> e : stored.entrySet()) {
            INDArray target = live.get(e.getKey());
            if (target == null) {
                throw new MalformedModelException(file + ": bundle has optimiser state for '" + e.getKey()
                        + "' that the configured optimiser does not keep");
            }
            checkShape(file, "optimiser state of", e.getKey(), target.shape(), e.getValue());
        }
        if (!stored.isEmpty()) {
            for (String n : live.keySet()) {
                if (!stored.containsKey(n)) {
                    throw new MalformedModelException(file + ": bundle has optimiser state for some parameters "
                            + "but not for '" + n + "'");
                }
            }
        }
    }

    private static Map<String, long[]> shapes(List<Manifest.Entry> entries) {
        Map<String, long[]> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.name(), e.shape()));
        return m;
    }

    private static void checkShape(Path file, String what, String name, long[] target, long[] stored)
            throws MalformedModelException {
        if (!Arrays.equals(target, stored)) {
            throw new MalformedModelException(file + ": " + what + " '" + name + "' has shape "
                    + Arrays.toString(stored) + " but the config needs " + Arrays.toString(target));
        }
    }
}
