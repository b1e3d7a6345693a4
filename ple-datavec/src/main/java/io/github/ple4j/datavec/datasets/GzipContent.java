package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.InvalidDataException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * What a gzip file decompresses to: the SHA-256 of the content, its size and its number of lines, in one
 * streaming pass.
 *
 * @param sha256 lower-case hex SHA-256 of the decompressed bytes
 * @param bytes  decompressed size
 * @param lines  lines (a last line without a newline counts)
 */
public record GzipContent(String sha256, long bytes, long lines) {

    /**
     * Decompresses and measures a file.
     *
     * @param file the gzip file
     * @param name how to name it in messages (the path, or a URL while downloading)
     * @throws InvalidDataException  if the gzip data is cut short or corrupt
     * @throws UncheckedIOException for other I/O errors
     */
    public static GzipContent scan(Path file, String name) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        long bytes = 0;
        long newlines = 0;
        int last = '\n';
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(new FileInputStream(file.toFile()), 1 << 16),
                1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        newlines++;
                    }
                }
                bytes += n;
                last = buf[n - 1];
            }
        } catch (EOFException e) {
            throw new InvalidDataException(name, "the gzip data ends early (truncated or partly downloaded file?) after "
                    + bytes + " decompressed bytes" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (ZipException e) {
            throw new InvalidDataException(name, "not valid gzip data after " + bytes + " decompressed bytes: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name + ": " + e, e);
        }
        long lines = newlines + (bytes > 0 && last != '\n' ? 1 : 0);
        return new GzipContent(HexFormat.of().formatHex(sha.digest()), bytes, lines);
    }

    /**
     * Checks that a gzip file decompresses to content with the expected SHA-256.
     *
     * @return the measured content
     * @throws InvalidDataException naming the file, the expected and the actual digest
     */
    public static GzipContent verify(Path file, String expectedSha256) {
        return verify(file, file.toString(), expectedSha256);
    }

    static GzipContent verify(Path file, String name, String expectedSha256) {
        GzipContent c = scan(file, name);
        if (!c.sha256().equalsIgnoreCase(expectedSha256)) {
            throw new InvalidDataException(name, "SHA-256 of the decompressed content: expected " + expectedSha256
                    + " but found " + c.sha256() + " (" + c.bytes() + " bytes, " + c.lines() + " lines)", null);
        }
        return c;
    }
}
