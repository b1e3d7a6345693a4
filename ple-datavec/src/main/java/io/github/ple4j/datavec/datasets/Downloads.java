package io.github.ple4j.datavec.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** Fetches a gzip file to a temporary file beside the target, checks its content, then renames it atomically. */
final class Downloads {
    private Downloads() {
    }

    /**
     * Downloads {@code url} to {@code target} unless the target already holds the expected content.
     *
     * @param expectedSha256 SHA-256 of the decompressed content
     * @throws IOException on HTTP or file errors; {@link io.github.ple4j.datavec.InvalidDataException} when the
     *                     downloaded content does not match (the target is then left as it was)
     */
    static void fetchGzip(URI url, Path target, String expectedSha256) throws IOException {
        if (Files.isRegularFile(target)) {
            try {
                GzipContent.verify(target, expectedSha256);
                return;
            } catch (IllegalArgumentException stale) {
                // fall through: fetch it again
            }
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".part");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build();
            HttpResponse<Path> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofFile(tmp));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading " + url);
            }
            if (response.statusCode() != 200) {
                throw new IOException("downloading " + url + ": expected HTTP 200 but got " + response.statusCode());
            }
            GzipContent.verify(tmp, url.toString(), expectedSha256);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
