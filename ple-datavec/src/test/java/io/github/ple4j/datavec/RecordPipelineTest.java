package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.datavec.schema.CategoricalEncoding;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.DenseStats;
import io.github.ple4j.datavec.schema.LabelColumn;
import io.github.ple4j.datavec.schema.LabelRule;
import io.github.ple4j.datavec.schema.LabelStats;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.datavec.api.records.reader.impl.collection.CollectionRecordReader;
import org.datavec.api.transform.schema.Schema;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordPipelineTest {
    /** age: 0 0 6 6 (mean 3, population std 3); score: 1 2 3 4 (mean 2.5, std sqrt(1.25)). */
    static final String TRAIN = """
            0, 1, paris, ios, yes, 1.5
            0, 2, london, android, no, ?
            6, 3, paris, ios, ?, 3.0
            6, 4, berlin, web, no, 2.5
            """;
    static final Schema SCHEMA = new Schema.Builder()
            .addColumnDouble("age").addColumnDouble("score").addColumnsString("city", "device", "click", "spend")
            .build();

    @TempDir
    Path dir;
    Path train;

    @BeforeEach
    void writeTrain() throws IOException {
        train = Fixtures.write(dir, "train.csv", TRAIN);
    }

    static RecordPipeline pipeline() {
        return RecordPipeline.builder().schema(SCHEMA)
                .dense("age", "score")
                .ids(3, "city")
                .oneHot("device")
                .binaryLabel("click", "click", List.of("yes"), List.of("no"))
                .regressionLabel("spend", "spend")
                .missingLabelValues("?", "")
                .build();
    }

    static GraphSignature signature(FittedPipeline p) {
        return Fixtures.signature(p.inputSpec(), TaskSpec.binary("click", 4), TaskSpec.regression("spend", 4));
    }

    @Test
    void fitLearnsStandardisationVocabulariesAndLabelCounts() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        assertEquals(List.of(new DenseStats(0, "age", 3.0, 3.0), new DenseStats(1, "score", 2.5, Math.sqrt(1.25))),
                p.denseStats());
        assertEquals(List.of("berlin", "london", "paris"), p.categorical().get(0).vocabulary());
        assertEquals(List.of("android", "ios", "web"), p.categorical().get(1).vocabulary());
        // F = 2 numeric + (3 devices + 1 out-of-vocabulary slot); one id field with 3 cities + id 0.
        assertEquals(new InputSpec(6, List.of(new CategoricalField("city", 4, 3))), p.inputSpec());
        assertEquals(List.of("age", "score", "device#oov", "device=android", "device=ios", "device=web"),
                p.denseFeatureNames());
        assertEquals(List.of("click", "spend"), p.taskNames());
        assertEquals(4, p.summary().rows());
        assertEquals(List.of(new LabelStats("click", 3, 1.0), new LabelStats("spend", 3, 7.0)), p.summary().labels());
        assertEquals(6, p.columnCount());
    }

    @Test
    void iteratorEmitsExactArraysInSignatureOrder() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(train), signature(p), 10, false)) {
            MultiDataSet m = it.next();
            assertFalse(it.hasNext());
            assertEquals(2, m.numFeatureArrays());
            // By hand: age (x - 3) / 3; score (x - 2.5) / sqrt(1.25) = -1.3416408, -0.4472136, 0.4472136, 1.3416408;
            // device block [oov, android, ios, web].
            float[][] byHand = {
                    {-1, -1.3416408f, 0, 0, 1, 0},
                    {-1, -0.4472136f, 0, 1, 0, 0},
                    {1, 0.4472136f, 0, 0, 1, 0},
                    {1, 1.3416408f, 0, 0, 0, 1}};
            float[][] dense = m.getFeatures(0).toFloatMatrix();
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(byHand[r], dense[r], 1e-6f);
            }
            assertArrayEquals(expectedDense(), dense);
            assertArrayEquals(new float[][]{{3}, {2}, {3}, {1}}, m.getFeatures(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}, {0}, {0}}, m.getLabels(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {1}, {0}, {1}}, m.getLabelsMaskArray(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1.5f}, {0}, {3}, {2.5f}}, m.getLabels(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}, {1}, {1}}, m.getLabelsMaskArray(1).toFloatMatrix());
        }
    }

    /** The dense rows of TRAIN: age, score standardised, then the device block [oov, android, ios, web]. */
    static float[][] expectedDense() {
        double sd = Math.sqrt(1.25);
        float[] score = new float[4];
        for (int i = 0; i < 4; i++) {
            score[i] = (float) ((i + 1 - 2.5) / sd);
        }
        return new float[][]{
                {-1, score[0], 0, 0, 1, 0},
                {-1, score[1], 0, 1, 0, 0},
                {1, score[2], 0, 0, 1, 0},
                {1, score[3], 0, 0, 0, 1}};
    }

    @Test
    void labelsFollowTheSignaturesTaskOrder() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        GraphSignature swapped = Fixtures.signature(p.inputSpec(), TaskSpec.regression("spend", 4), TaskSpec.binary("click", 4));
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(train), swapped, 10, false)) {
            MultiDataSet m = it.next();
            assertArrayEquals(new float[][]{{1.5f}, {0}, {3}, {2.5f}}, m.getLabels(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}, {1}, {1}}, m.getLabelsMaskArray(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}, {0}, {0}}, m.getLabels(1).toFloatMatrix());
        }
    }

    @Test
    void unseenCategoriesGetTheOutOfVocabularyIdAndSlot() throws IOException {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        Path test = Fixtures.write(dir, "test.csv", "9, 2.5, tokyo, tv, no, 4\n3, 2.5, paris, web, yes, 0\n");
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(test), signature(p), 10, false)) {
            MultiDataSet m = it.next();
            assertArrayEquals(new float[][]{{2, 0, 1, 0, 0, 0}, {0, 0, 0, 0, 0, 1}}, m.getFeatures(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{0}, {3}}, m.getFeatures(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{0}, {1}}, m.getLabels(0).toFloatMatrix());
        }
    }

    @Test
    void batchesStreamInFileOrderWithASmallerLastBatchAndResetStartsOver() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(train), signature(p), 3, false)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                List<MultiDataSet> batches = Fixtures.drain(it);
                assertEquals(2, batches.size());
                float[][] all = expectedDense();
                assertArrayEquals(new float[][]{all[0], all[1], all[2]}, batches.get(0).getFeatures(0).toFloatMatrix());
                assertArrayEquals(new float[][]{all[3]}, batches.get(1).getFeatures(0).toFloatMatrix());
                assertArrayEquals(new long[]{1, 1}, batches.get(1).getLabels(1).shape());
                assertArrayEquals(new long[]{1, 1}, batches.get(1).getLabelsMaskArray(1).shape());
                it.reset();
            }
        }
    }

    @Test
    void prefetchingGivesTheSameBatches() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        try (CloseableMultiDataSetIterator plain = p.iterator(CsvFileReader.open(train), signature(p), 3, false);
             CloseableMultiDataSetIterator ahead = p.iterator(CsvFileReader.open(train), signature(p), 3)) {
            assertTrue(ahead instanceof PrefetchIterator);
            List<MultiDataSet> a = Fixtures.drain(plain);
            for (int epoch = 0; epoch < 2; epoch++) {
                ahead.reset();
                List<MultiDataSet> b = Fixtures.drain(ahead);
                Fixtures.assertSameBatches(a, b);
            }
        }
    }

    @Test
    void jsonRoundTripKeepsEverythingAndGivesIdenticalArrays() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(train));
        String json = p.toJson();
        assertTrue(json.contains("\"format\" : \"ple4j-datavec-pipeline\""), json);
        assertTrue(json.contains("\"formatVersion\" : 2"), json);
        FittedPipeline back = FittedPipeline.fromJson(json);
        assertEquals(p, back);
        assertEquals(json, back.toJson());
        assertEquals(p.inputSpec(), back.inputSpec());
        try (CloseableMultiDataSetIterator a = p.iterator(CsvFileReader.open(train), signature(p), 3, false);
             CloseableMultiDataSetIterator b = back.iterator(CsvFileReader.open(train), signature(back), 3, false)) {
            Fixtures.assertSameBatches(Fixtures.drain(a), Fixtures.drain(b));
        }
    }

    @Test
    void constantColumnHasStdOneAndBecomesZero() throws IOException {
        Path f = Fixtures.write(dir, "const.csv", "5,1\n5,0\n5,1\n");
        FittedPipeline p = RecordPipeline.builder().dense(0)
                .label(new LabelColumn("y", ColumnRef.index(1), LabelRule.Binary.open("1"))).fit(CsvFileReader.open(f));
        assertEquals(new DenseStats(0, null, 5.0, 1.0), p.denseStats().get(0));
        assertEquals(List.of("column1"), p.denseFeatureNames());
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(f),
                Fixtures.signature(p.inputSpec(), TaskSpec.binary("y", 2)), 8, false)) {
            MultiDataSet m = it.next();
            assertArrayEquals(new float[][]{{0}, {0}, {0}}, m.getFeatures(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}, {1}}, m.getLabels(0).toFloatMatrix());
        }
    }

    @Test
    void minCountSendsRareValuesToTheOutOfVocabularyId() throws IOException {
        Path f = Fixtures.write(dir, "rare.csv", "a,1\na,0\nb,1\nc,1\nc,0\n");
        FittedPipeline p = RecordPipeline.builder()
                .categorical(CategoricalFeature.ids(ColumnRef.index(0), 2).withMinCount(2).withField("letter"))
                .label(new LabelColumn("y", ColumnRef.index(1), LabelRule.Binary.open("1"))).fit(CsvFileReader.open(f));
        assertEquals(List.of("a", "c"), p.categorical().get(0).vocabulary());
        assertEquals(new InputSpec(0, List.of(new CategoricalField("letter", 3, 2))), p.inputSpec());
        GraphSignature sig = Fixtures.signature(p.inputSpec(), TaskSpec.binary("y", 2));
        assertEquals(List.of(GraphSignature.CATEGORICAL), sig.featureInputs());
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(f), sig, 8, false)) {
            MultiDataSet m = it.next();
            assertEquals(1, m.numFeatureArrays());
            assertArrayEquals(new float[][]{{1}, {1}, {0}, {2}, {2}}, m.getFeatures(0).toFloatMatrix());
        }
    }

    @Test
    void anyRecordReaderWorksAndRecordsAreNumberedWithoutLineMetadata() {
        List<List<Writable>> rows = List.of(
                List.of(new DoubleWritable(1), new Text("x"), new Text("1")),
                List.of(new DoubleWritable(3), new Text("y"), new Text("")));
        RecordPipeline pipeline = RecordPipeline.builder().dense(0)
                .categorical(CategoricalFeature.oneHot(ColumnRef.index(1)))
                .label(new LabelColumn("y", ColumnRef.index(2), new LabelRule.Regression())).build();
        FittedPipeline p = pipeline.fit(new CollectionRecordReader(rows));
        assertEquals(List.of("column1", "column2#oov", "column2=x", "column2=y"), p.denseFeatureNames());
        try (CloseableMultiDataSetIterator it = p.iterator(new CollectionRecordReader(rows),
                Fixtures.signature(p.inputSpec(), TaskSpec.regression("y", 2)), 8, false)) {
            MultiDataSet m = it.next();
            assertArrayEquals(new float[][]{{-1, 0, 1, 0}, {1, 0, 0, 1}}, m.getFeatures(0).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}}, m.getLabelsMaskArray(0).toFloatMatrix());
        }
    }

    @Test
    void oneHotAndIdsCanBeChosenPerColumn() {
        RecordPipeline both = RecordPipeline.builder().schema(SCHEMA)
                .categorical(CategoricalEncoding.ONE_HOT, List.of("city", "device"))
                .binaryLabel("click", "click", List.of("yes")).missingLabelValues("?").build();
        FittedPipeline p = both.fit(CsvFileReader.open(train));
        assertEquals(InputSpec.dense(8), p.inputSpec());
        assertEquals(List.of("city#oov", "city=berlin", "city=london", "city=paris",
                "device#oov", "device=android", "device=ios", "device=web"), p.denseFeatureNames());
        assertEquals(0, p.categorical().get(0).embeddingDim());
    }
}
