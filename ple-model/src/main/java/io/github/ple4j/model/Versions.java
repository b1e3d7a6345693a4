package io.github.ple4j.model;

/** Versions written into model bundles and reports. */
public final class Versions {
    /** This library. */
    public static final String LIBRARY = "0.1.0-SNAPSHOT";
    /** The ND4J / SameDiff release it is built and tested against. */
    public static final String ND4J = "1.0.0-M2.1";

    private Versions() {
    }
}
