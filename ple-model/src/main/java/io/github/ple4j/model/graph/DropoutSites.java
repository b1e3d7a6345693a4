package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * Dropout on hidden layers as a multiplication by a mask placeholder per site (the trainer feeds Bernoulli masks
 * scaled by 1/keep, prediction feeds ones), or nothing when dropout is off.
 */
final class DropoutSites {
    private final SameDiff sd;
    private final DataType dt;
    private final boolean on;
    private final List<DropoutSite> sites = new ArrayList<>();

    DropoutSites(SameDiff sd, DataType dt, boolean on) {
        this.sd = sd;
        this.dt = dt;
        this.on = on;
    }

    /** {@code h} times the mask of {@code site} (shape with -1 for the batch), or {@code h} when dropout is off. */
    SDVariable apply(String site, SDVariable h, long... shape) {
        if (!on) {
            return h;
        }
        DropoutSite s = new DropoutSite(site, shape);
        sites.add(s);
        return h.mul(sd.placeHolder(s.placeholder(), dt, shape));
    }

    /** The sites defined so far. */
    List<DropoutSite> sites() {
        return List.copyOf(sites);
    }
}
