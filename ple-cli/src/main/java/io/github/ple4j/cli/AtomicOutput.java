package io.github.ple4j.cli;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A text file written all or nothing: the content goes to a temporary file in the target's directory, which is
 * flushed to disk and renamed over the target by {@link #commit()}. Closing without committing deletes the temporary
 * file, so a failure (or an exception while writing) never leaves a partial output under the target's name. A process
 * killed mid-write can leave a {@code .NAME.*.tmp} file behind, never a partial NAME.
 */
final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FileOutputStream stream;
    private final Writer writer;
    private boolean committed;

    AtomicOutput(Path target) {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        try {
            Files.createDirectories(dir);
            if (Files.isDirectory(this.target)) {
                throw CliException.io("cannot write " + target + ": it is a directory", null);
            }
            this.tmp = Files.createTempFile(dir, "." + this.target.getFileName(), ".tmp");
            this.stream = new FileOutputStream(tmp.toFile());
        } catch (IOException e) {
            throw CliException.io("cannot write " + target + ": " + e, e);
        }
        this.writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Where to write. */
    Writer writer() {
        return writer;
    }

    /** Flushes, syncs and renames the temporary file to the target. */
    void commit() {
        try {
            writer.flush();
            stream.getChannel().force(true);
            writer.close();
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        } catch (IOException e) {
            throw CliException.io("cannot write " + target + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            writer.close();
        } catch (IOException e) {
            // the file is deleted below anyway
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // nothing more to do; the target was never touched
        }
    }

    /** Writes a whole text file atomically. */
    static void write(Path target, String text) {
        try (AtomicOutput out = new AtomicOutput(target)) {
            out.writer().write(text);
            out.commit();
        } catch (IOException e) {
            throw CliException.io("cannot write " + target + ": " + e, e);
        }
    }
}
