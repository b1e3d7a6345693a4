package io.github.ple4j.model.io;

import java.util.List;

/**
 * The manifest of a model bundle ({@code manifest.json}).
 *
 * @param format           always {@value ModelBundle#FORMAT}
 * @param formatVersion    bundle layout version; readers reject newer versions
 * @param libraryVersion   PLE4J version that wrote it
 * @param nd4jVersion      ND4J version that wrote it
 * @param epoch            epochs completed
 * @param step             optimisation steps done
 * @param optimizer        optimiser whose state is stored (null when none is)
 * @param optimizerStep    steps the stored optimiser state has seen (null when none is stored)
 * @param parameters       parameter arrays
 * @param updaterState     optimiser state arrays (format 2 on: the sparse tables' state too, named "table/state")
 * @param embeddingOptimizer the embedding tables' optimiser whose state is stored (format 2 on; null when none is)
 */
public record Manifest(String format, int formatVersion, String libraryVersion, String nd4jVersion, int epoch, long step,
                       String optimizer, Long optimizerStep, List<Entry> parameters, List<Entry> updaterState,
                       String embeddingOptimizer) {
    public Manifest {
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        updaterState = updaterState == null ? List.of() : List.copyOf(updaterState);
    }

    /**
     * One stored array.
     *
     * @param name  graph variable name (for updater state: the parameter it belongs to)
     * @param file  zip entry holding the .npy array
     * @param shape array shape
     */
    public record Entry(String name, String file, long[] shape) {
    }
}
