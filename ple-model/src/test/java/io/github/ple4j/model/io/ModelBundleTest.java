package io.github.ple4j.model.io;

import io.github.ple4j.model.SaveOptions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.Versions;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle file format: layout, atomic writes and rejection of damaged or foreign files. */
class ModelBundleTest {
    @TempDir
    static Path shared;
    static Path good;
    static PleConfig config;
    static Map<String, INDArray> params;

    @BeforeAll
    static void saveOne() throws IOException {
        config = PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.binary("b", 3))
                .extraction(ExtractionSpec.ple(2, 1, 1, 5)).build();
        good = shared.resolve("good.ple");
        try (PleModel m = PleModel.create(config)) {
            m.save(good, SaveOptions.parametersOnly());
            params = m.parameters();
        }
    }

    private static MalformedModelException malformed(Path file) {
        return assertThrows(MalformedModelException.class, () -> ModelBundle.read(file));
    }

    private static MalformedModelException malformedLoad(Path file) {
        return assertThrows(MalformedModelException.class, () -> PleModel.load(file));
    }

    // ---- layout

    @Test
    void layout() throws IOException {
        Map<String, byte[]> e = BundleZip.entries(good);
        int n = params.size();
        assertEquals(n + 2, e.size(), e.keySet().toString());
        for (int i = 0; i < n; i++) {
            assertTrue(e.containsKey("params/" + i + ".npy"), "params/" + i + ".npy");
        }
        assertTrue(e.containsKey("manifest.json"));
        assertTrue(e.containsKey("config.json"));
        ObjectNode m = BundleZip.json(e, "manifest.json");
        assertEquals(ModelBundle.FORMAT, m.get("format").asText());
        assertEquals(2, m.get("formatVersion").asInt());
        assertEquals(Versions.LIBRARY, m.get("libraryVersion").asText());
        assertEquals(Versions.ND4J, m.get("nd4jVersion").asText());
        assertEquals(0, m.get("epoch").asInt());
        assertEquals(0, m.get("step").asLong());
        assertTrue(m.get("optimizer").isNull());
        assertEquals(0, m.get("updaterState").size());
        List<String> names = List.copyOf(params.keySet());
        for (int i = 0; i < n; i++) {
            ObjectNode p = (ObjectNode) m.get("parameters").get(i);
            assertEquals(names.get(i), p.get("name").asText());
            assertEquals("params/" + i + ".npy", p.get("file").asText());
            long[] shape = params.get(names.get(i)).shape();
            assertEquals(shape.length, p.get("shape").size());
            for (int d = 0; d < shape.length; d++) {
                assertEquals(shape[d], p.get("shape").get(d).asLong());
            }
            INDArray stored = Npy.read(e.get("params/" + i + ".npy"), "x");
            assertArrayEquals(params.get(names.get(i)).reshape(-1).toFloatVector(), stored.reshape(-1).toFloatVector());
        }
        assertEquals(config, io.github.ple4j.model.config.ConfigJson.fromJson(
                new String(e.get("config.json"), StandardCharsets.UTF_8), "x"));
    }

    @Test
    void directWriteReadRoundTrip(@TempDir Path dir) throws IOException {
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("w", Nd4j.create(new double[]{1.5, -2, 3, 4, 5, 6}, new long[]{2, 3}, 'c'));
        p.put("b", Nd4j.create(new float[]{7f}, new long[]{1}, 'c'));
        Map<String, INDArray> u = Map.of("w", Nd4j.create(new double[]{0.25, 0.5}, new long[]{1, 2}, 'c'));
        Path f = dir.resolve("x.ple");
        ModelBundle.write(f, new BundleContents(config, p, u, 3, 17L, 17L));
        BundleContents c = ModelBundle.read(f);
        assertEquals(config, c.config());
        assertEquals(3, c.epoch());
        assertEquals(17L, c.step());
        assertEquals(List.of("w", "b"), List.copyOf(c.parameters().keySet()));
        assertEquals(DataType.DOUBLE, c.parameters().get("w").dataType());
        assertArrayEquals(new double[]{1.5, -2, 3, 4, 5, 6}, c.parameters().get("w").reshape(-1).toDoubleVector());
        assertArrayEquals(new float[]{7f}, c.parameters().get("b").toFloatVector());
        assertArrayEquals(new double[]{0.25, 0.5}, c.updaterState().get("w").reshape(-1).toDoubleVector());
        assertEquals("ADAM", BundleZip.json(BundleZip.entries(f), "manifest.json").get("optimizer").asText());
    }

    // ---- atomic writes

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void saveOverExistingLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.ple");
        try (PleModel m = PleModel.create(config)) {
            m.save(f, SaveOptions.parametersOnly());
            byte[] first = Files.readAllBytes(f);
            m.save(f);
            m.save(f, SaveOptions.parametersOnly());
            assertEquals(List.of("m.ple"), listing(dir));
            assertEquals(first.length, Files.size(f));
        }
        assertEquals(config, ModelBundle.read(f).config());
    }

    @Test
    void failedWriteKeepsOldFileAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.ple");
        Files.copy(good, f);
        byte[] before = Files.readAllBytes(f);
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("ok", Nd4j.zeros(DataType.FLOAT, 2, 2));
        p.put("bad", Nd4j.zeros(DataType.INT, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(f, new BundleContents(config, p, Map.of(), 0, 0, 0)));
        assertEquals("npy writer supports FLOAT and DOUBLE arrays but got INT", e.getMessage());
        assertEquals(List.of("m.ple"), listing(dir));
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void saveCreatesMissingDirectories(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a/b/m.ple");
        try (PleModel m = PleModel.create(config)) {
            m.save(f, SaveOptions.parametersOnly());
        }
        assertEquals(List.of("m.ple"), listing(f.getParent()));
    }

    // ---- damaged and foreign files

    @Test
    void missingFile(@TempDir Path dir) {
        Path f = dir.resolve("none.ple");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> PleModel.load(f));
        assertEquals(f + ": no such model file", e.getMessage());
        FileNotFoundException d = assertThrows(FileNotFoundException.class, () -> ModelBundle.read(dir));
        assertEquals(dir + ": no such model file", d.getMessage());
    }

    @Test
    void randomBytes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("random.ple");
        byte[] b = new byte[4096];
        new SplittableRandom(3).nextBytes(b);
        Files.write(f, b);
        MalformedModelException e = malformedLoad(f);
        assertTrue(e.getMessage().startsWith(f + ": not a valid zip file ("), e.getMessage());
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("empty.ple");
        Files.write(f, new byte[0]);
        assertTrue(malformed(f).getMessage().startsWith(f + ": not a valid zip file ("));
    }

    @Test
    void truncatedBundle(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("half.ple");
        byte[] b = Files.readAllBytes(good);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        MalformedModelException e = malformedLoad(f);
        assertTrue(e.getMessage().startsWith(f + ": not a valid zip file ("), e.getMessage());
    }

    @Test
    void flippedBitIsRejectedOrHarmless(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("flipped.ple");
        byte[] b = Files.readAllBytes(good);
        int rejected = 0;
        // Flip one bit at many places. Either the reader rejects the file, or the flip hit bytes the reader
        // ignores (local headers, data descriptors) and every array is still exactly the original.
        for (int i = 0; i < b.length; i += 13) {
            byte[] c = b.clone();
            c[i] ^= 0x10;
            Files.write(f, c);
            BundleContents read;
            try {
                read = ModelBundle.read(f);
            } catch (MalformedModelException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
                rejected++;
                continue;
            }
            assertEquals(config, read.config(), "flip at " + i);
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                assertArrayEquals(p.getValue().reshape(-1).toFloatVector(),
                        read.parameters().get(p.getKey()).reshape(-1).toFloatVector(), "flip at " + i);
            }
        }
        assertTrue(rejected > b.length / 13 / 2, rejected + " of " + (b.length / 13 + 1) + " rejected");
    }

    @Test
    void everyFlipInParameterDataIsDetected(@TempDir Path dir) throws IOException {
        // ZipFile does not verify CRC-32 itself; some flips in deflated data still inflate, to other floats. Arrays are
        // stored in uncompressed deflate blocks: a flip in a block header's padding bits changes no data (then the
        // bundle reads, with the original values).
        byte[] b = Files.readAllBytes(good);
        assertEquals("params/0.npy", BundleZip.entries(good).keySet().iterator().next());
        int nameLen = (b[26] & 0xff) | (b[27] & 0xff) << 8;
        int extraLen = (b[28] & 0xff) | (b[29] & 0xff) << 8;
        long compressed;
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(good.toFile())) {
            compressed = z.getEntry("params/0.npy").getCompressedSize();
        }
        int from = 30 + nameLen + extraLen;
        Path f = dir.resolve("flip.ple");
        int crcMismatches = 0;
        for (int i = from; i < from + compressed; i++) {
            byte[] c = b.clone();
            c[i] ^= 0x10;
            Files.write(f, c);
            BundleContents read;
            try {
                read = ModelBundle.read(f);
            } catch (MalformedModelException expected) {
                read = null;
            }
            if (read != null) {
                INDArray first = read.parameters().values().iterator().next();
                assertEquals(params.values().iterator().next(), first, "a flip that reads must change nothing (byte " + i + ")");
                continue;
            }
            MalformedModelException e = malformed(f);
            if (e.getMessage().equals(f + ": entry 'params/0.npy' is corrupt (CRC-32 mismatch)")) {
                crcMismatches++;
            } else {
                assertTrue(e.getMessage().startsWith(f + ": entry 'params/0.npy' is corrupt")
                        || e.getMessage().startsWith(f + " params/0.npy: "), e.getMessage());
            }
        }
        assertTrue(crcMismatches > 0, "no flip reached the CRC check");
    }

    @Test
    void zipWithoutManifest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("nomanifest.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.remove("manifest.json");
        BundleZip.write(f, e);
        assertEquals(f + ": not a PLE4J model bundle (no manifest.json)", malformedLoad(f).getMessage());
    }

    @Test
    void unrelatedZip(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("other.zip");
        BundleZip.write(f, Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(f + ": not a PLE4J model bundle (no manifest.json)", malformed(f).getMessage());
    }

    @Test
    void newerFormatVersion(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("v2.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> m.put("formatVersion", 3).put("libraryVersion", "9.9.9"));
        MalformedModelException e = malformedLoad(f);
        assertEquals(f + ": bundle format version 3 is newer than this library reads (2); written by PLE4J 9.9.9, "
                + "this is " + Versions.LIBRARY, e.getMessage());
        assertTrue(e.getMessage().contains("newer"));
    }

    @Test
    void badFormatVersion(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("v0.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> m.put("formatVersion", 0));
        assertEquals(f + ": bad bundle format version 0", malformed(f).getMessage());
    }

    @Test
    void otherFormat(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("other.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> m.put("format", "other"));
        assertEquals(f + ": format 'other' is not 'ple4j-model'", malformedLoad(f).getMessage());
    }

    @Test
    void unreadableManifest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("badmanifest.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.put("manifest.json", "{ \"format\": ".getBytes(StandardCharsets.UTF_8));
        BundleZip.write(f, e);
        assertTrue(malformed(f).getMessage().startsWith(f + ": unreadable manifest.json: "));
        BundleZip.editJson(good, f, "manifest.json", m -> m.put("extra", 1));
        MalformedModelException x = malformed(f);
        assertTrue(x.getMessage().startsWith(f + ": unreadable manifest.json: Unrecognized field \"extra\""),
                x.getMessage());
    }

    @Test
    void missingConfig(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("noconfig.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.remove("config.json");
        BundleZip.write(f, e);
        assertEquals(f + ": bundle has no config.json", malformed(f).getMessage());
    }

    @Test
    void invalidConfig(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("badconfig.ple");
        BundleZip.editJson(good, f, "config.json", c -> ((ObjectNode) c.get("extraction")).put("levels", 0));
        assertEquals(f + " config.json: invalid config: extraction.levels must be >= 1 but was 0",
                malformedLoad(f).getMessage());
    }

    @Test
    void missingParamsEntry(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("noparam.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.remove("params/3.npy");
        BundleZip.write(f, e);
        String name = List.copyOf(params.keySet()).get(3);
        assertEquals(f + ": manifest names 'params/3.npy' for '" + name + "' but the bundle has no such entry",
                malformedLoad(f).getMessage());
    }

    @Test
    void parameterMissingFromManifest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("lacks.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> ((ArrayNode) m.get("parameters")).remove(2));
        String name = List.copyOf(params.keySet()).get(2);
        assertEquals(f + ": bundle lacks parameter '" + name + "' that its config needs",
                malformedLoad(f).getMessage());
    }

    @Test
    void unknownParameter(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("extra.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.put("params/99.npy", Npy.write(Nd4j.zeros(DataType.FLOAT, 2)));
        ObjectNode m = BundleZip.json(e, "manifest.json");
        ObjectNode extra = ((ArrayNode) m.get("parameters")).addObject();
        extra.put("name", "bogus/W").put("file", "params/99.npy").putArray("shape").add(2);
        e.put("manifest.json", m.toString().getBytes(StandardCharsets.UTF_8));
        BundleZip.write(f, e);
        assertEquals(f + ": bundle has parameter 'bogus/W' that its config does not define",
                malformedLoad(f).getMessage());
    }

    @Test
    void duplicateParameter(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("dup.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> {
            ArrayNode p = (ArrayNode) m.get("parameters");
            p.add(p.get(0).deepCopy());
        });
        String name = List.copyOf(params.keySet()).get(0);
        assertEquals(f + ": array '" + name + "' is listed twice", malformed(f).getMessage());
    }

    @Test
    void manifestShapeDisagreesWithArray(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("shape.ple");
        long[] real = params.get(List.copyOf(params.keySet()).get(0)).shape();
        BundleZip.editJson(good, f, "manifest.json", m -> {
            ArrayNode shape = (ArrayNode) m.get("parameters").get(0).get("shape");
            shape.set(0, shape.get(0).asLong() + 1);
        });
        long[] claimed = real.clone();
        claimed[0]++;
        assertEquals(f + ": 'params/0.npy' has shape " + Arrays.toString(real) + " but the manifest says "
                + Arrays.toString(claimed), malformed(f).getMessage());
    }

    @Test
    void incompleteManifestEntry(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("incomplete.ple");
        BundleZip.editJson(good, f, "manifest.json", m -> ((ObjectNode) m.get("parameters").get(1)).remove("file"));
        assertEquals(f + ": incomplete array entry in manifest.json", malformed(f).getMessage());
    }

    @Test
    void corruptNpyEntry(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("npy.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        byte[] p = e.get("params/1.npy");
        e.put("params/1.npy", Arrays.copyOf(p, p.length - 4));
        BundleZip.write(f, e);
        MalformedModelException x = malformed(f);
        assertEquals(f + " params/1.npy: expected " + p.length + " bytes for shape "
                + Arrays.toString(params.get(List.copyOf(params.keySet()).get(1)).shape()) + " but the file has "
                + (p.length - 4), x.getMessage());
    }

    @Test
    void optimiserStateOfAnotherOptimiserIsRejected(@TempDir Path dir) throws IOException {
        Map<String, INDArray> p = Map.of("w", Nd4j.create(new double[]{1, 2}, new long[]{1, 2}, 'c'));
        Map<String, INDArray> u = Map.of("w", Nd4j.create(new double[]{0.25, 0.5, 0, 0}, new long[]{1, 4}, 'c'));
        Path saved = dir.resolve("adam.ple");
        ModelBundle.write(saved, new BundleContents(config, p, u, 1, 5L, 5L));
        Path f = dir.resolve("edited.ple");
        BundleZip.editJson(saved, f, "config.json",
                c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c.get("training").get("optimizer")).put("type", "RMSPROP"));
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> ModelBundle.read(f));
        assertEquals(f + ": the stored optimiser state is for ADAM but the config's training.optimizer.type is RMSPROP",
                e.getMessage());
    }

    @Test
    void parameterShapeDisagreesWithConfig(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("wrongshape.ple");
        BundleZip.editJson(good, f, "config.json", c -> {
            ArrayNode h = (ArrayNode) c.get("extraction").get("expertHidden");
            h.set(0, 6);
        });
        PleConfig edited = ModelBundle.read(f).config();
        assertEquals(List.of(6), edited.extraction().expertHidden());
        // The first parameter (in bundle order) whose shape the edited config changes.
        String expected = null;
        try (PleModel m = PleModel.create(edited)) {
            Map<String, INDArray> want = m.parameters();
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                long[] need = want.get(p.getKey()).shape();
                if (!Arrays.equals(need, p.getValue().shape())) {
                    expected = f + ": parameter '" + p.getKey() + "' has shape " + Arrays.toString(p.getValue().shape())
                            + " but the config needs " + Arrays.toString(need);
                    break;
                }
            }
        }
        // Level 0's three experts (a, b, shared) are packed into one [input, 3 * width] matrix.
        assertEquals(f + ": parameter 'level0/experts/layer0/W' has shape [4, 15] but the config needs [4, 18]",
                expected, "expected message derived from the graph");
        assertEquals(expected, malformedLoad(f).getMessage());
    }

    @Test
    void parentTraversalEntryName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("evil.ple");
        Map<String, byte[]> e = BundleZip.entries(good);
        e.put("../evil", "x".getBytes(StandardCharsets.UTF_8));
        BundleZip.write(f, e);
        assertEquals(f + ": zip entry name '../evil' is not allowed in a model bundle", malformedLoad(f).getMessage());
        assertFalse(Files.exists(dir.getParent().resolve("evil")));
    }

    @Test
    void otherForbiddenEntryNames(@TempDir Path dir) throws IOException {
        for (String bad : List.of("/abs", "params/..", "a\\b", "sp ace")) {
            Path f = dir.resolve("bad.ple");
            Map<String, byte[]> e = BundleZip.entries(good);
            e.put(bad, new byte[1]);
            BundleZip.write(f, e);
            assertEquals(f + ": zip entry name '" + bad + "' is not allowed in a model bundle", malformed(f).getMessage());
        }
    }

    @Test
    void manifestNamesEntryOutsideBundle(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("outside.ple");
        BundleZip.editJson(good, f, "manifest.json",
                m -> ((ObjectNode) m.get("parameters").get(0)).put("file", "../../etc/passwd"));
        String name = List.copyOf(params.keySet()).get(0);
        assertEquals(f + ": manifest names '../../etc/passwd' for '" + name + "' but the bundle has no such entry",
                malformed(f).getMessage());
    }

    @Test
    void readerDoesNotRequireUpdaterOptimizerField() throws IOException {
        BundleContents c = ModelBundle.read(good);
        assertEquals(params.keySet(), c.parameters().keySet());
        assertTrue(c.updaterState().isEmpty());
        assertNull(BundleZip.json(BundleZip.entries(good), "manifest.json").get("optimizer").textValue());
    }
}
