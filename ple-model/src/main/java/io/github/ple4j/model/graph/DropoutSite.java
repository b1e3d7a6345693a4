package io.github.ple4j.model.graph;

/**
 * A place where dropout applies during training: the graph multiplies the activation by the mask
 * placeholder {@link GraphSignature#dropoutMask(String) dropout/name}. The trainer feeds inverted-dropout
 * masks (0 or 1/(1-p)); inference feeds ones.
 *
 * @param name      site name
 * @param shape     mask shape with -1 at the batch axis
 */
public record DropoutSite(String name, long[] shape) {
    /** The placeholder name. */
    public String placeholder() {
        return GraphSignature.dropoutMask(name);
    }

    /** The mask shape for a batch of {@code batch} samples. */
    public long[] shapeFor(long batch) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = batch;
            }
        }
        return s;
    }
}
