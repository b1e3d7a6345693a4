package io.github.ple4j.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the fastest build of ND4J's CPU natives that the processor can run, before ND4J loads them.
 *
 * <p>nd4j-native ships one generic x86-64 build and CPU-specific ones (classifiers {@code -avx2},
 * {@code -avx512}, {@code -onednn-avx2}, {@code -onednn-avx512}). An AVX-512 build on a CPU without AVX-512
 * dies with an illegal instruction, so the choice cannot be fixed at build time for a binary that runs
 * anywhere. When several builds are on the class path (ple-bench and ple-cli bundle all five on Linux x86-64),
 * this sets JavaCPP's {@value #EXTENSION_PROPERTY} to:
 * <ol>
 *   <li>the build measured fastest on this machine, when {@code ple-bench natives} has measured them and cached the
 *       result ({@link NativeCalibration}; the cache is per CPU model, flags, ND4J version and set of builds);</li>
 *   <li>otherwise the first build the CPU's flags allow, in the order oneDNN AVX-512, AVX-512, oneDNN AVX2, AVX2,
 *       oneDNN. Flags are a guess: on an AVX-512 machine the oneDNN AVX-512 build trained 1.2-1.4x faster than
 *       the generic one, but on an AMD EPYC with AVX2 the oneDNN AVX2 build ran large-model inference slower than
 *       the generic and plain AVX2 builds.</li>
 * </ol>
 *
 * <p>Otherwise it pins the generic build (property set to empty): left unset, JavaCPP itself loads the first
 * variant on the class path, even one the CPU cannot run. It changes nothing when the user set
 * {@value #EXTENSION_PROPERTY} (empty means generic), and has no effect once ND4J has loaded its natives (so
 * call {@link #apply()} first thing in {@code main}; {@code PleModel} calls it when its class loads).
 * {@value #PROPERTY}{@code =generic} pins the generic build, {@code =flags} ignores the calibration. Not for CUDA.
 */
public final class NativeSelection {
    /** JavaCPP's system property naming the native build variant ("" for generic, "-onednn-avx512", ...). */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /**
     * PLE4J's switch: {@code auto} (default) takes this machine's calibration, else the CPU flags; {@code flags}
     * chooses by CPU flags only; {@code generic} keeps the generic build.
     */
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
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        Set<String> flags = cpuFlags();
        NativeCalibration calibration = null;
        Optional<Path> systemBlas = linuxX86(os, arch) ? SystemBlas.find() : Optional.empty();
        if (System.getProperty(EXTENSION_PROPERTY) == null && linuxX86(os, arch)) {
            String key = machineKey(flags, systemBlas);
            calibration = NativeCalibration.load(NativeCalibration.cacheDir(), key).orElse(null);
        }
        decision = choose(System.getProperty(EXTENSION_PROPERTY), System.getProperty(PROPERTY, "auto"), os, arch,
                flags, NativeSelection::onClassPath, calibration, System.getProperty(SystemBlas.PROPERTY), systemBlas);
        return decision;
    }

    /**
     * The builds this machine can run that are on the class path, generic ("") first, then the CPU-specific ones
     * in the order of preference by flags; when the system has an OpenBLAS ({@link SystemBlas}), each again with
     * {@link SystemBlas#SUFFIX} (the build with the system's OpenBLAS). Empty off Linux x86-64 (only the generic
     * build exists there; it is then not listed, since nothing is to be chosen).
     */
    public static List<String> runnableBuilds() {
        if (!linuxX86(System.getProperty("os.name", ""), System.getProperty("os.arch", ""))) {
            return List.of();
        }
        return withSystemBlas(runnable(cpuFlags(), NativeSelection::onClassPath), SystemBlas.find().isPresent());
    }

    static List<String> withSystemBlas(List<String> builds, boolean systemBlas) {
        if (!systemBlas) {
            return builds;
        }
        List<String> all = new java.util.ArrayList<>(builds);
        builds.forEach(b -> all.add(b + SystemBlas.SUFFIX));
        return List.copyOf(all);
    }

    /** This machine's calibration key (see {@link NativeCalibration#machineKey}). */
    public static String machineKey() {
        return machineKey(cpuFlags(), SystemBlas.find());
    }

    private static String machineKey(Set<String> flags, Optional<Path> systemBlas) {
        return NativeCalibration.machineKey(CpuInfo.current(),
                withSystemBlas(runnable(flags, NativeSelection::onClassPath), systemBlas.isPresent()),
                systemBlas.map(SystemBlas::resolved).orElse(null));
    }

    static List<String> runnable(Set<String> flags, java.util.function.Predicate<String> available) {
        List<String> r = new java.util.ArrayList<>();
        r.add("");
        for (Variant v : VARIANTS) {
            if (flags.containsAll(Arrays.asList(v.flags())) && available.test(v.extension())) {
                r.add(v.extension());
            }
        }
        return List.copyOf(r);
    }

    private static boolean linuxX86(String os, String arch) {
        return os.toLowerCase(Locale.ROOT).startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
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

    /** As the full {@code choose} with the bundled OpenBLAS ({@link SystemBlas#PROPERTY} unset, none installed). */
    static String choose(String userExtension, String mode, String os, String arch, Set<String> flags,
                         java.util.function.Predicate<String> available, NativeCalibration calibration) {
        return choose(userExtension, mode, os, arch, flags, available, calibration, null, Optional.empty());
    }

    /**
     * The decision logic, separated from the machine for tests; sets the properties of the build and BLAS it picks.
     * {@code calibration} is this machine's cached measurement, or null; {@code blasMode} the value of
     * {@link SystemBlas#PROPERTY} (null = auto); {@code systemBlas} the directory of the system's OpenBLAS, if any.
     *
     * @throws IllegalArgumentException for an unknown mode
     * @throws IllegalStateException    when the system's OpenBLAS is asked for and there is none
     */
    static String choose(String userExtension, String mode, String os, String arch, Set<String> flags,
                         java.util.function.Predicate<String> available, NativeCalibration calibration,
                         String blasMode, Optional<Path> systemBlas) {
        String blas = SystemBlas.mode(blasMode);
        if (blas.equals("system") && systemBlas.isEmpty()) {
            throw new IllegalStateException(SystemBlas.PROPERTY + "=system but no " + SystemBlas.LIBRARY + " was found in "
                    + SystemBlas.DIR_PROPERTY + " or " + SystemBlas.DIRS + " (install the system's OpenBLAS, e.g."
                    + " Debian's libopenblas0-pthread, or set " + SystemBlas.DIR_PROPERTY + ")");
        }
        String[] build = {null};
        String reason = chooseBuild(userExtension, mode, os, arch, flags, available, calibration, blas,
                systemBlas.isPresent(), build);
        boolean system = blas.equals("system") || (build[0] != null && SystemBlas.marks(build[0]));
        if (!system) {
            return reason;
        }
        return reason + " with " + SystemBlas.use(systemBlas.orElseThrow());
    }

    private static String chooseBuild(String userExtension, String mode, String os, String arch, Set<String> flags,
                                      java.util.function.Predicate<String> available, NativeCalibration calibration,
                                      String blas, boolean systemBlas, String[] chosen) {
        if (userExtension != null) {
            return "natives: " + EXTENSION_PROPERTY + "='" + userExtension + "' set by the user";
        }
        if (!mode.equals("auto") && !mode.equals("flags") && !mode.equals("generic")) {
            throw new IllegalArgumentException(PROPERTY + " must be 'auto', 'flags' or 'generic' but was '" + mode + "'");
        }
        if (mode.equals("generic")) {
            return generic("natives: generic (" + PROPERTY + "=generic)");
        }
        if (!linuxX86(os, arch)) {
            return generic("natives: generic (no CPU-specific builds for " + os + "/" + arch + ")");
        }
        List<String> runnable = runnable(flags, available);
        String best = mode.equals("auto") ? calibrated(calibration, runnable, blas, systemBlas) : null;
        if (best != null) {
            chosen[0] = best;
            String ext = SystemBlas.extension(best);
            String how = " (fastest of " + calibration.scores().size() + " builds measured on this machine on "
                    + calibration.measuredAt().toString().substring(0, 10) + "; ple-bench natives measures again)";
            if (ext.isEmpty()) {
                return generic("natives: generic" + how);
            }
            System.setProperty(EXTENSION_PROPERTY, ext);
            return "natives: linux-x86_64" + ext + how;
        }
        if (runnable.size() > 1) {
            String first = runnable.get(1);
            System.setProperty(EXTENSION_PROPERTY, first);
            return "natives: linux-x86_64" + first + " (chosen by CPU flags; ple-bench natives measures which is fastest)";
        }
        return generic("natives: generic (no CPU-specific build on the class path that this CPU supports)");
    }

    /**
     * The calibration's choice that can be honoured here: its fastest build when {@code blas} is auto (a build
     * measured with the system's OpenBLAS only while that library is there), else the fastest measured build with
     * the asked-for OpenBLAS; null when none is runnable.
     */
    private static String calibrated(NativeCalibration calibration, List<String> runnable, String blas,
                                     boolean systemBlas) {
        if (calibration == null) {
            return null;
        }
        java.util.function.Predicate<String> ok = b -> runnable.contains(SystemBlas.extension(b))
                && (!SystemBlas.marks(b) || systemBlas);
        if (blas.equals("auto")) {
            return ok.test(calibration.best()) ? calibration.best() : null;
        }
        boolean wantSystem = blas.equals("system");
        String best = null;
        for (Map.Entry<String, Double> e : calibration.scores().entrySet()) {
            if (ok.test(e.getKey()) && SystemBlas.marks(e.getKey()) == wantSystem
                    && (best == null || e.getValue() > calibration.scores().get(best))) {
                best = e.getKey();
            }
        }
        return best;
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
