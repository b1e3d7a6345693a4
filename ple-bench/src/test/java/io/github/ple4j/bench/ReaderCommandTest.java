package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ple4j.datavec.datasets.AliCcpLike;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.InputSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReaderCommandTest {
    @TempDir
    Path dir;

    @Test
    void readerReadsEveryRowAndReproducesTheBenchConfigsInputs() throws IOException {
        int code = new CommandLine(new ReaderCommand()).execute("--config", "ali-ccp,bags", "--rows", "1500", "--vocab",
                "500", "--shards", "3", "--runs", "2", "--threads", "1", "--out", dir.toString(), "--logs",
                dir.resolve("logs").toString());
        assertEquals(0, code);
        JsonNode root = ConfigJson.mapper().readTree(dir.resolve("reader.json").toFile());
        assertEquals("reader", root.get("provenance").get("command").asText());
        assertTrue(root.get("provenance").get("cpu").get("flags").isArray());
        JsonNode results = root.get("results");
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            assertEquals(2, r.get("readerRowsPerPass").size());
            for (JsonNode n : r.get("readerRowsPerPass")) {
                assertEquals(1500, n.asLong(), "every row is read once per pass: " + r.get("logs"));
            }
            assertEquals(r.get("readerOverModel").asDouble(),
                    median(r.get("readerRowsPerSecond")) / median(r.get("modelTrainSamplesPerSecond")), 1e-9);
        }
        assertEquals(AliCcpLike.columns(true).size(), results.get(0).get("columns").asInt());
        // Hashing every id column into the config's table sizes gives exactly the bench config's inputs.
        assertEquals(BenchConfigs.get("bags").inputs(), ConfigJson.mapper().treeToValue(results.get(1).get("inputs"),
                InputSpec.class));
        Path part = dir.resolve("logs/bags/part-00002.csv.gz");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(part)),
                StandardCharsets.UTF_8))) {
            assertEquals(String.join(",", BenchLogs.columns(BenchConfigs.get("bags"))), in.readLine());
            assertEquals(500, in.lines().count(), "1500 rows in 3 parts");
        }
        String md = Files.readString(dir.resolve("reader.md"));
        assertTrue(md.contains("| ali-ccp | 12 |") && md.contains("| bags | "), md);
    }

    @Test
    void logsCommandWritesPartsAndValidation() throws IOException {
        int code = new CommandLine(new LogsCommand()).execute("--rows", "1000", "--vocab", "200", "--shards", "4",
                "--out", dir.toString());
        assertEquals(0, code);
        List<Path> parts;
        try (var s = Files.list(dir.resolve("train"))) {
            parts = s.sorted().toList();
        }
        assertEquals(4, parts.size());
        long rows = 0;
        for (Path p : parts) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)),
                    StandardCharsets.UTF_8))) {
                assertEquals(String.join(",", AliCcpLike.columns(true)), in.readLine());
                rows += in.lines().count();
            }
        }
        assertEquals(1000, rows);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(dir.resolve("valid.csv.gz"))), StandardCharsets.UTF_8))) {
            in.readLine();
            assertEquals(100, in.lines().count(), "a tenth of the rows for validation");
        }
    }

    private static double median(JsonNode values) {
        double[] x = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = values.get(i).asDouble();
        }
        java.util.Arrays.sort(x);
        return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    }
}
