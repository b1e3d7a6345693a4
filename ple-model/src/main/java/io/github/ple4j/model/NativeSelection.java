package io.github.ple4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Picks the fastest build of ND4J's CPU natives that the processor can run, before ND4J loads them.
 *
 * <p>nd4j-native ships one generic x86-64 build and CPU-specific ones (classifiers {@code -avx2},
 * {@code -avx512}, {@code -onednn-avx2}, {@code -onednn-avx512}). An AVX-512 build on a CPU without AVX-512
 * dies with an illegal instruction, so the choice cannot be fixed at build time for a binary that runs
 * anywhere. When several builds are on the class path (ple-bench and ple-cli bundle the generic and the
 * oneDNN ones on Linux x86-64), this chooses by the CPU's flags and sets JavaCPP's
 * {@value #EXTENSION_PROPERTY}. Measured on an AVX-512 machine: training 1.2-1.4x faster than the generic
 * build (oneDNN matrix multiplies, vectorised optimiser kernels).
 *
 * <p>Otherwise it pins the generic build (property set to empty): left unset, JavaCPP itself loads the first
 * variant on the class path, even one the CPU cannot run. It changes nothing when the user set
 * {@value #EXTENSION_PROPERTY} (empty means generic), and has no effect once ND4J has loaded its natives (so
 * call {@link #apply()} first thing in {@code main}; {@code PleModel} calls it when its class loads).
 * {@value #PROPERTY}{@code =generic} pins the generic build. Not for CUDA.
 */
public final class NativeSelection {
    /** JavaCPP's system property naming the native build variant ("" for generic, "-onednn-avx512", ...). */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** PLE4J's switch: {@code generic} keeps the generic build; {@code auto} (default) chooses. */
    public static final String PROPERTY = "ple4j.natives";

    /** Variants in order of preference, with the CPU flags each needs. */
    private static final List<Variant> VARIANTS = List.of(
            new Variant("-onednn-avx512", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "bmi2"),
            new Variant("-avx512", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "bmi2"),
            new Variant("-onednn-avx2", "avx2", "fma", "bmi2", "f16c"),
            new Variant("-avx2", "avx2", "fma", "bmi2", "f16c"),
            new Variant("-onednn", "sse4_2"));

    private record Variant(String extension, String... flags) {
    }

    private static String decision;

    private NativeSelection() {
    }

    /**
     * Chooses and sets the native build variant, once. Returns a one-line account of the decision.
     */
    public static synchronized String apply() {
        if (decision != null) {
            return decision;
        }
        ClassLoader cl = NativeSelection.class.getClassLoader();
        if (cl != null && cl.getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null) {
            decision = "natives: CUDA backend on the class path; no CPU build chosen";
            return decision;
        }
        decision = choose(System.getProperty(EXTENSION_PROPERTY), System.getProperty(PROPERTY, "auto"),
                System.getProperty("os.name", ""), System.getProperty("os.arch", ""), cpuFlags(),
                NativeSelection::onClassPath);
        return decision;
    }

    /**
     * Prints the chosen value of {@value #EXTENSION_PROPERTY} (empty for the generic build), for scripts that
     * start a JVM where ND4J may load before any PLE4J class, such as a notebook kernel:
     * {@code java -D...extension=$(java -cp <class path> io.github.ple4j.model.NativeSelection) ...}.
     * Loads no ND4J class.
     */
    public static void main(String[] args) {
        String reason = apply();
        System.err.println(reason);
        System.out.println(System.getProperty(EXTENSION_PROPERTY, ""));
    }

    /** The decision logic, separated from the machine for tests; sets the property when it picks a variant. */
    static String choose(String userExtension, String mode, String os, String arch, Set<String> flags,
                         java.util.function.Predicate<String> available) {
        if (userExtension != null) {
            return "natives: " + EXTENSION_PROPERTY + "='" + userExtension + "' set by the user";
        }
        if (!mode.equals("auto") && !mode.equals("generic")) {
            throw new IllegalArgumentException(PROPERTY + " must be 'auto' or 'generic' but was '" + mode + "'");
        }
        if (mode.equals("generic")) {
            return generic("natives: generic (" + PROPERTY + "=generic)");
        }
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return generic("natives: generic (no CPU-specific builds for " + os + "/" + arch + ")");
        }
        for (Variant v : VARIANTS) {
            if (flags.containsAll(Arrays.asList(v.flags())) && available.test(v.extension())) {
                System.setProperty(EXTENSION_PROPERTY, v.extension());
                return "natives: linux-x86_64" + v.extension() + " (chosen for this CPU)";
            }
        }
        return generic("natives: generic (no CPU-specific build on the class path that this CPU supports)");
    }

    /**
     * Pins the generic build. Left unset, JavaCPP loads the first variant it finds on the class path, whether
     * or not the CPU can run it (measured: with the oneDNN AVX2 jar present it loaded that one).
     */
    private static String generic(String reason) {
        System.setProperty(EXTENSION_PROPERTY, "");
        return reason;
    }

    private static boolean onClassPath(String extension) {
        String path = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + extension + "/libjnind4jcpu.so";
        ClassLoader cl = NativeSelection.class.getClassLoader();
        return cl != null && cl.getResource(path) != null;
    }

    /** The CPU's feature flags from /proc/cpuinfo (empty when unreadable). */
    static Set<String> cpuFlags() {
        return CpuInfo.current().flags();
    }
}
