package io.github.ple4j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.config.ConfigJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Test helper: reads a bundle's zip entries and writes edited copies. */
public final class BundleZip {
    private BundleZip() {
    }

    /** All entries, in zip order. */
    public static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                try (InputStream in = zip.getInputStream(e)) {
                    m.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return m;
    }

    /** Writes entries as a zip. */
    public static void write(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    /** The JSON tree of an entry. */
    public static ObjectNode json(Map<String, byte[]> entries, String name) throws IOException {
        return (ObjectNode) ConfigJson.mapper().readTree(entries.get(name));
    }

    /** Copies {@code from} to {@code to}, editing one JSON entry. */
    public static void editJson(Path from, Path to, String name, Consumer<ObjectNode> edit) throws IOException {
        Map<String, byte[]> e = entries(from);
        ObjectNode n = json(e, name);
        edit.accept(n);
        e.put(name, ConfigJson.mapper().writeValueAsString(n).getBytes(StandardCharsets.UTF_8));
        write(to, e);
    }

    /** The manifest's parameter entries. */
    public static JsonNode manifestParams(Path file) throws IOException {
        return json(entries(file), "manifest.json").get("parameters");
    }
}
