package io.github.ple4j.model;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The measured choice of native build for one machine, cached on disk: which of the bundled builds of ND4J's natives
 * was fastest here, and the relative scores of all of them. CPU flags alone choose badly on some machines (on an AMD
 * EPYC with AVX2 the oneDNN AVX2 build ran large-model inference about 20-40% slower than the generic and plain AVX2
 * builds), so {@code ple-bench natives} measures every build the CPU runs and saves the result here;
 * {@link NativeSelection} reads it at start-up. Loads no ND4J class.
 *
 * <p>The result is valid for one machine key: the CPU model, its vector flags, the ND4J version and the set of
 * builds on the class path; any change (another CPU, another release, a build added or removed) ignores it. The
 * file is {@code natives-<key hash>.properties} in {@value #DIR_PROPERTY} (default {@code ~/.cache/ple4j}).
 *
 * @param machine    the machine key the measurement belongs to
 * @param best       the fastest build's extension ("" for the generic build)
 * @param measuredAt when it was measured
 * @param scores     every measured build's score: geometric mean of its speed relative to the fastest build in each
 *                   measured cell (1.0 for a build that was fastest everywhere)
 */
public record NativeCalibration(String machine, String best, Instant measuredAt, Map<String, Double> scores) {
    /** System property naming the cache directory. */
    public static final String DIR_PROPERTY = "ple4j.natives.cacheDir";

    public NativeCalibration {
        scores = Map.copyOf(scores);
    }

    /** The cache directory: {@value #DIR_PROPERTY}, else {@code ~/.cache/ple4j}. */
    public static Path cacheDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home", "."), ".cache", "ple4j");
    }

    /** The key of this machine: CPU model and vector flags, ND4J version, and the builds available. */
    public static String machineKey(CpuInfo cpu, List<String> available) {
        return machineKey(cpu, available, null);
    }

    /**
     * As {@link #machineKey(CpuInfo, List)} with the file the system's OpenBLAS resolves to (null when there is
     * none), so that another version of that library is measured again.
     */
    public static String machineKey(CpuInfo cpu, List<String> available, String systemBlas) {
        return cpu.model() + " | " + String.join(",", cpu.vectorFlags()) + " | nd4j " + Versions.ND4J + " | builds "
                + String.join(",", available.stream().map(NativeCalibration::label).toList())
                + (systemBlas == null ? "" : " | system BLAS " + systemBlas);
    }

    /**
     * "generic" for the empty extension, else the extension without its leading dash; a build measured with the
     * system's OpenBLAS keeps its {@link SystemBlas#SUFFIX} ("avx2+system-blas").
     */
    public static String label(String extension) {
        if (SystemBlas.marks(extension)) {
            return label(SystemBlas.extension(extension)) + SystemBlas.SUFFIX;
        }
        return extension.isEmpty() ? "generic" : extension.substring(1);
    }

    /** The cache file for a machine key. */
    public static Path file(Path dir, String machine) {
        return dir.resolve(String.format(Locale.ROOT, "natives-%08x.properties", machine.hashCode()));
    }

    /**
     * The cached measurement for this machine key, if one exists and was made for exactly this key. An unreadable
     * or malformed file counts as none (the choice then falls back to CPU flags).
     */
    public static Optional<NativeCalibration> load(Path dir, String machine) {
        Path f = file(dir, machine);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
            if (!machine.equals(p.getProperty("machine")) || p.getProperty("best") == null) {
                return Optional.empty();
            }
            Map<String, Double> scores = new LinkedHashMap<>();
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("score.")) {
                    scores.put(k.substring("score.".length()), Double.parseDouble(p.getProperty(k)));
                }
            }
            return Optional.of(new NativeCalibration(machine, p.getProperty("best"),
                    Instant.parse(p.getProperty("measuredAt")), scores));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes this measurement to its cache file (atomically: a reader never sees half a file). */
    public Path save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("machine", machine);
        p.setProperty("best", best);
        p.setProperty("measuredAt", measuredAt.toString());
        scores.forEach((k, v) -> p.setProperty("score." + k, Double.toString(v)));
        Path f = file(dir, machine);
        Path tmp = Files.createTempFile(dir, "natives", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "PLE4J native build calibration (ple-bench natives); delete to choose by CPU flags again");
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return f;
    }
}
