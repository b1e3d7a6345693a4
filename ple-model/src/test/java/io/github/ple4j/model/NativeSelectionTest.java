package io.github.ple4j.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The choice of native build by CPU flags and class path (the machine is passed in, the property is checked). */
class NativeSelectionTest {
    private static final Set<String> AVX512 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi2", "f16c", "avx512f",
            "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    private static final Set<String> AVX2 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi2", "f16c");
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(NativeSelection.EXTENSION_PROPERTY);
        System.clearProperty(NativeSelection.EXTENSION_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(NativeSelection.EXTENSION_PROPERTY);
        } else {
            System.setProperty(NativeSelection.EXTENSION_PROPERTY, saved);
        }
    }

    private static String ext() {
        return System.getProperty(NativeSelection.EXTENSION_PROPERTY);
    }

    @Test
    void picksTheBestBuildTheCpuRunsAndTheClassPathHas() {
        Set<String> bundled = Set.of("-onednn-avx512", "-onednn-avx2");
        assertEquals("natives: linux-x86_64-onednn-avx512 (chosen by CPU flags; ple-bench natives measures which is fastest)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX512, bundled::contains, null));
        assertEquals("-onednn-avx512", ext());
        System.clearProperty(NativeSelection.EXTENSION_PROPERTY);
        assertEquals("natives: linux-x86_64-onednn-avx2 (chosen by CPU flags; ple-bench natives measures which is fastest)",
                NativeSelection.choose(null, "auto", "Linux", "x86_64", AVX2, bundled::contains, null));
        assertEquals("-onednn-avx2", ext());
    }

    @Test
    void pinsTheGenericBuildWhenNothingFits() {
        assertEquals("natives: generic (no CPU-specific build on the class path that this CPU supports)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", Set.of("sse2", "avx"), x -> true, null));
        assertEquals("natives: generic (no CPU-specific build on the class path that this CPU supports)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX512, x -> false, null));
        assertEquals("natives: generic (no CPU-specific builds for Mac OS X/aarch64)",
                NativeSelection.choose(null, "auto", "Mac OS X", "aarch64", AVX512, x -> true, null));
        assertEquals("natives: generic (ple4j.natives=generic)",
                NativeSelection.choose(null, "generic", "Linux", "amd64", AVX512, x -> true, null));
        // pinned, so JavaCPP does not pick a variant from the class path by itself
        assertEquals("", ext());
    }

    @Test
    void theUsersChoiceWins() {
        assertEquals("natives: org.bytedeco.javacpp.platform.extension='' set by the user",
                NativeSelection.choose("", "auto", "Linux", "amd64", AVX512, x -> true, null));
        assertNull(ext(), "the property is left as the user set it");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeSelection.choose(null, "fast", "Linux", "amd64", AVX512, x -> true, null));
        assertEquals("ple4j.natives must be 'auto', 'flags' or 'generic' but was 'fast'", e.getMessage());
    }

    private static NativeCalibration measured(String best) {
        return new NativeCalibration("m", best, java.time.Instant.parse("2026-11-30T10:00:00Z"),
                java.util.Map.of("", 0.97, "-avx2", 1.0, "-onednn-avx2", 0.81));
    }

    @Test
    void aCalibrationOfThisMachineBeatsTheFlags() {
        Set<String> bundled = Set.of("-onednn-avx2", "-avx2");
        assertEquals("natives: linux-x86_64-avx2 (fastest of 3 builds measured on this machine on 2026-11-30;"
                        + " ple-bench natives measures again)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX2, bundled::contains, measured("-avx2")));
        assertEquals("-avx2", ext());
        assertEquals("natives: generic (fastest of 3 builds measured on this machine on 2026-11-30;"
                        + " ple-bench natives measures again)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX2, bundled::contains, measured("")));
        assertEquals("", ext(), "the generic build is pinned");
        // ple4j.natives=flags ignores it
        assertEquals("natives: linux-x86_64-onednn-avx2 (chosen by CPU flags; ple-bench natives measures which is fastest)",
                NativeSelection.choose(null, "flags", "Linux", "amd64", AVX2, bundled::contains, measured("-avx2")));
        // a measured build that is no longer on the class path (or that this CPU cannot run) is not taken
        assertEquals("natives: linux-x86_64-onednn-avx2 (chosen by CPU flags; ple-bench natives measures which is fastest)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX2, "-onednn-avx2"::equals, measured("-avx2")));
        assertEquals("natives: linux-x86_64-onednn-avx2 (chosen by CPU flags; ple-bench natives measures which is fastest)",
                NativeSelection.choose(null, "auto", "Linux", "amd64", AVX2, x -> true, measured("-avx512")));
    }

    @Test
    void runnableBuildsFollowTheFlagsAndTheClassPath() {
        assertEquals(java.util.List.of("", "-onednn-avx2", "-avx2", "-onednn"), NativeSelection.runnable(AVX2, x -> true));
        assertEquals(java.util.List.of("", "-onednn-avx512", "-avx512", "-onednn-avx2", "-avx2", "-onednn"),
                NativeSelection.runnable(AVX512, x -> true));
        assertEquals(java.util.List.of("", "-avx2"), NativeSelection.runnable(AVX512, "-avx2"::equals));
    }

    @Test
    void readsTheFlagsOfThisMachine() {
        // On Linux the flags are read; elsewhere the set is empty. Either way no exception.
        Set<String> flags = NativeSelection.cpuFlags();
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertEquals(true, flags.contains("sse2"), "every x86-64 CPU has sse2: " + flags);
        }
    }
}
