package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic command (paper Fig. 7) end to end on a small setting: its report is consistent with itself. */
class SyntheticCommandTest {
    @TempDir
    Path dir;

    @Test
    void twoCorrelationsFiveModelsAndConsistentGains() throws IOException {
        int code = new CommandLine(new SyntheticCommand()).execute("--correlation", "1,0", "--dim", "10", "--train", "600",
                "--valid", "200", "--test", "300", "--epochs", "2", "--batch", "64", "--seeds", "1", "--threads", "1",
                "--out", dir.toString());
        assertEquals(0, code);
        JsonNode rows = ConfigJson.mapper().readTree(dir.resolve("synthetic.json").toFile()).get("results");
        List<String> models = new ArrayList<>(SyntheticCommand.models().keySet());
        assertEquals(2 * models.size(), rows.size());
        for (int c = 0; c < 2; c++) {
            JsonNode single = rows.get(c * models.size());
            assertEquals("single-task", single.get("model").asText());
            for (int m = 0; m < models.size(); m++) {
                JsonNode r = rows.get(c * models.size() + m);
                assertEquals(c == 0 ? 1.0 : 0.0, r.get("correlation").asDouble());
                assertEquals(models.get(m), r.get("model").asText());
                for (int t = 1; t <= 2; t++) {
                    double mse = r.get("mseTask" + t).asDouble();
                    assertTrue(mse > 0 && Double.isFinite(mse), r.toString());
                    // MTL gain: single-task MSE minus this model's (0 for single-task itself)
                    assertEquals(single.get("mseTask" + t).asDouble() - mse, r.get("gainTask" + t).asDouble(), 1e-12);
                }
                PleConfig cfg = ConfigJson.mapper().treeToValue(r.get("config"), PleConfig.class);
                try (PleModel model = PleModel.create(cfg)) {
                    assertEquals(model.numParams(), r.get("params").asLong(), "params of " + r.get("model"));
                }
                for (JsonNode gate : r.get("gates")) {
                    double sum = 0;
                    for (JsonNode w : gate.get("mean")) {
                        sum += w.asDouble();
                    }
                    assertEquals(1.0, sum, 1e-4, "a gate's mean weights sum to 1: " + gate.get("output"));
                    assertEquals(300, gate.get("samples").asLong());
                }
                boolean gated = !models.get(m).equals("single-task") && !models.get(m).equals("shared-bottom");
                assertEquals(gated, r.get("gates").size() > 0, "gate statistics exactly for the gated models");
            }
        }
        String md = Files.readString(dir.resolve("synthetic.md"));
        assertTrue(md.contains("| 1.00 | PLE |") && md.contains("| 0.00 | MMoE |"), md);
        assertTrue(Files.size(dir.resolve("gain-vs-correlation.png")) > 1000);
    }
}
