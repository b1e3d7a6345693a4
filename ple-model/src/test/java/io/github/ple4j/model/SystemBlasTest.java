package io.github.ple4j.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The choice between the bundled OpenBLAS and the system's ({@link SystemBlas}, {@link NativeSelection}): where the
 * library is looked for, which calibrated build is honoured with which library, the JavaCPP properties set, errors.
 */
class SystemBlasTest {
    private static final Set<String> AVX2 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi2", "f16c");
    private static final List<String> KEYS = List.of(NativeSelection.EXTENSION_PROPERTY, "org.bytedeco.openblas.load",
            "org.bytedeco.javacpp.pathsFirst", "java.library.path");
    private final Map<String, String> saved = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    @BeforeEach
    void save() {
        KEYS.forEach(k -> saved.put(k, System.getProperty(k)));
        KEYS.subList(0, 3).forEach(System::clearProperty);
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private Path library(String dir) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        Files.writeString(d.resolve("libopenblas.so.0"), "not really a library");
        return d;
    }

    private static NativeCalibration calibration(String best) {
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("", 0.90);
        scores.put("-avx2", 0.95);
        scores.put("-onednn-avx2", 0.80);
        scores.put("-avx2" + SystemBlas.SUFFIX, 1.0);
        scores.put("-onednn-avx2" + SystemBlas.SUFFIX, 0.97);
        return new NativeCalibration("m", best, Instant.parse("2026-12-01T10:00:00Z"), scores);
    }

    private static String choose(NativeCalibration c, String blas, Optional<Path> dir) {
        return NativeSelection.choose(null, "auto", "Linux", "amd64", AVX2, x -> true, c, blas, dir);
    }

    @Test
    void theLibraryIsLookedForInTheGivenDirectoryFirstThenTheUsualOnes() throws IOException {
        Path usual = library("usr-lib");
        Path mine = library("mine");
        assertEquals(Optional.of(mine), SystemBlas.find(mine.toString(), List.of(usual.toString())));
        assertEquals(Optional.of(usual), SystemBlas.find(tmp.resolve("nothing").toString(), List.of(usual.toString())));
        assertEquals(Optional.of(usual), SystemBlas.find(null, List.of(tmp.resolve("none").toString(), usual.toString())));
        assertEquals(Optional.empty(), SystemBlas.find(null, List.of(tmp.resolve("none").toString())));
    }

    @Test
    void aBuildCalibratedWithTheSystemsLibraryLoadsIt() throws IOException {
        Path dir = library("lib");
        System.setProperty("java.library.path", "/elsewhere");
        String d = choose(calibration("-avx2" + SystemBlas.SUFFIX), null, Optional.of(dir));
        assertEquals("natives: linux-x86_64-avx2 (fastest of 5 builds measured on this machine on 2026-12-01; ple-bench"
                + " natives measures again) with the system's OpenBLAS (" + SystemBlas.resolved(dir) + ")", d);
        assertEquals("-avx2", System.getProperty(NativeSelection.EXTENSION_PROPERTY));
        assertEquals("openblas", System.getProperty("org.bytedeco.openblas.load"));
        assertEquals("true", System.getProperty("org.bytedeco.javacpp.pathsFirst"));
        assertEquals(dir + File.pathSeparator + "/elsewhere", System.getProperty("java.library.path"));
    }

    @Test
    void withoutTheLibraryThatCalibrationIsNotTakenAndNothingIsSet() {
        String d = choose(calibration("-avx2" + SystemBlas.SUFFIX), null, Optional.empty());
        assertEquals("natives: linux-x86_64-onednn-avx2 (chosen by CPU flags; ple-bench natives measures which is"
                + " fastest)", d);
        assertNull(System.getProperty("org.bytedeco.openblas.load"));
        assertNull(System.getProperty("org.bytedeco.javacpp.pathsFirst"));
    }

    @Test
    void bundledAndSystemTakeTheFastestMeasuredBuildWithThatLibrary() throws IOException {
        Path dir = library("lib");
        String d = choose(calibration("-avx2" + SystemBlas.SUFFIX), "bundled", Optional.of(dir));
        assertTrue(d.startsWith("natives: linux-x86_64-avx2 (fastest of 5 builds"), d);
        assertTrue(!d.contains("OpenBLAS"), d);
        assertNull(System.getProperty("org.bytedeco.openblas.load"), "the bundled library stays");
        // A calibration that preferred the bundled library, forced to the system's: the best build measured with it.
        String s = choose(calibration("-avx2"), "SYSTEM", Optional.of(dir));
        assertEquals("natives: linux-x86_64-avx2 (fastest of 5 builds measured on this machine on 2026-12-01;"
                + " ple-bench natives measures again) with the system's OpenBLAS (" + SystemBlas.resolved(dir) + ")", s);
        assertEquals("openblas", System.getProperty("org.bytedeco.openblas.load"));
    }

    @Test
    void propertiesTheUserSetAreKept() throws IOException {
        Path dir = library("lib");
        System.setProperty("org.bytedeco.openblas.load", "mkl_rt");
        System.setProperty("java.library.path", dir.toString());
        choose(null, "system", Optional.of(dir));
        assertEquals("mkl_rt", System.getProperty("org.bytedeco.openblas.load"));
        assertEquals(dir.toString(), System.getProperty("java.library.path"), "the directory is not added twice");
    }

    @Test
    void errorsNameThePropertyAndWhereTheLibraryWasLookedFor() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> choose(null, "system", Optional.empty()));
        assertEquals("ple4j.blas=system but no libopenblas.so.0 was found in ple4j.blas.dir or [/usr/lib/x86_64-linux-gnu,"
                + " /usr/lib64, /usr/lib, /usr/local/lib] (install the system's OpenBLAS, e.g. Debian's"
                + " libopenblas0-pthread, or set ple4j.blas.dir)", e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> choose(null, "fastest", Optional.empty()));
        assertEquals("ple4j.blas must be 'auto', 'bundled' or 'system' but was 'fastest'", a.getMessage());
    }

    @Test
    void labelsKeysAndTheLoadedLibrary() {
        assertEquals("generic+system-blas", NativeCalibration.label(SystemBlas.SUFFIX));
        assertEquals("onednn-avx2+system-blas", NativeCalibration.label("-onednn-avx2" + SystemBlas.SUFFIX));
        assertEquals(List.of("", "-avx2", "+system-blas", "-avx2+system-blas"),
                NativeSelection.withSystemBlas(List.of("", "-avx2"), true));
        assertEquals(List.of("", "-avx2"), NativeSelection.withSystemBlas(List.of("", "-avx2"), false));
        CpuInfo cpu = new CpuInfo("AMD EPYC", Set.of("avx2", "fma"));
        assertEquals(NativeCalibration.machineKey(cpu, List.of("", "-avx2")) + " | system BLAS /usr/lib/libopenblasp-r0.3.21.so",
                NativeCalibration.machineKey(cpu, List.of("", "-avx2"), "/usr/lib/libopenblasp-r0.3.21.so"));
        assertEquals("/c/libopenblas_nolapack.so.0, /usr/lib/libopenblasp-r0.3.21.so", Backend.loadedBlas(List.of(
                "/c/libjniopenblas.so", "/c/libopenblas_nolapack.so.0", "/usr/lib/libgomp.so.1",
                "/usr/lib/libopenblasp-r0.3.21.so", "/c/libopenblas_nolapack.so.0")));
        assertEquals("?", Backend.loadedBlas(List.of("/usr/lib/libcudart.so")));
    }
}
