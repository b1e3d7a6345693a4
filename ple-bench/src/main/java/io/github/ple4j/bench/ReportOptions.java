package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.config.ConfigJson;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The options every report-writing command shares (a picocli mixin), and the writing of its report. */
final class ReportOptions {
    @Option(names = "--out", defaultValue = "target/ple-report", description = "Report directory. Default: ${DEFAULT-VALUE}")
    Path out;
    @Option(names = "--threads", description = "Native threads (default: OMP_NUM_THREADS or 1)")
    Integer threads;
    @Option(names = "--op-threads", description = "libnd4j op threads when they should differ from the BLAS threads "
            + "(default: --threads)")
    Integer opThreads;

    /** Applies the thread settings, prints the backend line and returns the (BLAS) thread count. */
    int start() {
        return PleBench.start(threads, opThreads);
    }

    /** The report directory, created if needed. */
    Path directory() throws IOException {
        return Files.createDirectories(out);
    }

    /**
     * Writes {@code name.json} and {@code name.md} into the report directory.
     *
     * @return the two files, JSON first
     */
    List<Path> write(String name, ObjectNode report, List<String> markdown) throws IOException {
        Path dir = directory();
        Path json = dir.resolve(name + ".json");
        Path md = dir.resolve(name + ".md");
        ConfigJson.mapper().writeValue(json.toFile(), report);
        Files.writeString(md, String.join(System.lineSeparator(), markdown) + System.lineSeparator());
        return List.of(json, md);
    }
}
