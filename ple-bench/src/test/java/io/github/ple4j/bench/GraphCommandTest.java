package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.dl4j.PleLayerImpl;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryEnginesSpeedsAndTheRatiosToPleModel() throws IOException {
        int code = new CommandLine(new GraphCommand()).execute("--config", "tiny", "--batch", "8", "--warmup", "1",
                "--runs", "3", "--steps", "2", "--threads", "1", "--out", dir.toString());
        assertEquals(0, code);
        assertNull(System.getProperty(PleLayerImpl.PLAN_PROPERTY), "the engine switch is put back as it was");
        JsonNode root = ConfigJson.mapper().readTree(dir.resolve("graph.json").toFile());
        String md = Files.readString(dir.resolve("graph.md"));
        assertTrue(md.contains("| tiny | 8 | train |") && md.contains("| tiny | 8 | infer |"), md);
        JsonNode prov = root.get("provenance");
        assertEquals("graph", prov.get("command").asText());
        assertFalse(prov.get("cpu").get("model").asText().isBlank());
        JsonNode r = root.get("results").get(0);
        assertTrue(r.get("maxAbsDifferenceFresh").asDouble() <= 1e-5, "graph and model start equal: " + r);
        for (String phase : new String[]{"train", "infer"}) {
            JsonNode p = r.get(phase);
            double[][] speeds = new double[3][];
            String[] engines = {"ple_model", "graph_plan", "graph_session"};
            for (int e = 0; e < 3; e++) {
                JsonNode runs = p.get(engines[e]).get("samplesPerSecondRuns");
                assertEquals(3, runs.size());
                assertEquals(2, p.get(engines[e]).get("stepsPerRun").asInt());
                speeds[e] = new double[3];
                for (int i = 0; i < 3; i++) {
                    speeds[e][i] = runs.get(i).asDouble();
                    assertTrue(speeds[e][i] > 0);
                }
            }
            double[] ratio = new double[3];
            for (int i = 0; i < 3; i++) {
                ratio[i] = speeds[1][i] / speeds[0][i];
            }
            Arrays.sort(ratio);
            assertEquals(ratio[1], p.get("planOverPleModel").asDouble(), 1e-12, phase);
            assertTrue(p.has("sessionOverPleModel"), phase);
        }
    }
}
