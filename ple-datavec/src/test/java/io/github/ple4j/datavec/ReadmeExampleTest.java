package io.github.ple4j.datavec;

import io.github.ple4j.datavec.datasets.CensusData;
import io.github.ple4j.datavec.datasets.CensusIncome;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.train.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java example, line for line, on the first 3,000 rows of each census file and 2 epochs. */
class ReadmeExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("census.ple");
        EvaluationReport report;
        Predictions p;
        CensusData census = CensusIncome.builder().directory(CensusIncome.defaultDirectory()).rowLimit(3000).load();
        PleConfig config = PleConfig.builder()
                .inputs(census.inputSpec())                         // 535 one-hot census features
                .task(TaskSpec.binary("income").withTower(8))
                .task(TaskSpec.binary("marital").withTower(8))
                .extraction(ExtractionSpec.builder().levels(2).expertsPerTask(3).sharedExperts(2).expertHidden(16).build())
                .training(TrainingSpec.defaults().withEpochs(2).withEarlyStopping(EarlyStopping.on("auc", 3)))
                .build();
        try (PleModel model = PleModel.create(config); CensusData.Iterators data = census.iterators(config, 256)) {
            model.fit(data.train(), data.valid(), new ProgressListener(System.out));
            report = model.evaluate(data.test());
            System.out.println(report.toTable());   // AUC, log loss, accuracy per task
            data.test().reset();
            p = model.predict(data.test().next());            // per-task probabilities [B, 1]
            model.save(file);                                            // one versioned file, optimiser state kept
        }
        assertTrue(report.metric("marital.auc") > 0.8, report.toTable());
        assertEquals(256, p.task("income").size(0));
        assertTrue(Files.size(file) > 10_000);
        try (PleModel back = PleModel.load(file)) {
            assertEquals(config, back.config());
        }
    }
}
