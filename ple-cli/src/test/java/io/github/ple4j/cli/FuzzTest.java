package io.github.ple4j.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 random cases (fixed seed) of malformed input: random and mutated model files (raw bytes, and well-formed zips
 * with mutated JSON and arrays), mutated job configs, mutated CSV files for prediction and for training. Each case
 * runs the command line in-process under a timeout and may only end with an expected exit code, one clean error line
 * (no stack trace), and no partial or temporary output file. A successful prediction accounts for every input row:
 * each is either scored or in the reject file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {
    /** Seed and number of cases; {@code -Dple.fuzz.seed=... -Dple.fuzz.cases=...} for a longer exploration. */
    static final long SEED = Long.getLong("ple.fuzz.seed", 20_240_601L);
    static final int CASES = Integer.getInteger("ple.fuzz.cases", 200);
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    Path model;
    byte[] modelBytes;
    Map<String, byte[]> modelEntries;
    String job;
    String trainText;
    String dataText;
    Path headerOnly;
    List<String> reference;
    /** Exit codes seen, by kind of case. */
    final Map<String, Map<Integer, Integer>> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

    private void record(String kind, PleCli.Result r) {
        outcomes.computeIfAbsent(kind, k -> new java.util.concurrent.ConcurrentSkipListMap<>()).merge(r.exitCode(), 1, Integer::sum);
    }

    /** The cases reach both outcomes where both are possible (the fuzzing is not vacuous). */
    @org.junit.jupiter.api.AfterAll
    void summary() {
        System.out.println("fuzz outcomes (exit code=count): " + outcomes);
        assertTrue(outcomes.get("model bytes").containsKey(ExitCodes.BAD_MODEL_OR_CONFIG), outcomes.toString());
        assertTrue(outcomes.get("model entries").containsKey(ExitCodes.BAD_MODEL_OR_CONFIG), outcomes.toString());
        assertTrue(outcomes.get("job config").containsKey(ExitCodes.BAD_MODEL_OR_CONFIG), outcomes.toString());
        assertTrue(outcomes.get("prediction csv").containsKey(0), outcomes.toString());
        assertTrue(outcomes.get("prediction csv").containsKey(ExitCodes.BAD_DATA), outcomes.toString());
    }

    @BeforeAll
    void setUp() throws IOException {
        Path train = Fixtures.data(dir, "train.csv", 40, 41);
        trainText = Files.readString(train);
        dataText = Files.readString(Fixtures.data(dir, "data.csv", 12, 42));
        job = Fixtures.job(1, 16, null);
        model = dir.resolve("model.ple");
        Fixtures.expect(0, "train", "--config", Fixtures.write(dir, "job.json", job), "--train", train, "--out", model, "--quiet");
        modelBytes = Files.readAllBytes(model);
        modelEntries = Zips.read(model);
        headerOnly = Fixtures.write(dir, "header-only.csv", Fixtures.HEADER + "\n");
        Path ref = dir.resolve("reference.csv");
        Fixtures.expect(0, "predict", "--model", model, "--data", Fixtures.write(dir, "data.csv", dataText), "--out", ref);
        reference = Files.readAllLines(ref);
    }

    @TestFactory
    Stream<DynamicTest> randomMalformedInputsGiveOnlyCleanErrors() {
        SplittableRandom seeds = new SplittableRandom(SEED);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long seed = seeds.nextLong();
            int c = i;
            String kind = i % 20 == 19 ? "training csv" : switch (i % 4) {
                case 0 -> "model bytes";
                case 1 -> "model entries";
                case 2 -> "job config";
                default -> "prediction csv";
            };
            tests.add(DynamicTest.dynamicTest("case " + i + " (" + kind + ")", () -> {
                Path work = Files.createDirectories(dir.resolve("case-" + c));
                SplittableRandom r = new SplittableRandom(seed);
                assertTimeoutPreemptively(TIMEOUT, () -> {
                    switch (kind) {
                        case "model bytes" -> modelFile(kind, work, mutateBytes(r, modelBytes));
                        case "model entries" -> modelFile(kind, work, mutateEntries(r));
                        case "job config" -> jobConfig(work, r);
                        case "prediction csv" -> predictionCsv(work, r);
                        default -> trainingCsv(work, r);
                    }
                });
                assertNoTemporaryFiles(work);
            }));
        }
        return tests.stream();
    }

    // ------------------------------------------------------------------------------------------------ the cases

    private void modelFile(String kind, Path work, byte[] bytes) throws IOException {
        Path file = Files.write(work.resolve("model.ple"), bytes);
        Path out = work.resolve("preds.csv");
        PleCli.Result res = Fixtures.run("predict", "--model", file, "--data", Fixtures.write(work, "data.csv", dataText),
                "--out", out);
        record(kind, res);
        if (res.exitCode() == 0) {
            // A file that loads is a complete, checked model: its predictions are well-formed; and raw damage that
            // goes undetected hit bytes nothing reads, so the predictions are the original model's.
            assertAllRowsAccounted(res, work, out, null);
            if (kind.equals("model bytes")) {
                assertEquals(reference, Files.readAllLines(out), "undetected damage must not change predictions");
            }
        } else {
            // A re-zipped file with valid CRCs is a different model file: its job attachment may describe another
            // CSV layout, and then the rows are bad data for it (exit 3).
            expectError(res, kind.equals("model bytes") ? Set.of(ExitCodes.BAD_MODEL_OR_CONFIG)
                    : Set.of(ExitCodes.BAD_MODEL_OR_CONFIG, ExitCodes.BAD_DATA));
            assertFalse(Files.exists(out));
        }
        PleCli.Result inspect = Fixtures.run("inspect", "--model", file);
        if (inspect.exitCode() != 0) {
            expectError(inspect, Set.of(ExitCodes.BAD_MODEL_OR_CONFIG));
        }
    }

    private void jobConfig(Path work, SplittableRandom r) throws IOException {
        int how = r.nextInt(10);
        String text = how == 0 ? randomText(r, r.nextInt(300))
                : how < 5 ? mutateText(r, job, 1 + r.nextInt(4), JSON_TOKENS) : mutateJsonTree(r, job);
        Path config = Fixtures.write(work, "job.json", text);
        Path out = work.resolve("model.ple");
        // The training file has a header and no rows: a valid config gets as far as fitting, which fails cleanly.
        PleCli.Result res = Fixtures.run("train", "--config", config, "--train", headerOnly, "--out", out, "--quiet");
        record("job config", res);
        expectError(res, Set.of(ExitCodes.USAGE, ExitCodes.BAD_DATA, ExitCodes.BAD_MODEL_OR_CONFIG));
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(work.resolve("model.ple.checkpoints")), "no checkpoint directory left");
    }

    private void predictionCsv(Path work, SplittableRandom r) throws IOException {
        Path data = work.resolve("data.csv");
        if (r.nextInt(10) == 0) {
            byte[] b = new byte[r.nextInt(2000)];
            r.nextBytes(b);
            Files.write(data, b);
        } else {
            Files.writeString(data, mutateCsv(r, dataText), StandardCharsets.UTF_8);
        }
        Path out = work.resolve("preds.csv");
        boolean skip = r.nextBoolean();
        Path rejects = work.resolve("preds.csv.rejects.csv");
        List<Object> args = new ArrayList<>(List.of("predict", "--model", model, "--data", data, "--out", out,
                "--batch-size", 1 + r.nextInt(8)));
        if (skip) {
            args.add("--skip-bad-rows");
        }
        if (r.nextBoolean()) {
            args.addAll(List.of("--weights", "click=" + r.nextInt(3)));
        }
        PleCli.Result res = Fixtures.run(args.toArray());
        record("prediction csv", res);
        if (res.exitCode() == 0) {
            assertAllRowsAccounted(res, work, out, skip ? rejects : null);
        } else {
            expectError(res, Set.of(ExitCodes.BAD_DATA));
            assertFalse(Files.exists(out), "no partial output");
            assertFalse(Files.exists(rejects), "no reject file when failing");
        }
    }

    private void trainingCsv(Path work, SplittableRandom r) throws IOException {
        Path train = Fixtures.write(work, "train.csv", mutateCsv(r, trainText));
        Path out = work.resolve("model.ple");
        PleCli.Result res = Fixtures.run("train", "--config", Fixtures.write(work, "job.json", job), "--train", train,
                "--out", out, "--quiet");
        record("training csv", res);
        if (res.exitCode() == 0) {
            assertTrainedModelScores(work, out);
        } else {
            // A mutated label can also make training diverge (exit 1); then no model is written either.
            expectError(res, Set.of(ExitCodes.BAD_DATA, ExitCodes.DIVERGED));
            assertFalse(Files.exists(out));
        }
    }

    /**
     * Edits that keep the training file valid (line endings, padding, row order, quoting, compression) train a
     * model that loads and scores: the success side of the training-file cases, which random damage rarely hits.
     */
    @Test
    void benignEditsOfTheTrainingFileTrainModelsThatScore() throws IOException {
        List<String> lines = lines(trainText);
        Map<String, String> edits = new java.util.LinkedHashMap<>();
        edits.put("crlf.csv", String.join("\r\n", lines) + "\r\n");
        edits.put("padded.csv", lines.stream().map(l -> " " + l.replace(",", " , ") + " ").collect(Collectors.joining("\n")) + "\n");
        List<String> reversed = new ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.reverse(reversed);
        edits.put("reversed.csv", lines.get(0) + "\n" + String.join("\n", reversed) + "\n");
        edits.put("quoted.csv", lines.stream().map(l -> "\"" + l.replace(",", "\",\"") + "\"").collect(Collectors.joining("\n")) + "\n");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            Path work = Files.createDirectories(dir.resolve("benign-" + e.getKey()));
            Path out = work.resolve("model.ple");
            PleCli.Result res = Fixtures.run("train", "--config", Fixtures.write(work, "job.json", job), "--train",
                    Fixtures.write(work, e.getKey(), e.getValue()), "--out", out, "--quiet");
            assertEquals(0, res.exitCode(), e.getKey() + ": " + res.err());
            assertTrainedModelScores(work, out);
        }
    }

    /** A model trained on accepted data loads, has finite parameters, and scores every row of the data file. */
    private void assertTrainedModelScores(Path work, Path out) throws IOException {
        try (io.github.ple4j.model.PleModel m = io.github.ple4j.model.PleModel.load(out)) {
            m.parameters().forEach((name, v) -> {
                for (double x : v.dup().data().asDouble()) {
                    assertTrue(Double.isFinite(x), "finite parameter " + name);
                }
            });
        }
        Path preds = work.resolve("train-preds.csv");
        PleCli.Result scored = Fixtures.run("predict", "--model", out, "--data", Fixtures.write(work, "data.csv", dataText),
                "--out", preds);
        assertEquals(0, scored.exitCode(), scored.err());
        assertAllRowsAccounted(scored, work, preds, null);
        assertEquals(12, Files.readAllLines(preds).size() - 1, "every data row scored");
    }

    // ------------------------------------------------------------------------------------------------ checks

    private static void expectError(PleCli.Result res, Set<Integer> allowed) {
        assertTrue(allowed.contains(res.exitCode()), () -> "exit code " + res.exitCode() + " not in " + allowed + "; stderr:\n"
                + res.err() + "\nstdout:\n" + res.out());
        assertCleanError(res);
    }

    /** Every data row of the input is in the output or (with a reject file) in the rejects, once. */
    private static void assertAllRowsAccounted(PleCli.Result res, Path work, Path out, Path rejects) throws IOException {
        assertFalse(res.err().contains("\tat "), res.err());
        assertTrue(Files.isRegularFile(out), res.out());
        long inputRows = lines(Files.readString(work.resolve("data.csv"), StandardCharsets.UTF_8)).size() - 1;
        Set<Long> seen = new HashSet<>();
        List<String> outLines = Files.readAllLines(out);
        for (String l : outLines.subList(1, outLines.size())) {
            String[] f = l.split(",");
            assertTrue(seen.add(Long.parseLong(f[0])), "line " + f[0] + " twice");
            for (int i = 1; i < f.length; i++) {
                assertTrue(Double.isFinite(Double.parseDouble(f[i])), "finite scores: " + l);
            }
        }
        if (rejects != null) {
            List<String> rejected = lines(Files.readString(rejects, StandardCharsets.UTF_8));
            for (String l : rejected.subList(1, rejected.size())) {
                assertTrue(seen.add(Long.parseLong(l.substring(0, l.indexOf(',')))), "line of " + l);
            }
        }
        assertEquals(inputRows, seen.size(), () -> "every input row is scored or rejected:\n" + res.out() + res.err());
    }

    /** Lines as the command line reads them (\n, \r\n or \r; invalid UTF-8 replaced). */
    private static List<String> lines(String text) throws IOException {
        List<String> l = new ArrayList<>();
        try (BufferedReader b = new BufferedReader(new StringReader(text))) {
            String s;
            while ((s = b.readLine()) != null) {
                l.add(s);
            }
        }
        return l;
    }

    private static void assertNoTemporaryFiles(Path work) throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            List<Path> tmp = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(tmp.isEmpty(), "temporary files left: " + tmp);
        }
    }

    // ------------------------------------------------------------------------------------------------ mutators

    private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "1e400",
            "NaN", "\"\"", "[]", "{}", "99999999999", "0.5", "\"binary\"", "\"x\"", "\\u0000", "//", "\"levels\": 0"};
    private static final String[] CSV_TOKENS = {",", "\"", "\n", "\r", "", "NaN", "Infinity", "-Infinity", "1e39", "1e400",
            "abc", "-", " ", "\t", "\u0000", "\uFFFD", "\"a,b\"", "x".repeat(5000), ",,,,", "0x1p3", "+5", "é"};

    private static byte[] mutateBytes(SplittableRandom r, byte[] good) {
        switch (r.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(4096)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(good, r.nextInt(good.length));
            }
            case 2 -> {
                byte[] b = good.clone();
                for (int i = 1 + r.nextInt(5); i > 0; i--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return b;
            }
            default -> {
                int at = r.nextInt(good.length);
                byte[] junk = new byte[1 + r.nextInt(100)];
                r.nextBytes(junk);
                byte[] b = new byte[good.length + junk.length];
                System.arraycopy(good, 0, b, 0, at);
                System.arraycopy(junk, 0, b, at, junk.length);
                System.arraycopy(good, at, b, at + junk.length, good.length - at);
                return b;
            }
        }
    }

    /** A well-formed zip (valid CRCs) with one entry changed, removed or added. */
    private byte[] mutateEntries(SplittableRandom r) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(modelEntries);
        List<String> names = new ArrayList<>(e.keySet());
        String name = names.get(r.nextInt(names.size()));
        switch (r.nextInt(5)) {
            case 0 -> e.remove(name);
            case 1 -> e.put(List.of("../x.json", "params/../../y", "/abs.npy", "attachments/job.json/..", "a\\b")
                    .get(r.nextInt(5)), new byte[]{1, 2, 3});
            default -> {
                byte[] b = e.get(name);
                if (name.endsWith(".json")) {
                    e.put(name, mutateText(r, new String(b, StandardCharsets.UTF_8), 1 + r.nextInt(3), JSON_TOKENS)
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] m = b.clone();
                    // Mutate the .npy header (first 128 bytes) or the data.
                    int pos = r.nextBoolean() ? r.nextInt(Math.min(128, m.length)) : r.nextInt(m.length);
                    m[pos] = (byte) r.nextInt(256);
                    e.put(name, r.nextInt(4) == 0 ? java.util.Arrays.copyOf(m, r.nextInt(m.length)) : m);
                }
            }
        }
        return Zips.bytes(e);
    }

    /** Valid JSON with one value replaced, removed or added somewhere in the tree. */
    private static String mutateJsonTree(SplittableRandom r, String json) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper m = io.github.ple4j.cli.job.JobJson.mapper();
        com.fasterxml.jackson.databind.JsonNode root = m.readTree(json);
        List<com.fasterxml.jackson.databind.JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        com.fasterxml.jackson.databind.JsonNode target = containers.get(r.nextInt(containers.size()));
        com.fasterxml.jackson.databind.JsonNode value = List.<com.fasterxml.jackson.databind.JsonNode>of(
                m.getNodeFactory().nullNode(), m.getNodeFactory().numberNode(-1), m.getNodeFactory().numberNode(0),
                m.getNodeFactory().numberNode(1e300), m.getNodeFactory().numberNode(2147483648L),
                m.getNodeFactory().numberNode(0.5), m.getNodeFactory().textNode(""), m.getNodeFactory().textNode("age"),
                m.getNodeFactory().textNode("x y"), m.getNodeFactory().booleanNode(true), m.getNodeFactory().arrayNode(),
                m.getNodeFactory().objectNode()).get(r.nextInt(12));
        if (target instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            int op = r.nextInt(3);
            if (op == 0 || fields.isEmpty()) {
                o.set(fields.isEmpty() || r.nextBoolean() ? "unknownField" : fields.get(r.nextInt(fields.size())), value);
            } else if (op == 1) {
                o.remove(fields.get(r.nextInt(fields.size())));
            } else {
                o.set(fields.get(r.nextInt(fields.size())), value);
            }
        } else if (target instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            if (a.isEmpty() || r.nextBoolean()) {
                a.add(value);
            } else {
                a.set(r.nextInt(a.size()), value);
            }
        }
        return m.writeValueAsString(root);
    }

    private static void collect(com.fasterxml.jackson.databind.JsonNode n, List<com.fasterxml.jackson.databind.JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(c -> collect(c, out));
        }
    }

    private static String mutateText(SplittableRandom r, String text, int edits, String[] tokens) {
        StringBuilder sb = new StringBuilder(text);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = r.nextInt(sb.length());
            int len = Math.min(sb.length() - at, r.nextInt(12));
            switch (r.nextInt(3)) {
                case 0 -> sb.delete(at, at + len);
                case 1 -> sb.insert(at, tokens[r.nextInt(tokens.length)]);
                default -> sb.replace(at, at + len, tokens[r.nextInt(tokens.length)]);
            }
        }
        return sb.toString();
    }

    /** Field-level and character-level damage to a CSV text. */
    private static String mutateCsv(SplittableRandom r, String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            int li = r.nextInt(lines.size());
            String line = lines.get(li);
            switch (r.nextInt(4)) {
                case 0 -> {
                    String[] f = line.split(",", -1);
                    f[r.nextInt(f.length)] = CSV_TOKENS[r.nextInt(CSV_TOKENS.length)];
                    lines.set(li, String.join(",", f));
                }
                case 1 -> lines.set(li, mutateText(r, line, 1 + r.nextInt(3), CSV_TOKENS));
                case 2 -> lines.remove(li);
                default -> lines.add(li, randomText(r, r.nextInt(80)));
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        return String.join("\n", lines);
    }

    private static String randomText(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (r.nextInt(10) == 0 ? r.nextInt(0x3000) : 32 + r.nextInt(95)));
        }
        return sb.toString();
    }
}
