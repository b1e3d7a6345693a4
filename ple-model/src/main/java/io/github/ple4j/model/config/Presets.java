package io.github.ple4j.model.config;

import java.util.List;

/** Named configurations from the literature. */
public final class Presets {
    private Presets() {
    }

    /** Task names of the census-income benchmark (MMoE-paper protocol). */
    public static final String INCOME = "income";
    public static final String MARITAL = "marital";

    /**
     * PaddleRec's PLE config for census-income: two binary tasks (income, marital status), 3 experts per
     * task, 2 shared experts, expert width 16, tower 8, Adam.
     *
     * @param levels    1 (CGC) or 2 (PLE)
     * @param denseSize input width (535 for ple-datavec's one-hot census encoding; PaddleRec's preprocessing gives 499)
     */
    public static PleConfig paddleCensus(int levels, int denseSize) {
        return PleConfig.builder()
                .denseInputs(denseSize)
                .task(TaskSpec.binary(INCOME, 8))
                .task(TaskSpec.binary(MARITAL, 8))
                .extraction(ExtractionSpec.ple(levels, 3, 2, 16))
                .training(TrainingSpec.defaults())
                .build();
    }

    /** The two binary census tasks with the given tower. */
    public static List<TaskSpec> censusTasks(Integer... tower) {
        return List.of(TaskSpec.binary(INCOME, tower), TaskSpec.binary(MARITAL, tower));
    }
}
