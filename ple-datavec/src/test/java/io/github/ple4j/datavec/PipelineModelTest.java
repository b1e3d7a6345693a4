package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.infer.Predictions;
import io.github.ple4j.model.train.TrainingResult;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline's iterators feed a real PleModel (dense + categorical inputs, masked labels). */
class PipelineModelTest {
    @TempDir
    Path dir;

    @Test
    void modelTrainsEvaluatesAndPredictsFromThePipeline() throws IOException {
        Path train = Fixtures.write(dir, "train.csv", RecordPipelineTest.TRAIN);
        FittedPipeline p = RecordPipelineTest.pipeline().fit(CsvFileReader.open(train));
        PleConfig config = Fixtures.config(p.inputSpec(), TaskSpec.binary("click", 4), TaskSpec.regression("spend", 4));
        try (PleModel model = PleModel.create(config);
             CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(train), config, 3);
             CloseableMultiDataSetIterator valid = p.iterator(CsvFileReader.open(train), config, 3, false)) {
            TrainingResult r = model.fit(it, valid, FitOptions.builder().epochs(2).build());
            assertEquals(2, r.epochs().size());
            EvaluationReport report = model.evaluate(valid);
            assertTrue(Double.isFinite(report.metric("loss")), report.toTable());

            valid.reset();
            MultiDataSet first = valid.next();
            List<List<Writable>> records = Arrays.stream(RecordPipelineTest.TRAIN.split("\n")).limit(3)
                    .map(l -> Arrays.stream(l.split(",")).map(v -> (Writable) new Text(v)).toList()).toList();
            INDArray[] served = p.features(records, model.signature());
            assertArrayEquals(first.getFeatures(0).toFloatMatrix(), served[0].toFloatMatrix());
            assertArrayEquals(first.getFeatures(1).toFloatMatrix(), served[1].toFloatMatrix());
            Predictions a = model.predict(served);
            Predictions b = model.predict(first);
            assertArrayEquals(b.asDoubles("click"), a.asDoubles("click"));
        }
    }

}
