package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.config.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThroughputCommandTest {
    @TempDir
    Path dir;

    @Test
    void tinyConfigWritesSaneJson() throws IOException {
        int code = new CommandLine(new ThroughputCommand()).execute("--config", "tiny", "--batch", "8,16",
                "--warmup", "1", "--runs", "2", "--steps", "2", "--threads", "1", "--out", dir.toString());
        assertEquals(0, code);
        JsonNode root = ConfigJson.mapper().readTree(dir.resolve("throughput.json").toFile());
        assertTrue(Files.readString(dir.resolve("throughput.md")).contains("| tiny |"));

        JsonNode prov = root.get("provenance");
        assertEquals("throughput", prov.get("command").asText());
        assertEquals(1, prov.get("threads").asInt());
        assertEquals(List.of(8, 16), List.of(prov.get("batchSizes").get(0).asInt(), prov.get("batchSizes").get(1).asInt()));
        assertEquals(2, prov.get("timedRuns").asInt());
        assertEquals(1, prov.get("warmupRuns").asInt());
        for (String key : List.of("created", "java", "library", "flopConvention")) {
            assertFalse(prov.get(key).asText().isBlank(), key);
        }
        assertTrue(prov.get("backend").has("backend"));
        assertEquals(System.getProperty("java.version"), prov.get("java").asText());

        JsonNode results = root.get("results");
        assertEquals(1, results.size());
        JsonNode r = results.get(0);
        assertEquals("tiny", r.get("config").asText());
        assertEquals(10, r.get("configJson").get("inputs").get("denseSize").asInt());
        long forward = r.get("flopsPerSample").get("forward").asLong();
        assertEquals(FlopCount.of(BenchConfigs.get("tiny")).forward(), forward);
        assertEquals(3 * forward, r.get("flopsPerSample").get("training").asLong());
        assertTrue(r.get("params").asLong() > 0);

        JsonNode batches = r.get("batches");
        assertEquals(2, batches.size());
        for (int i = 0; i < 2; i++) {
            JsonNode b = batches.get(i);
            assertEquals(i == 0 ? 8 : 16, b.get("batchSize").asInt());
            for (String phase : List.of("train", "infer")) {
                JsonNode p = b.get(phase);
                assertEquals(2, p.get("stepsPerRun").asInt(), phase);
                assertEquals(2, p.get("runs").size(), phase);
                JsonNode s = p.get("samplesPerSecond");
                int batch = i == 0 ? 8 : 16;
                double[] speeds = new double[2];
                for (int k = 0; k < 2; k++) {
                    JsonNode run = p.get("runs").get(k);
                    // every run is its steps' samples over its measured seconds
                    assertEquals(2.0 * batch / run.get("seconds").asDouble(), run.get("samplesPerSecond").asDouble(),
                            1e-9 * run.get("samplesPerSecond").asDouble(), phase);
                    speeds[k] = run.get("samplesPerSecond").asDouble();
                }
                assertEquals(Math.min(speeds[0], speeds[1]), s.get("min").asDouble(), 0.0, phase);
                assertEquals(Math.max(speeds[0], speeds[1]), s.get("max").asDouble(), 0.0, phase);
                assertEquals((speeds[0] + speeds[1]) / 2, s.get("median").asDouble(), 1e-9 * speeds[0], phase);
                assertEquals(1000.0 * batch / s.get("median").asDouble(), p.get("msPerBatchMedian").asDouble(), 1e-9, phase);
                assertTrue(s.get("min").asDouble() > 0, phase);
                assertTrue(s.get("min").asDouble() <= s.get("median").asDouble(), phase);
                assertTrue(s.get("median").asDouble() <= s.get("max").asDouble(), phase);
                long flops = phase.equals("train") ? 3 * forward : forward;
                assertEquals(s.get("median").asDouble() * flops / 1e9, p.get("gflopsPerSecond").get("median").asDouble(), 1e-9);
                JsonNode m = p.get("memory");
                assertTrue(m.get("heapUsedPoolPeakBytes").asLong() > 0, phase);
                assertTrue(m.get("heapUsedSampledPeakBytes").asLong() > 0, phase);
                if (Files.isReadable(Path.of("/proc/self/status"))) {
                    assertTrue(m.get("rssPeakBytes").asLong() > 0, phase);
                    assertTrue(m.get("javacppPhysicalPeakBytes").asLong() > 0, phase);
                }
            }
        }
    }

    @Test
    void profileReportsTheOpsOfOneMoreRunPerPhase() throws IOException {
        int code = new CommandLine(new ThroughputCommand()).execute("--config", "tiny", "--batch", "8",
                "--warmup", "1", "--runs", "1", "--steps", "3", "--threads", "1", "--profile", "--out", dir.toString());
        assertEquals(0, code);
        JsonNode b = ConfigJson.mapper().readTree(dir.resolve("throughput.json").toFile())
                .get("results").get(0).get("batches").get(0);
        for (String phase : List.of("train", "infer")) {
            JsonNode ops = b.get("opProfile").get(phase);
            assertTrue(ops.size() > 3, phase);
            double share = 0;
            double previous = Double.MAX_VALUE;
            for (JsonNode o : ops) {
                share += o.get("share").asDouble();
                assertTrue(o.get("msPerStep").asDouble() <= previous, "longest first");
                previous = o.get("msPerStep").asDouble();
            }
            assertEquals(1.0, share, 1e-9, phase);
            // The pass's wall time per step holds the ops' time; the rest is outside them.
            JsonNode step = b.get("opProfile").get(phase + "Step");
            double opsMs = 0;
            for (JsonNode o : ops) {
                opsMs += o.get("msPerStep").asDouble();
            }
            assertEquals(opsMs, step.get("opsMsPerStep").asDouble(), 1e-9, phase);
            assertTrue(step.get("msPerStep").asDouble() > opsMs, phase);
            assertEquals(1 - opsMs / step.get("msPerStep").asDouble(), step.get("outsideOpsShare").asDouble(), 1e-12);
        }
        // tiny (2 levels, 1 expert per task, 2 shared, towers [3]): level 0 one bank and three gates; level 1 a bank
        // per task and a shared one, and two task gates; per task a tower layer and a head: 4 + 5 + 4; each of the 3
        // first-level gates mixes with two products (its weights select from the shared bank, then a batched product),
        // each of the 2 last-level gates with one batched product: 13 + 6 + 2
        JsonNode matmul = null;
        for (JsonNode o : b.get("opProfile").get("infer")) {
            if (o.get("op").asText().startsWith("matmul")) {
                matmul = o;
            }
        }
        assertEquals(21.0, matmul.get("opsPerStep").asDouble(), 1e-9);
        assertTrue(Files.readString(dir.resolve("throughput.md")).contains("### op profile tiny batch 8 train"));
    }

    @Test
    void rejectsUnknownConfig() {
        CommandLine cl = new CommandLine(new ThroughputCommand());
        cl.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        assertTrue(cl.execute("--config", "nope", "--out", dir.toString()) != 0);
        assertFalse(Files.exists(dir.resolve("throughput.json")));
    }
}
