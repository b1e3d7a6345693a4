package io.github.ple4j.dl4j;

import java.util.Objects;

/**
 * The one mapping between PLE parameter names and DL4J parameter keys, both directions.
 *
 * <p>PLE names are paths such as {@code level1/experts/click_rate/layer0/W}: segments of letters, digits, '_'
 * and '-' separated by '/', where task and field names may contain '_'. DL4J splits
 * {@code layerName_paramKey} at the last '_', so a DL4J parameter key must not contain '_'. The mapping
 * replaces '_' with '.', a character no PLE name can contain (task and field names are
 * {@code [A-Za-z][A-Za-z0-9_-]*} and the path words are fixed), so it is a bijection between valid PLE names
 * and keys without '_':
 * <pre>  level1/experts/click_rate/layer0/W  &lt;-&gt;  level1/experts/click.rate/layer0/W</pre>
 */
public final class ParamKeys {
    private ParamKeys() {
    }

    /**
     * The DL4J key of a PLE parameter name.
     *
     * @throws IllegalArgumentException when the name contains '.', which no PLE name does
     */
    public static String toDl4j(String pleName) {
        Objects.requireNonNull(pleName, "pleName");
        if (pleName.indexOf('.') >= 0) {
            throw new IllegalArgumentException("PLE parameter name '" + pleName + "' contains '.', which PLE names "
                    + "never contain and the DL4J key mapping reserves for '_'");
        }
        return pleName.replace('_', '.');
    }

    /**
     * The PLE parameter name of a DL4J key.
     *
     * @throws IllegalArgumentException when the key contains '_', which DL4J keys made by {@link #toDl4j} never do
     */
    public static String toPle(String dl4jKey) {
        Objects.requireNonNull(dl4jKey, "dl4jKey");
        if (dl4jKey.indexOf('_') >= 0) {
            throw new IllegalArgumentException("DL4J parameter key '" + dl4jKey + "' contains '_', which DL4J "
                    + "uses to separate the layer name from the key");
        }
        return dl4jKey.replace('.', '_');
    }
}
