package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.NativeCalibration;
import io.github.ple4j.model.NativeSelection;
import io.github.ple4j.model.config.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativesCommandTest {
    @TempDir
    Path dir;

    @Test
    void scoresAreGeometricMeansOfSpeedRelativeToTheFastestPerCell() {
        // cell "a": fastest 200 (x); cell "b": fastest 90 (y). x: 200/200 and 60/90; y: 100/200 and 90/90.
        List<NativesCommand.Measured> m = List.of(
                new NativesCommand.Measured("-x", Map.of("a", List.of(190.0, 200.0, 210.0), "b", List.of(60.0))),
                new NativesCommand.Measured("-y", Map.of("a", List.of(100.0), "b", List.of(80.0, 100.0))));
        Map<String, Double> s = NativesCommand.scores(m);
        assertEquals(Math.sqrt(1.0 * 60 / 90), s.get("-x"), 1e-12);
        assertEquals(Math.sqrt(100.0 / 200 * 1.0), s.get("-y"), 1e-12);
        assertEquals("-x", NativesCommand.best(s));
        assertEquals("", NativesCommand.best(new java.util.LinkedHashMap<>(Map.of("", 1.0))));
    }

    /** Every build this CPU runs, each in its own JVM; each child must report that it loaded the build asked for. */
    @Test
    void measuresEveryRunnableBuildAndCachesTheFastest() throws Exception {
        List<String> builds = NativeSelection.runnableBuilds();
        Path cache = dir.resolve("cache");
        String saved = System.getProperty(NativeCalibration.DIR_PROPERTY);
        System.setProperty(NativeCalibration.DIR_PROPERTY, cache.toString());
        try {
            int code = new CommandLine(new NativesCommand()).execute("--config", "tiny", "--batch", "8", "--rounds", "1",
                    "--runs", "1", "--warmup", "1", "--run-seconds", "0.05", "--threads", "1", "--out", dir.resolve("out").toString());
            assertEquals(0, code);
        } finally {
            if (saved == null) {
                System.clearProperty(NativeCalibration.DIR_PROPERTY);
            } else {
                System.setProperty(NativeCalibration.DIR_PROPERTY, saved);
            }
        }
        if (builds.size() < 2) {
            assertTrue(Files.notExists(dir.resolve("out").resolve("natives.json")), "nothing to measure off Linux x86-64");
            return;
        }
        JsonNode root = ConfigJson.mapper().readTree(dir.resolve("out").resolve("natives.json").toFile());
        assertEquals(builds.size(), root.get("builds").size(), root.toString());
        assertEquals(0, root.get("failed").size());
        for (JsonNode b : root.get("builds")) {
            assertTrue(b.get("score").asDouble() > 0 && b.get("score").asDouble() <= 1.0, b.toString());
            assertTrue(b.get("samplesPerSecond").get("tiny train").get("median").asDouble() > 0, b.toString());
            assertTrue(b.get("samplesPerSecond").get("tiny infer").get("median").asDouble() > 0, b.toString());
        }
        NativeCalibration c = NativeCalibration.load(cache, NativeSelection.machineKey()).orElseThrow();
        assertEquals(root.get("fastest").asText(), NativeCalibration.label(c.best()));
        assertTrue(builds.contains(c.best()));
        double top = c.scores().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(top, c.scores().get(c.best()), 1e-12, "the cached build has the best score: " + c.scores());
        assertEquals(builds.size(), c.scores().size());
        assertTrue(Files.readString(dir.resolve("out").resolve("natives.md")).contains("| generic |"));
    }
}
