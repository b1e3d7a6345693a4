package io.github.ple4j.model;

import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Which ND4J backend is running and with how many threads. The backend is chosen by the classpath (the
 * Maven profile: {@code cpu} by default, {@code -Pcuda} for CUDA), never by code.
 */
public final class Backend {
    private Backend() {
    }

    /**
     * Limits ND4J's native threads. On small shared machines busy-waiting OpenMP threads make small models
     * many times slower; callers pass the user's choice (a flag, or {@code OMP_NUM_THREADS}).
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
        }
        setThreads(threads, threads);
    }

    /**
     * Limits libnd4j's op threads (OpenMP: element-wise ops, reductions, softmax; PLE4J's own Java kernels split
     * long vectors over as many) and BLAS's threads (matrix products) separately. The products are most of a
     * step's work and split well; the other ops work on small arrays, where waking and waiting for more threads
     * can cost more than it saves (see the README on threads).
     *
     * @throws IllegalArgumentException when a count is below 1
     */
    public static void setThreads(int opThreads, int blasThreads) {
        if (opThreads < 1 || blasThreads < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1 but op threads were " + opThreads
                    + " and BLAS threads " + blasThreads);
        }
        Nd4j.getEnvironment().setMaxThreads(opThreads);
        Nd4j.getEnvironment().setMaxMasterThreads(opThreads);
        Nd4j.factory().blas().setMaxThreads(blasThreads);
    }

    /** The thread count the user asked for through OMP_NUM_THREADS, or {@code fallback}. */
    public static int threadsFromEnvironment(int fallback) {
        String v = System.getenv("OMP_NUM_THREADS");
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("OMP_NUM_THREADS must be a positive integer but was '" + v + "'", e);
        }
    }

    /** Facts about the active backend, for logs and reports. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        m.put("backend", String.valueOf(env.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName())));
        m.put("backendClass", Nd4j.getBackend().getClass().getName());
        m.put("blas", String.valueOf(env.getOrDefault("blas.vendor", "?")));
        m.put("cores", String.valueOf(env.getOrDefault("cores", Runtime.getRuntime().availableProcessors())));
        m.put("maxThreads", String.valueOf(Nd4j.getEnvironment().maxThreads()));
        m.put("masterThreads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        m.put("blasThreads", String.valueOf(Nd4j.factory().blas().getMaxThreads()));
        m.put("ompThreads", String.valueOf(env.getOrDefault("omp.threads", "?")));
        m.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        m.put("OMP_WAIT_POLICY", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
        m.put("devices", String.valueOf(Nd4j.getAffinityManager().getNumberOfDevices()));
        m.put("platform", org.bytedeco.javacpp.Loader.getPlatform());
        String loaded = loadedNativeJar();
        String jar = loaded.equals("?") ? nativeJar(System.getProperty("java.class.path", "")) : loaded;
        m.put("nativeJar", jar.equals("?") ? nativeJarOfLoadedLibrary() : jar);
        m.put("nativeSelection", NativeSelection.apply());
        m.put("blasLibrary", loadedBlas(mappedFiles()));
        m.put("defaultDataType", String.valueOf(Nd4j.dataType()));
        m.put("nd4j", Versions.ND4J);
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /**
     * The file name of the ND4J native jar on a class path ({@code nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar},
     * {@code nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar}, ...), or "?" when none is listed (e.g. a fat jar).
     */
    static String nativeJar(String classPath) {
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            if (name.matches("nd4j-(native|cuda-[0-9.]+)-[^-]+(-M[0-9.]+)?-[a-z0-9_-]+\\.jar")) {
                return name;
            }
        }
        return "?";
    }

    /**
     * The jar JavaCPP extracted the loaded ND4J library from (its cache path names it), or "?". This is the
     * build actually running, whichever variants are on the class path.
     */
    /**
     * The OpenBLAS files the process has mapped (the bundled {@code libopenblas_nolapack.so.0} in JavaCPP's cache, or
     * the system's library and JavaCPP's copy of it), comma-separated; "?" when none is (CUDA, or not Linux).
     */
    static String loadedBlas(List<String> mapped) {
        List<String> found = mapped.stream().filter(f -> f.substring(f.lastIndexOf('/') + 1).startsWith("libopenblas"))
                .distinct().toList();
        return found.isEmpty() ? "?" : String.join(", ", found);
    }

    /** Paths of the files mapped into this process (Linux), or none. */
    private static List<String> mappedFiles() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")).stream()
                    .map(l -> l.indexOf('/') >= 0 ? l.substring(l.indexOf('/')) : "").filter(l -> !l.isEmpty())
                    .distinct().toList();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
    }

    static String loadedNativeJar() {
        for (Map.Entry<String, String> e : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().startsWith("jnind4j") && e.getValue() != null) {
                for (String part : e.getValue().split("[/\\\\]")) {
                    String name = nativeJar(part);
                    if (!name.equals("?")) {
                        return name;
                    }
                }
            }
        }
        return "?";
    }

    /** The jar that holds the native library the loaded backend uses (works under any class loader). */
    private static String nativeJarOfLoadedLibrary() {
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        for (String path : new String[]{"org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + "/libjnind4jcpu.so",
                "org/nd4j/linalg/jcublas/bindings/" + platform + "/libjnind4jcuda.so"}) {
            java.net.URL url = Nd4j.getBackend().getClass().getClassLoader().getResource(path);
            if (url != null && url.getPath().contains(".jar!")) {
                String p = url.getPath().substring(0, url.getPath().indexOf(".jar!") + 4);
                return nativeJar(p.substring(p.lastIndexOf('/') + 1));
            }
        }
        return "?";
    }

    /** One line for logs. */
    public static String summary() {
        Map<String, String> d = describe();
        return "ND4J backend " + d.get("backend") + " (blas " + d.get("blas") + ", " + d.get("blasThreads")
                + " BLAS thread(s), " + d.get("masterThreads") + " op thread(s), " + d.get("cores") + " cores), "
                + d.get("devices") + " device(s), natives " + d.get("nativeJar") + ", default data type "
                + d.get("defaultDataType") + ", ND4J " + d.get("nd4j") + ", Java " + d.get("java");
    }
}
