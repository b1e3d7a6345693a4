package io.github.ple4j.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ple4j.model.Versions;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The versioned model file: a zip with {@code manifest.json} (format, versions, array index, training
 * counters), {@code config.json} and one NumPy {@code .npy} file per parameter (and per optimiser state
 * array when saved for resuming). Written to a temporary file and renamed, so an existing file is never left
 * half-written. Reading parses only JSON and .npy in Java (no Java deserialisation, no native parsing of
 * file content), never extracts to disk, and bounds every entry's size.
 */
public final class ModelBundle {
    /** Format name in the manifest. */
    public static final String FORMAT = "ple4j-model";
    /**
     * The layout version this library writes and the newest it reads. Version 2 adds the sparse embedding tables'
     * optimiser state and the {@code embeddingOptimizer} manifest field; version 1 bundles read unchanged.
     */
    public static final int FORMAT_VERSION = 2;
    /** Largest entry the reader inflates. */
    static final long MAX_ENTRY_BYTES = 1L << 31;
    private static final String MANIFEST = "manifest.json";
    private static final String CONFIG = "config.json";
    private static final String ATTACHMENTS = "attachments/";

    /** Checks an attachment name: lower-case letters, digits and '-', 1 to 64 characters. */
    public static String checkAttachmentName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("attachment name must be 1-64 lower-case letters, digits or '-' but was '"
                    + name + "'");
        }
        return name;
    }

    private ModelBundle() {
    }

    /**
     * Reads one attachment of a bundle without reading its arrays (for example a checkpoint's fit state).
     *
     * @return the attachment's text, or empty when the bundle has no such attachment or it exceeds 1 MiB
     * @throws IOException when the file cannot be read as a zip file
     */
    public static java.util.Optional<String> peekAttachment(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(ATTACHMENTS + checkAttachmentName(name) + ".json");
            if (e == null || e.getSize() > 1 << 20) {
                return java.util.Optional.empty();
            }
            try (java.io.InputStream in = zip.getInputStream(e)) {
                return java.util.Optional.of(new String(in.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    /** Writes a bundle atomically (temporary file in the same directory, then rename). */
    public static void write(Path file, BundleContents contents) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 ZipOutputStream zip = new ZipOutputStream(os)) {
                List<Manifest.Entry> params = writeArrays(zip, "params/", contents.parameters());
                List<Manifest.Entry> updater = writeArrays(zip, "updater/", contents.updaterState());
                boolean state = !contents.updaterState().isEmpty();
                Manifest m = new Manifest(FORMAT, FORMAT_VERSION, Versions.LIBRARY, Versions.ND4J, contents.epoch(),
                        contents.step(), state ? contents.config().training().optimizer().type().name() : null,
                        state ? contents.optimizerStep() : null, params, updater,
                        state ? contents.config().training().embeddingOptimizer().type().name() : null);
                put(zip, MANIFEST, ConfigJson.mapper().writeValueAsBytes(m));
                put(zip, CONFIG, ConfigJson.toJson(contents.config()).getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, String> a : contents.attachments().entrySet()) {
                    put(zip, ATTACHMENTS + checkAttachmentName(a.getKey()) + ".json", a.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static List<Manifest.Entry> writeArrays(ZipOutputStream zip, String dir, Map<String, INDArray> arrays)
            throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            String name = dir + (i++) + ".npy";
            // Arrays are streamed from native memory (no second copy of a large table) and stored without
            // compression: floats barely compress, and deflating a 10^7-row table took tens of seconds.
            zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry(name));
            Npy.write(e.getValue(), zip);
            zip.closeEntry();
            zip.setLevel(java.util.zip.Deflater.DEFAULT_COMPRESSION);
            entries.add(new Manifest.Entry(e.getKey(), name, e.getValue().shape()));
        }
        return entries;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * Reads a whole bundle into new arrays (for tools and tests; {@code PleModel.load} streams into its own arrays
     * with {@link #open}).
     *
     * @throws MalformedModelException when the file is not a bundle, is corrupt or truncated, or has a
     *                                 newer format version
     */
    public static BundleContents read(Path file) throws IOException {
        try (Reader r = open(file)) {
            Map<String, INDArray> params = r.arrays(r.manifest().parameters(), (name, shape) -> null);
            Map<String, INDArray> updater = r.arrays(r.manifest().updaterState(), (name, shape) -> null);
            return new BundleContents(r.config(), params, updater, r.manifest().epoch(), r.manifest().step(),
                    r.optimizerStep(), r.attachments());
        }
    }

    /**
     * Opens a bundle: reads and checks its manifest, config and attachments; the arrays are read on demand by
     * {@link Reader#arrays}, streamed into arrays the caller owns.
     *
     * @throws MalformedModelException when the file is not a bundle, is corrupt or truncated, or has a newer format
     *                                 version, or its optimiser state is for another optimiser than its config's
     */
    public static Reader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no such model file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | java.io.EOFException e) {
            throw new MalformedModelException(file + ": not a valid zip file (" + e.getMessage() + ")", e);
        }
        try {
            return new Reader(file, zip);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Where an array of the bundle goes: the caller's array of that shape, or null for a new array. */
    @FunctionalInterface
    public interface ArrayTarget {
        INDArray target(String name, long[] shape) throws MalformedModelException;
    }

    /** An open bundle: its manifest, config and attachments, and its arrays on demand. Close it when done. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final ZipFile zip;
        private final Map<String, ZipEntry> entries = new HashMap<>();
        private final Manifest manifest;
        private final PleConfig config;
        private final Map<String, String> attachments = new LinkedHashMap<>();

        private Reader(Path file, ZipFile zip) throws IOException {
            this.file = file;
            this.zip = zip;
            try {
                Enumeration<? extends ZipEntry> en = zip.entries();
                while (en.hasMoreElements()) {
                    ZipEntry e = en.nextElement();
                    String n = e.getName();
                    if (n.startsWith("/") || n.contains("..") || n.contains("\\") || !n.matches("[A-Za-z0-9_./-]+")) {
                        throw new MalformedModelException(file + ": zip entry name '" + n + "' is not allowed in a model bundle");
                    }
                    entries.put(n, e);
                }
                if (!entries.containsKey(MANIFEST)) {
                    throw new MalformedModelException(file + ": not a PLE4J model bundle (no " + MANIFEST + ")");
                }
                Manifest m;
                try {
                    m = ConfigJson.mapper().readValue(bytes(zip, entries.get(MANIFEST), file), Manifest.class);
                } catch (JsonProcessingException e) {
                    throw new MalformedModelException(file + ": unreadable " + MANIFEST + ": " + e.getOriginalMessage(), e);
                }
                this.manifest = m;
                if (!FORMAT.equals(m.format())) {
                    throw new MalformedModelException(file + ": format '" + m.format() + "' is not '" + FORMAT + "'");
                }
                if (m.formatVersion() > FORMAT_VERSION) {
                    throw new MalformedModelException(file + ": bundle format version " + m.formatVersion()
                            + " is newer than this library reads (" + FORMAT_VERSION + "); written by PLE4J "
                            + m.libraryVersion() + ", this is " + Versions.LIBRARY);
                }
                if (m.formatVersion() < 1) {
                    throw new MalformedModelException(file + ": bad bundle format version " + m.formatVersion());
                }
                if (!entries.containsKey(CONFIG)) {
                    throw new MalformedModelException(file + ": bundle has no " + CONFIG);
                }
                try {
                    config = ConfigJson.fromJson(new String(bytes(zip, entries.get(CONFIG), file), StandardCharsets.UTF_8),
                            file + " " + CONFIG);
                } catch (IllegalArgumentException e) {
                    throw new MalformedModelException(e.getMessage(), e);
                }
                checkEntries(m.parameters());
                checkEntries(m.updaterState());
                if (!m.updaterState().isEmpty()) {
                    String configured = config.training().optimizer().type().name();
                    if (m.optimizer() != null && !m.optimizer().equals(configured)) {
                        throw new MalformedModelException(file + ": the stored optimiser state is for " + m.optimizer()
                                + " but the config's training.optimizer.type is " + configured);
                    }
                    String embedding = config.training().embeddingOptimizer().type().name();
                    if (m.embeddingOptimizer() != null && !m.embeddingOptimizer().equals(embedding)) {
                        throw new MalformedModelException(file + ": the stored optimiser state is for embedding tables "
                                + "trained by " + m.embeddingOptimizer() + " but the config's training.embeddingOptimizer"
                                + ".type is " + embedding);
                    }
                }
                for (Map.Entry<String, ZipEntry> e : entries.entrySet()) {
                    String n = e.getKey();
                    if (n.startsWith(ATTACHMENTS) && n.endsWith(".json")) {
                        attachments.put(n.substring(ATTACHMENTS.length(), n.length() - 5),
                                new String(bytes(zip, e.getValue(), file), StandardCharsets.UTF_8));
                    }
                }
            } catch (ZipException | java.io.EOFException e) {
                throw new MalformedModelException(file + ": not a valid zip file (" + e.getMessage() + ")", e);
            }
        }

        private void checkEntries(List<Manifest.Entry> list) throws MalformedModelException {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Manifest.Entry e : list) {
                if (e == null || e.name() == null || e.file() == null || e.shape() == null) {
                    throw new MalformedModelException(file + ": incomplete array entry in " + MANIFEST);
                }
                if (!entries.containsKey(e.file())) {
                    throw new MalformedModelException(file + ": manifest names '" + e.file() + "' for '" + e.name()
                            + "' but the bundle has no such entry");
                }
                if (!names.add(e.name())) {
                    throw new MalformedModelException(file + ": array '" + e.name() + "' is listed twice");
                }
            }
        }

        public Manifest manifest() {
            return manifest;
        }

        public PleConfig config() {
            return config;
        }

        public Map<String, String> attachments() {
            return java.util.Collections.unmodifiableMap(attachments);
        }

        /** Steps the stored optimiser state has seen (0 without stored state). */
        public long optimizerStep() {
            return manifest.updaterState().isEmpty() ? 0
                    : (manifest.optimizerStep() != null ? manifest.optimizerStep() : manifest.step());
        }

        /**
         * Streams the listed arrays, in order, each into {@code target.target(name, shape)} (or a new array when it
         * answers null), checking shape and CRC-32.
         *
         * @return the arrays read, by name
         */
        public Map<String, INDArray> arrays(List<Manifest.Entry> list, ArrayTarget target) throws IOException {
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (Manifest.Entry e : list) {
                ZipEntry ze = entries.get(e.file());
                INDArray into = target.target(e.name(), e.shape());
                String source = file + " " + e.file();
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                INDArray a;
                try (InputStream in = new java.util.zip.CheckedInputStream(
                        new java.io.BufferedInputStream(zip.getInputStream(ze), 1 << 16), crc)) {
                    a = Npy.read(in, source, into);
                } catch (ZipException | java.io.EOFException ex) {
                    throw new MalformedModelException(file + ": entry '" + e.file() + "' is corrupt or truncated ("
                            + ex.getMessage() + ")", ex);
                }
                if (ze.getCrc() != -1 && crc.getValue() != ze.getCrc()) {
                    throw new MalformedModelException(file + ": entry '" + e.file() + "' is corrupt (CRC-32 mismatch)");
                }
                if (!java.util.Arrays.equals(a.shape(), e.shape())) {
                    throw new MalformedModelException(file + ": '" + e.file() + "' has shape "
                            + java.util.Arrays.toString(a.shape()) + " but the manifest says "
                            + java.util.Arrays.toString(e.shape()));
                }
                out.put(e.name(), a);
            }
            return out;
        }

        /**
         * Reads every array entry once, checking its CRC-32, without keeping anything: for callers that must not
         * change their arrays unless the whole file is intact.
         */
        public void verify() throws IOException {
            List<Manifest.Entry> all = new ArrayList<>(manifest.parameters());
            all.addAll(manifest.updaterState());
            byte[] buf = new byte[1 << 16];
            for (Manifest.Entry e : all) {
                ZipEntry ze = entries.get(e.file());
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                try (InputStream in = new java.util.zip.CheckedInputStream(zip.getInputStream(ze), crc)) {
                    while (in.read(buf) >= 0) {
                        // only the checksum is kept
                    }
                } catch (ZipException | java.io.EOFException ex) {
                    throw new MalformedModelException(file + ": entry '" + e.file() + "' is corrupt or truncated ("
                            + ex.getMessage() + ")", ex);
                }
                if (ze.getCrc() != -1 && crc.getValue() != ze.getCrc()) {
                    throw new MalformedModelException(file + ": entry '" + e.file() + "' is corrupt (CRC-32 mismatch)");
                }
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    private static byte[] bytes(ZipFile zip, ZipEntry e, Path file) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                total += r;
                if (total > MAX_ENTRY_BYTES) {
                    throw new MalformedModelException(file + ": entry '" + e.getName() + "' is larger than "
                            + MAX_ENTRY_BYTES + " bytes");
                }
                out.write(buf, 0, r);
            }
            byte[] data = out.toByteArray();
            // ZipFile does not check CRC-32: without this a flipped bit could silently change a parameter.
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw new MalformedModelException(file + ": entry '" + e.getName() + "' is corrupt (CRC-32 mismatch)");
            }
            return data;
        } catch (ZipException | java.io.EOFException ex) {
            throw new MalformedModelException(file + ": entry '" + e.getName() + "' is corrupt or truncated ("
                    + ex.getMessage() + ")", ex);
        }
    }
}
