package io.github.ple4j.datavec.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The part files an input names: one file; a directory (its {@code .csv} and {@code .csv.gz} files, without
 * hidden files and markers such as {@code _SUCCESS} whose names start with '.' or '_'); or a glob in the last
 * path component ({@code logs/day=*.csv.gz}, {@code part-0000[0-4].csv}). Parts come sorted by name.
 */
public final class Shards {
    private Shards() {
    }

    /**
     * @param input a file, a directory or a glob
     * @return the part files, at least one, sorted by name
     * @throws UncheckedIOException naming the input when it names no file, a directory holds no part file, a glob
     *                              matches none, or the directory cannot be listed
     */
    public static List<Path> resolve(Path input) {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (Files.isDirectory(input)) {
            List<Path> parts = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (Path p : list(input, "*")) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("_") || !Files.isRegularFile(p)) {
                    continue;
                }
                if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
                    parts.add(p);
                } else {
                    others.add(name);
                }
            }
            if (parts.isEmpty()) {
                throw new UncheckedIOException(input + ": the directory holds no .csv or .csv.gz part file"
                        + (others.isEmpty() ? " (it is empty)" : " (it holds " + others.size() + " other file(s), e.g. '"
                        + others.stream().sorted().findFirst().orElseThrow() + "')"), new NoSuchFileException(input.toString()));
            }
            parts.sort(null);
            return List.copyOf(parts);
        }
        String last = input.getFileName() == null ? "" : input.getFileName().toString();
        if (last.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
            Path dir = input.getParent() == null ? Path.of(".") : input.getParent();
            if (!Files.isDirectory(dir)) {
                throw new UncheckedIOException("cannot read " + input + ": no directory " + dir,
                        new NoSuchFileException(dir.toString()));
            }
            List<Path> parts = new ArrayList<>();
            for (Path p : list(dir, last)) {
                if (Files.isRegularFile(p)) {
                    parts.add(p);
                }
            }
            if (parts.isEmpty()) {
                throw new UncheckedIOException(input + ": no file in " + dir + " matches the pattern '" + last + "'",
                        new NoSuchFileException(input.toString()));
            }
            parts.sort(null);
            return List.copyOf(parts);
        }
        throw new UncheckedIOException("cannot read " + input + ": no such file",
                new NoSuchFileException(input.toString()));
    }

    private static List<Path> list(Path dir, String glob) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (matcher.matches(p.getFileName())) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }
}
