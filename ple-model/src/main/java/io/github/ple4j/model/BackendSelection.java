package io.github.ple4j.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which backend ND4J loads when several are on the classpath, as ND4J 1.0.0-M2.1 decides it
 * ({@code Nd4jBackend.load()}): the available backend with the highest priority wins. Priorities come from
 * the environment variables {@value #CPU_PRIORITY_VAR} (default 0) and {@value #GPU_PRIORITY_VAR} (default
 * 100), so with both {@code nd4j-native} and {@code nd4j-cuda} present CUDA is chosen unless the CPU's priority
 * is raised, and a CUDA backend whose natives cannot load (no GPU, wrong CUDA version) is skipped.
 */
public final class BackendSelection {
    /** Environment variable with the CPU backend's priority. */
    public static final String CPU_PRIORITY_VAR = "BACKEND_PRIORITY_CPU";
    /** Environment variable with the CUDA backend's priority. */
    public static final String GPU_PRIORITY_VAR = "BACKEND_PRIORITY_GPU";

    /** A backend on the classpath. */
    public enum Kind { CPU, CUDA }

    /**
     * A candidate backend.
     *
     * @param kind      which backend
     * @param available whether its natives load on this machine
     */
    public record Candidate(Kind kind, boolean available) {
    }

    private BackendSelection() {
    }

    /** The priority of a backend under the given environment. */
    public static int priority(Kind kind, Map<String, String> env) {
        String var = kind == Kind.CPU ? CPU_PRIORITY_VAR : GPU_PRIORITY_VAR;
        int fallback = kind == Kind.CPU ? 0 : 100;
        String v = env.get(var);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(var + " must be an integer but was '" + v + "'", e);
        }
    }

    /**
     * The backend ND4J will load.
     *
     * @throws IllegalStateException when no candidate is available
     */
    public static Kind choose(List<Candidate> onClasspath, Map<String, String> env) {
        return onClasspath.stream()
                .sorted(Comparator.comparingInt((Candidate c) -> priority(c.kind(), env)).reversed())
                .filter(Candidate::available)
                .map(Candidate::kind)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no ND4J backend available among " + onClasspath
                        + "; put nd4j-native (Maven profile cpu) or nd4j-cuda-11.6 (profile cuda) on the classpath"));
    }
}
