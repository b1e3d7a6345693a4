package io.github.ple4j.bench;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.config.TaskSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The named model configurations of the speed measurements, shared by the {@code throughput} command and the
 * JMH benchmarks ({@link PleBenchmarks}) so both measure the same models.
 *
 * <ul>
 *   <li>{@value #PADDLE_CENSUS}: PaddleRec's census-income PLE ({@link Presets#paddleCensus}): F = 499 dense
 *       inputs, two binary tasks, 2 levels, 3 experts per task and 2 shared per level, expert MLP [16],
 *       tower [8];</li>
 *   <li>{@value #LARGE}: the same inputs and tasks with a larger network: 2 levels, 4 experts per task and 4
 *       shared, expert MLP [256, 128], tower [64];</li>
 *   <li>{@value #TINY}: a very small 2-level PLE (F = 10) for smoke tests of the measuring code.</li>
 * </ul>
 */
public final class BenchConfigs {
    /** PaddleRec's census-income PLE. */
    public static final String PADDLE_CENSUS = "paddle-census";
    /** A larger PLE on the census input. */
    public static final String LARGE = "large";
    /** A tiny PLE for smoke tests. */
    public static final String TINY = "tiny";
    /** Dense input width of the census-income one-hot encoding. */
    public static final int CENSUS_DENSE = 499;

    private static final Map<String, Supplier<PleConfig>> CONFIGS = new LinkedHashMap<>();

    static {
        CONFIGS.put(PADDLE_CENSUS, () -> Presets.paddleCensus(2, CENSUS_DENSE));
        CONFIGS.put(LARGE, () -> PleConfig.builder()
                .denseInputs(CENSUS_DENSE)
                .tasks(Presets.censusTasks(64))
                .extraction(ExtractionSpec.ple(2, 4, 4, 256, 128))
                .build());
        CONFIGS.put(TINY, () -> PleConfig.builder()
                .denseInputs(10)
                .task(TaskSpec.binary("t1", 3))
                .task(TaskSpec.binary("t2", 3))
                .extraction(ExtractionSpec.ple(2, 1, 2, 4))
                .build());
    }

    private BenchConfigs() {
    }

    /** The names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(CONFIGS.keySet());
    }

    /**
     * The paper's five compared models for two tasks at an equal expert budget: {@code perTask} experts per task
     * and {@code shared} shared ones per level (CGC one level, PLE two), MMoE with as many experts as a CGC level
     * (2 * perTask + shared), all of width {@code width}; single-task and shared-bottom with one network of it.
     */
    static Map<String, ExtractionSpec> comparedModels(int perTask, int shared, int width) {
        Map<String, ExtractionSpec> m = new LinkedHashMap<>();
        m.put("single-task", ExtractionSpec.singleTask(width));
        m.put("shared-bottom", ExtractionSpec.sharedBottom(width));
        m.put("MMoE", ExtractionSpec.mmoe(2 * perTask + shared, width));
        m.put("CGC", ExtractionSpec.cgc(perTask, shared, width));
        m.put("PLE", ExtractionSpec.ple(2, perTask, shared, width));
        return m;
    }

    /**
     * The config of a name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static PleConfig get(String name) {
        Supplier<PleConfig> s = CONFIGS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no bench config named '" + name + "'; the names are " + names());
        }
        return s.get();
    }
}
