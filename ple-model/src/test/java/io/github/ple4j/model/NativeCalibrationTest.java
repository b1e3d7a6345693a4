package io.github.ple4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-machine cache of the measured native build. */
class NativeCalibrationTest {
    private static final CpuInfo EPYC = new CpuInfo("AMD EPYC 7B13", Set.of("sse4_2", "avx", "avx2", "fma", "bmi2"));

    @Test
    void theKeyNamesCpuFlagsReleaseAndBuilds() {
        assertEquals("AMD EPYC 7B13 | sse4_2,avx,avx2,fma | nd4j " + Versions.ND4J + " | builds generic,onednn-avx2,avx2",
                NativeCalibration.machineKey(EPYC, List.of("", "-onednn-avx2", "-avx2")));
    }

    @Test
    void roundTripsAndIgnoresOtherMachines(@TempDir Path dir) throws Exception {
        String key = NativeCalibration.machineKey(EPYC, List.of("", "-onednn-avx2", "-avx2"));
        NativeCalibration c = new NativeCalibration(key, "-avx2", Instant.parse("2026-12-01T12:00:00Z"),
                Map.of("", 0.93, "-onednn-avx2", 0.78, "-avx2", 1.0));
        Path f = c.save(dir);
        assertEquals(NativeCalibration.file(dir, key), f);
        assertEquals(c, NativeCalibration.load(dir, key).orElseThrow());
        // another set of builds (a jar added) is another key: no calibration for it yet
        String other = NativeCalibration.machineKey(EPYC, List.of("", "-avx2"));
        assertTrue(NativeCalibration.load(dir, other).isEmpty());
        // a file whose recorded key differs (hash collision, hand edit) is not trusted
        Files.writeString(NativeCalibration.file(dir, other), "machine=someone else\\nbest=-avx2\\nmeasuredAt=2026-12-01T12:00:00Z\\n");
        assertTrue(NativeCalibration.load(dir, other).isEmpty());
        // a malformed file counts as none
        Files.writeString(f, "machine=" + key.replace(":", "\\\\:") + "\\nbest=-avx2\\nmeasuredAt=yesterday\\n");
        assertTrue(NativeCalibration.load(dir, key).isEmpty());
        assertTrue(NativeCalibration.load(dir.resolve("missing"), key).isEmpty());
    }
}
