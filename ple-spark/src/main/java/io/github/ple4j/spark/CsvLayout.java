package io.github.ple4j.spark;

import io.github.ple4j.model.config.PleConfig;

import java.io.Serializable;

/**
 * The column layout of a PLE training CSV, derived from the config: per row
 * <pre>  F dense features, then C categorical ids, then T labels (task order)</pre>
 * i.e. the {@code GraphSignature} feature arrays followed by the label arrays. An empty label cell means the row
 * is not in that task's sample space: its label mask is 0 for that task (paper Eq. 9). Categorical ids are
 * integers in {@code [0, vocabularySize)}.
 *
 * @param dense       number of dense columns F
 * @param categorical number of categorical id columns C
 * @param tasks       number of label columns T
 * @param delimiter   column separator
 */
public record CsvLayout(int dense, int categorical, int tasks, char delimiter) implements Serializable {
    public CsvLayout {
        if (dense < 0 || categorical < 0 || dense + categorical == 0 || tasks < 1) {
            throw new IllegalArgumentException("a CSV layout needs dense + categorical >= 1 feature columns and "
                    + "tasks >= 1 label columns but was dense=" + dense + ", categorical=" + categorical + ", tasks=" + tasks);
        }
    }

    /** The layout of a config, comma-separated. */
    public static CsvLayout of(PleConfig config) {
        return new CsvLayout(config.inputs().denseSize(), config.inputs().categorical().size(), config.tasks().size(), ',');
    }

    /** Number of columns per row. */
    public int columns() {
        return dense + categorical + tasks;
    }
}
