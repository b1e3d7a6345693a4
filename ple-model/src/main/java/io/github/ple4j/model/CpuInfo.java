package io.github.ple4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The CPU this JVM runs on, from {@code /proc/cpuinfo} (Linux; empty elsewhere): its model name and its feature
 * flags. Benchmarks record it, since a speed measured on an AVX-512 machine says little about an AVX2 one.
 *
 * @param model the "model name" line, or "unknown"
 * @param flags every feature flag
 */
public record CpuInfo(String model, Set<String> flags) {
    /** The vector-instruction flags that decide which native build runs and how fast, in this order. */
    public static final List<String> VECTOR_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile");

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    /** This machine's CPU. */
    public static CpuInfo current() {
        String model = "unknown";
        Set<String> flags = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags.addAll(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no access: unknown
        }
        return new CpuInfo(model, flags);
    }

    /** The flags of {@link #VECTOR_FLAGS} this CPU has, in that order. */
    public List<String> vectorFlags() {
        return VECTOR_FLAGS.stream().filter(flags::contains).toList();
    }

    /** "AMD EPYC (avx, avx2, fma)". */
    @Override
    public String toString() {
        return model + " (" + String.join(", ", vectorFlags()) + ")";
    }
}
