package io.github.ple4j.model.io;

import io.github.ple4j.model.NativeSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 4,000,000 x 16 float table (256 MB, and twice that of lazy-Adam moments) is created, trained, saved and loaded by
 * a JVM with a 96 MB heap: tables are initialised, written and read in chunks, never copied whole onto the heap.
 */
class ModelBundleLargeTableTest {
    @Test
    void aTableLargerThanTheHeapSavesAndLoads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("large.ple");
        Path log = dir.resolve("child.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-Dorg.bytedeco.javacpp.maxbytes=3G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G",
                "-D" + NativeSelection.EXTENSION_PROPERTY + "=" + System.getProperty(NativeSelection.EXTENSION_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"), LargeTableMain.class.getName(), file.toString(), "4000000");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child finishes");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK heap max"), out);
        assertTrue(Files.size(file) > 3L * 4_000_000 * 16 * 4, "table and both moments stored: " + Files.size(file));
    }
}
