package io.github.ple4j.cli;

import io.github.ple4j.model.SaveOptions;
import io.github.ple4j.model.PleModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.github.ple4j.cli.Fixtures.assertCleanError;
import static io.github.ple4j.cli.Fixtures.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt, truncated, wrong-version, foreign and hostile model files are rejected with one clear line and exit code 4;
 * nothing is written; and a file that does load predicts exactly what the original does (never garbage).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelFileSafetyTest {
    @TempDir
    static Path dir;
    Path model;
    Path data;
    List<String> reference;

    @BeforeAll
    void trainOnce() throws IOException {
        Path train = Fixtures.data(dir, "train.csv", 60, 31);
        data = Fixtures.data(dir, "data.csv", 20, 32);
        model = dir.resolve("model.ple");
        expect(0, "train", "--config", Fixtures.job(dir, 1, 32, null), "--train", train, "--out", model, "--quiet");
        Path out = dir.resolve("reference.csv");
        expect(0, "predict", "--model", model, "--data", data, "--out", out);
        reference = Files.readAllLines(out);
    }

    /** Predicting with the file fails with exit code 4 and the message, and writes nothing. */
    private String rejected(Path bad, String messagePart) throws IOException {
        return rejected(bad, messagePart, true);
    }

    private String rejected(Path bad, String messagePart, boolean byInspectToo) throws IOException {
        Path out = dir.resolve("out.csv");
        PleCli.Result r = expect(ExitCodes.BAD_MODEL_OR_CONFIG, "predict", "--model", bad, "--data", data, "--out", out);
        assertCleanError(r);
        assertTrue(r.err().contains(messagePart), () -> "expected '" + messagePart + "' in: " + r.err());
        assertFalse(Files.exists(out));
        if (byInspectToo) {
            assertCleanError(expect(ExitCodes.BAD_MODEL_OR_CONFIG, "inspect", "--model", bad));
        }
        return r.err();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void randomBytesEmptyAndTextFiles() throws IOException {
        byte[] random = new byte[3000];
        new SplittableRandom(1).nextBytes(random);
        rejected(file("random.ple", random), "not a valid zip file");
        rejected(file("empty.ple", new byte[0]), "bad model file");
        rejected(file("text.ple", "{\"format\": \"ple4j-model\"}".getBytes(StandardCharsets.UTF_8)), "not a valid zip file");
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] good = Files.readAllBytes(model);
        for (int len : new int[]{1, 22, good.length / 3, good.length / 2, good.length - 23, good.length - 1}) {
            rejected(file("truncated-" + len + ".ple", java.util.Arrays.copyOf(good, len)), "bad model file");
        }
    }

    /** Flipped bits are either detected (exit 4) or land in bytes nothing reads (then the predictions are identical). */
    @Test
    void flippedBitsNeverGiveDifferentPredictions() throws IOException {
        byte[] good = Files.readAllBytes(model);
        SplittableRandom r = new SplittableRandom(2);
        int detected = 0;
        for (int i = 0; i < 12; i++) {
            byte[] b = good.clone();
            int pos = r.nextInt(b.length);
            b[pos] ^= (byte) (1 << r.nextInt(8));
            Path bad = file("flip-" + i + ".ple", b);
            Path out = dir.resolve("flip-out.csv");
            PleCli.Result res = Fixtures.run("predict", "--model", bad, "--data", data, "--out", out);
            if (res.exitCode() == 0) {
                assertEquals(reference, Files.readAllLines(out), "a loadable file must predict as the original; flip at " + pos);
                Files.delete(out);
            } else {
                assertEquals(ExitCodes.BAD_MODEL_OR_CONFIG, res.exitCode(), res.err());
                assertCleanError(res);
                assertFalse(Files.exists(out));
                detected++;
            }
        }
        assertTrue(detected >= 6, "most flips hit checked bytes; detected " + detected);
    }

    @Test
    void newerFormatVersionIsRefused() throws IOException {
        Map<String, byte[]> e = Zips.read(model);
        String manifest = new String(e.get("manifest.json"), StandardCharsets.UTF_8);
        e.put("manifest.json", manifest.replaceFirst("\"formatVersion\" : 2", "\"formatVersion\" : 7").getBytes(StandardCharsets.UTF_8));
        String err = rejected(Zips.write(dir.resolve("v7.ple"), e), "bundle format version 7 is newer than this library reads (2)");
        assertEquals(1, err.strip().lines().count());
    }

    @Test
    void foreignZipsAreRefused() throws IOException {
        rejected(Zips.write(dir.resolve("foreign.ple"), Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8))),
                "not a PLE4J model bundle (no manifest.json)");
        Map<String, byte[]> e = Zips.read(model);
        e.put("manifest.json", new String(e.get("manifest.json"), StandardCharsets.UTF_8).replace("ple4j-model", "keras")
                .getBytes(StandardCharsets.UTF_8));
        rejected(Zips.write(dir.resolve("keras.ple"), e), "format 'keras' is not 'ple4j-model'");
    }

    @Test
    void entriesCannotEscapeTheirDirectory() throws IOException {
        Map<String, byte[]> e = Zips.read(model);
        e.put("../../escaped.txt", "x".getBytes(StandardCharsets.UTF_8));
        rejected(Zips.write(dir.resolve("slip.ple"), e), "zip entry name '../../escaped.txt' is not allowed");
        Map<String, byte[]> abs = Zips.read(model);
        abs.put("/tmp/absolute.txt", "x".getBytes(StandardCharsets.UTF_8));
        rejected(Zips.write(dir.resolve("abs.ple"), abs), "is not allowed");
        assertFalse(Files.exists(dir.getParent().getParent().resolve("escaped.txt")));
        assertFalse(Files.exists(Path.of("/tmp/absolute.txt")));
    }

    /** A Java-serialised object is not deserialised: it is not a zip, and nothing reads it as an object. */
    @Test
    void javaSerialisedObjectsAreNotDeserialised() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(new HashMap<>(Map.of("a", 1)));
        }
        rejected(file("serialised.ple", bytes.toByteArray()), "not a valid zip file");
        Map<String, byte[]> e = Zips.read(model);
        e.put("params/0.npy", bytes.toByteArray());
        rejected(Zips.write(dir.resolve("serialised-entry.ple"), e), "not an .npy array (bad magic)");
        // Polymorphic type hints in JSON are unknown fields, not instructions.
        Map<String, byte[]> j = Zips.read(model);
        String config = new String(j.get("config.json"), StandardCharsets.UTF_8);
        j.put("config.json", config.replaceFirst("\\{", "{\"@class\": \"java.lang.ProcessBuilder\",").getBytes(StandardCharsets.UTF_8));
        rejected(Zips.write(dir.resolve("typed.ple"), j), "@class");
    }

    @Test
    void aBundleNotWrittenByTrainIsRefusedForPrediction() throws IOException {
        Path plain = dir.resolve("plain.ple");
        try (PleModel m = PleModel.load(model)) {
            PleModel.create(m.config()).save(plain, SaveOptions.parametersOnly());
        }
        rejected(plain, "has no 'preprocessing' attachment", false);
        expect(0, "inspect", "--model", plain);
    }

    @Test
    void missingFilesAndDirectoriesAreIoErrors() {
        PleCli.Result r = expect(ExitCodes.IO, "predict", "--model", dir.resolve("none.ple"), "--data", data, "--out",
                dir.resolve("o.csv"));
        assertTrue(r.err().contains("no such file"), r.err());
        expect(ExitCodes.IO, "inspect", "--model", dir);
        expect(ExitCodes.IO, "predict", "--model", model, "--data", dir.resolve("none.csv"), "--out", dir.resolve("o.csv"));
        assertFalse(Files.exists(dir.resolve("o.csv")));
    }
}
