package io.github.ple4j.bench;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Presets;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;

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
 *   <li>sparse ID configs, the paddle-census PLE on x = [dense, embeddings] with width-16 tables trained by lazy
 *       Adam (the rest by Adam, both at 1e-3): {@value #IDS_1E5}, {@value #IDS_1E6} and {@value #IDS_1E7} (F = 8,
 *       fields {@code user} and {@code item} with tables of 10^5, 10^6 or 10^7 rows each); {@value #CRITEO} (F = 13
 *       and 26 fields with the Criteo Kaggle cardinalities capped at 10^6, {@link #CRITEO_ROWS}); {@value #BAGS}
 *       (F = 8, {@code user} and {@code item} of 10^6 rows, a {@code history} bag of up to 50 items looking up the
 *       item table, mean-pooled, and a {@code tags} bag of up to 8 ids over 10^4 rows, sum-pooled). The same
 *       models as {@code python/torch_ple.py}'s configs of the same names.</li>
 * </ul>
 */
public final class BenchConfigs {
    /** PaddleRec's census-income PLE. */
    public static final String PADDLE_CENSUS = "paddle-census";
    /** A larger PLE on the census input. */
    public static final String LARGE = "large";
    /** A tiny PLE for smoke tests. */
    public static final String TINY = "tiny";
    /** Two ID fields of 10^5 rows each. */
    public static final String IDS_1E5 = "ids-1e5";
    /** Two ID fields of 10^6 rows each. */
    public static final String IDS_1E6 = "ids-1e6";
    /** Two ID fields of 10^7 rows each. */
    public static final String IDS_1E7 = "ids-1e7";
    /** 13 dense features and 26 ID fields of Criteo's cardinalities (capped at 10^6). */
    public static final String CRITEO = "criteo";
    /** Two ID fields and two bag fields, one sharing a table. */
    public static final String BAGS = "bags";
    /** Criteo Kaggle cardinalities of C1..C26, capped at 10^6 as hashing practitioners do. */
    public static final List<Integer> CRITEO_ROWS = List.of(1460, 583, 1000000, 1000000, 305, 24, 12517, 633, 3, 93145,
            5683, 1000000, 3194, 27, 14992, 1000000, 10, 5652, 2173, 4, 1000000, 18, 15, 286181, 105, 142572);
    /** Width of every table of the sparse ID configs. */
    public static final int EMBEDDING_DIM = 16;
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
        CONFIGS.put(IDS_1E5, () -> ids(8, List.of(field("user", 100_000), field("item", 100_000))));
        CONFIGS.put(IDS_1E6, () -> ids(8, List.of(field("user", 1_000_000), field("item", 1_000_000))));
        CONFIGS.put(IDS_1E7, () -> ids(8, List.of(field("user", 10_000_000), field("item", 10_000_000))));
        CONFIGS.put(CRITEO, () -> {
            List<CategoricalField> fields = new java.util.ArrayList<>();
            for (int i = 0; i < CRITEO_ROWS.size(); i++) {
                fields.add(field("C" + (i + 1), CRITEO_ROWS.get(i)));
            }
            return ids(13, fields);
        });
        CONFIGS.put(BAGS, () -> ids(8, List.of(field("user", 1_000_000), field("item", 1_000_000),
                field("history", 1_000_000).withTable("item").asBag(50, Pooling.MEAN),
                field("tags", 10_000).asBag(8, Pooling.SUM))));
        CONFIGS.put(TINY, () -> PleConfig.builder()
                .denseInputs(10)
                .task(TaskSpec.binary("t1", 3))
                .task(TaskSpec.binary("t2", 3))
                .extraction(ExtractionSpec.ple(2, 1, 2, 4))
                .build());
    }

    private BenchConfigs() {
    }

    private static CategoricalField field(String name, int rows) {
        return new CategoricalField(name, rows, EMBEDDING_DIM);
    }

    /** The paddle-census PLE on dense features and ID fields, tables trained by lazy Adam. */
    private static PleConfig ids(int dense, List<CategoricalField> fields) {
        return Presets.paddleCensus(2, dense).withInputs(new InputSpec(dense, fields))
                .withTraining(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam()));
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
