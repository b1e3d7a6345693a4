package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.config.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesBothEnginesSpeedsTheirRatioAndAgreement() throws IOException {
        int code = new CommandLine(new OnnxCommand()).execute("--config", "tiny,bags", "--batch", "8", "--warmup", "1",
                "--runs", "3", "--steps", "2", "--threads", "1", "--out", dir.toString());
        assertEquals(0, code);
        JsonNode root = ConfigJson.mapper().readTree(dir.resolve("onnx.json").toFile());
        String md = Files.readString(dir.resolve("onnx.md"));
        assertTrue(md.contains("| tiny | 8 |") && md.contains("| bags | 8 |"), md);
        JsonNode prov = root.get("provenance");
        assertEquals("onnx", prov.get("command").asText());
        assertEquals("1.23.2", prov.get("onnxRuntime").asText());
        assertFalse(prov.get("cpu").get("model").asText().isBlank());
        assertTrue(prov.get("cpu").get("flags").isArray());
        assertEquals(2, root.get("results").size());
        for (JsonNode r : root.get("results")) {
            assertTrue(r.get("maxAbsDifference").asDouble() <= 1e-5, r.toString());
            JsonNode p = r.get("ple4j").get("samplesPerSecondRuns");
            JsonNode o = r.get("onnxRuntime").get("samplesPerSecondRuns");
            assertEquals(3, p.size());
            assertEquals(2, r.get("ple4j").get("stepsPerRun").asInt());
            double[] ratio = new double[3];
            for (int i = 0; i < 3; i++) {
                assertTrue(p.get(i).asDouble() > 0 && o.get(i).asDouble() > 0);
                ratio[i] = p.get(i).asDouble() / o.get(i).asDouble();
            }
            Arrays.sort(ratio);
            assertEquals(ratio[1], r.get("ratio").get("median").asDouble(), 1e-12);
            assertEquals(ratio[0], r.get("ratio").get("min").asDouble(), 1e-12);
        }
    }
}
