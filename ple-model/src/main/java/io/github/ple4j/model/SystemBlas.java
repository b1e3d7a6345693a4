package io.github.ple4j.model;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operating system's OpenBLAS, which JavaCPP can load in place of the OpenBLAS 0.3.19 that ND4J 1.0.0-M2.1
 * bundles. Newer releases pack transposed operands faster: measured on an AMD EPYC (Zen 3, AVX2, one thread), the
 * large config's first expert product ([3072, 499] x [499, 256] with both operands transposed) ran at 51-57
 * GFLOP/s with the bundled library and 62-75 with Debian 12's OpenBLAS 0.3.21, and large-config inference 15-25%
 * faster end to end; on small products the two were within noise. Which is faster depends on the machine and its
 * library, so {@code ple-bench natives} measures both when a system OpenBLAS exists and {@link NativeSelection}
 * loads the system one only when that measurement chose it, or when {@value #PROPERTY}{@code =system} asks for it.
 *
 * <p>Loading it sets three JavaCPP properties before ND4J loads its natives (each only when the user has not set
 * it): {@code org.bytedeco.openblas.load=openblas} (load {@code libopenblas.so.0} in place of the bundled
 * {@code libopenblas_nolapack.so.0}), {@code org.bytedeco.javacpp.pathsFirst=true} and the library's directory in
 * front of {@code java.library.path} (search there before the jars). With {@code pathsFirst} JavaCPP also takes
 * other libraries found there from the system, such as {@code libgomp}. Linux only; not for CUDA.
 */
public final class SystemBlas {
    /** {@code auto} (default: the calibration decides), {@code bundled} or {@code system}. */
    public static final String PROPERTY = "ple4j.blas";
    /** A directory searched before the usual ones for {@code libopenblas.so.0}. */
    public static final String DIR_PROPERTY = "ple4j.blas.dir";
    /** Marks a calibrated build measured with the system's OpenBLAS ("-onednn-avx2+system-blas"). */
    public static final String SUFFIX = "+system-blas";
    static final String LIBRARY = "libopenblas.so.0";
    static final List<String> DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib");

    private SystemBlas() {
    }

    /** The directory holding the system's {@code libopenblas.so.0}: {@value #DIR_PROPERTY} first, then the usual ones. */
    public static Optional<Path> find() {
        String first = System.getProperty(DIR_PROPERTY);
        return find(first, DIRS);
    }

    static Optional<Path> find(String first, List<String> dirs) {
        List<String> all = new java.util.ArrayList<>();
        if (first != null && !first.isBlank()) {
            all.add(first);
        }
        all.addAll(dirs);
        for (String d : all) {
            Path lib = Path.of(d, LIBRARY);
            if (Files.isRegularFile(lib)) {      // follows symbolic links (Debian's alternatives)
                return Optional.of(Path.of(d));
            }
        }
        return Optional.empty();
    }

    /** The file the library in {@code dir} resolves to, e.g. {@code .../openblas-pthread/libopenblasp-r0.3.21.so}. */
    public static String resolved(Path dir) {
        Path lib = dir.resolve(LIBRARY);
        try {
            return lib.toRealPath().toString();
        } catch (IOException e) {
            return lib.toString();
        }
    }

    /** The mode asked for by {@value #PROPERTY}; throws naming the property for anything else. */
    static String mode(String value) {
        String m = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("bundled") && !m.equals("system")) {
            throw new IllegalArgumentException(PROPERTY + " must be 'auto', 'bundled' or 'system' but was '" + value + "'");
        }
        return m;
    }

    /** Whether a build label asks for the system's OpenBLAS. */
    public static boolean marks(String build) {
        return build.endsWith(SUFFIX);
    }

    /** The native build extension of a build label (without {@link #SUFFIX}). */
    public static String extension(String build) {
        return marks(build) ? build.substring(0, build.length() - SUFFIX.length()) : build;
    }

    /**
     * Makes JavaCPP load the OpenBLAS in {@code dir}; properties the user set are left alone. Returns what it did,
     * for the decision line.
     */
    static String use(Path dir) {
        setUnlessSet("org.bytedeco.openblas.load", "openblas");
        setUnlessSet("org.bytedeco.javacpp.pathsFirst", "true");
        String path = System.getProperty("java.library.path", "");
        String d = dir.toString();
        if (!List.of(path.split(File.pathSeparator)).contains(d)) {
            System.setProperty("java.library.path", path.isEmpty() ? d : d + File.pathSeparator + path);
        }
        return "the system's OpenBLAS (" + resolved(dir) + ")";
    }

    private static void setUnlessSet(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
