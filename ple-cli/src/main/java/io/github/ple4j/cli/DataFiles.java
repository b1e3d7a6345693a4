package io.github.ple4j.cli;

import io.github.ple4j.model.PleModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Path;

/**
 * Fingerprints (size and SHA-256) of the files a {@code ple train} run trains and validates on, stored with the
 * model and its checkpoints (attachment {@value #ATTACHMENT}): resuming needs the same files.
 *
 * @param train fingerprint of the training file
 * @param valid fingerprint of the validation file, or null without one
 */
record DataFiles(String train, String valid) {
    static final String ATTACHMENT = "data-files";

    String toJson() {
        try {
            return io.github.ple4j.cli.job.JobJson.mapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprints stored with a model (a checkpoint read from {@code file}). */
    static DataFiles of(PleModel model, Path file) {
        String json = model.attachment(ATTACHMENT).orElseThrow(() -> CliException.badModel(file
                + ": the checkpoint has no '" + ATTACHMENT + "' attachment (it was not written by 'ple train')", null));
        try {
            return io.github.ple4j.cli.job.JobJson.mapper().readValue(json, DataFiles.class);
        } catch (IOException e) {
            throw CliException.badModel(file + ": unreadable '" + ATTACHMENT + "' attachment: "
                    + LoadedModel.oneLine(e.getMessage()), e);
        }
    }

    /**
     * The fingerprint of an input's parts: the file's own for one part; for several, their count, total size and
     * the SHA-256 of every part's name and fingerprint in order.
     */
    static String fingerprint(java.util.List<Path> shards) {
        if (shards.size() == 1) {
            return fingerprint(shards.get(0));
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long total = 0;
            for (Path p : shards) {
                String f = fingerprint(p);
                total += Long.parseLong(f.split(" ")[1]);
                md.update((p.getFileName() + "\n" + f + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return shards.size() + " parts, bytes " + total + " sha256 " + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Size and SHA-256 of a file (the training data must not change between a run and its resumption). */
    static String fingerprint(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.io("cannot read " + file + ": no such file", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                size += r;
            }
            return "bytes " + size + " sha256 " + HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw CliException.io("cannot read " + file + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
