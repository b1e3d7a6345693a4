package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.datavec.schema.BagColumn;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.LabelStats;
import io.github.ple4j.datavec.schema.SampleSpace;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.IdHashing;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.graph.GraphSignature;
import io.github.ple4j.model.train.FitOptions;
import org.datavec.api.transform.schema.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What recommender logs need: sample spaces, hashed ids, bags, shared tables, vocabulary limits. */
class RecordLogsTest {
    /**
     * Rows 2 and 4 are not clicked, so they are outside the purchase task's sample space: their purchase cells
     * ("x", "1") are never read. Bags of tags and of history items; row 4's bags are longer than 3.
     */
    static final String LOG = """
            u1,i1,a|b|c,i2|i3,1.0,1,1
            u2,i2,,i1,2.0,0,x
            u1,i3,b,,3.0,1,0
            u3,i1,a|a|d|e,i1|i2|i3|i4,4.0,0,1
            """;
    /** The same rows with the purchase label blanked by hand where the row was not clicked. */
    static final String BLANKED = """
            u1,i1,a|b|c,i2|i3,1.0,1,1
            u2,i2,,i1,2.0,0,
            u1,i3,b,,3.0,1,0
            u3,i1,a|a|d|e,i1|i2|i3|i4,4.0,0,
            """;
    static final Schema SCHEMA = new Schema.Builder()
            .addColumnsString("user", "item", "tags", "hist").addColumnDouble("price").addColumnsString("click", "buy")
            .build();

    @TempDir
    Path dir;
    Path log;

    @BeforeEach
    void write() throws IOException {
        log = Fixtures.write(dir, "log.csv", LOG);
    }

    static RecordPipeline.Builder features() {
        return RecordPipeline.builder().schema(SCHEMA)
                .dense("price")
                .categorical(CategoricalFeature.ids(ColumnRef.name("user"), 2).withBuckets(7))
                .categorical(CategoricalFeature.ids(ColumnRef.name("item"), 3))
                .categorical(CategoricalFeature.ids(ColumnRef.name("tags"), 2).withBag(new BagColumn("|", 3, Pooling.SUM)))
                .categorical(CategoricalFeature.ids(ColumnRef.name("hist"), 3).withBag(new BagColumn("|", 3, Pooling.MEAN))
                        .withTable("item"))
                .binaryLabel("click", "click", List.of("1"), List.of("0"))
                .binaryLabel("buy", "buy", List.of("1"), List.of("0"));
    }

    static RecordPipeline pipeline() {
        return features().sampleSpace("buy", SampleSpace.of("click", "1")).build();
    }

    static GraphSignature signature(FittedPipeline p) {
        return Fixtures.signature(p.inputSpec(), TaskSpec.binary("click", 4), TaskSpec.binary("buy", 4));
    }

    private static long[][] longs(INDArray a) {
        assertEquals(DataType.INT64, a.dataType());
        return a.toLongMatrix();
    }

    @Test
    void fitBuildsSharedHashedAndBagVocabularies() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(log));
        // The table "item" is fitted over the item column and the kept history values: i4 was cut off row 4's bag.
        assertEquals(List.of("i1", "i2", "i3"), p.categorical().get(1).vocabulary());
        assertEquals(List.of("i1", "i2", "i3"), p.categorical().get(3).vocabulary());
        assertEquals(List.of("a", "b", "c", "d"), p.categorical().get(2).vocabulary());
        assertEquals(List.of(), p.categorical().get(0).vocabulary());
        assertEquals(new InputSpec(1, List.of(
                new CategoricalField("user", 7, 2),
                new CategoricalField("item", 4, 3),
                new CategoricalField("tags", 5, 2).asBag(3, Pooling.SUM),
                new CategoricalField("hist", 4, 3, "item", null).asBag(3, Pooling.MEAN))), p.inputSpec());
        assertEquals(Map.of("tags", 1L, "hist", 1L), p.summary().truncatedBags());
        // Only rows 1 and 3 are in the purchase task's sample space; one of them bought.
        assertEquals(new LabelStats("buy", 2, 1.0), p.summary().label("buy"));
        assertEquals(new LabelStats("click", 4, 2.0), p.summary().label("click"));
    }

    @Test
    void batchesHoldIdsBagsPaddedToTheBatchsLongestAndSampleSpaceMasks() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(log));
        GraphSignature sig = signature(p);
        assertEquals(List.of(GraphSignature.DENSE, GraphSignature.CATEGORICAL, GraphSignature.bag("tags"),
                GraphSignature.bag("hist")), sig.featureInputs());
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(log), sig, 2, false)) {
            MultiDataSet a = it.next();
            long u1 = IdHashing.bucket("u1", 7);
            long u2 = IdHashing.bucket("u2", 7);
            assertArrayEquals(new long[][]{{u1, 1}, {u2, 2}}, longs(a.getFeatures(1)));
            assertArrayEquals(new long[][]{{1, 2, 3}, {-1, -1, -1}}, longs(a.getFeatures(2)));
            assertArrayEquals(new long[][]{{2, 3}, {1, -1}}, longs(a.getFeatures(3)));
            assertArrayEquals(new float[][]{{1}, {0}}, a.getLabelsMaskArray(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {0}}, a.getLabels(1).toFloatMatrix());
            MultiDataSet b = it.next();
            assertArrayEquals(new long[][]{{2, -1, -1}, {1, 1, 4}}, longs(b.getFeatures(2)));
            assertArrayEquals(new long[][]{{-1, -1, -1}, {1, 2, 3}}, longs(b.getFeatures(3)));
            assertArrayEquals(new float[][]{{1}, {0}}, b.getLabelsMaskArray(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{0}, {0}}, b.getLabels(1).toFloatMatrix());
            assertArrayEquals(new float[][]{{1}, {1}}, b.getLabelsMaskArray(0).toFloatMatrix());
        }
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(log), sig, 1, false)) {
            it.next();
            it.next();
            // Row 3's history is empty and so is the whole batch's: one column of padding.
            assertArrayEquals(new long[][]{{-1}}, longs(it.next().getFeatures(3)));
        }
    }

    @Test
    void sampleSpaceMasksEqualAHandBlankedFile() throws IOException {
        Path blanked = Fixtures.write(dir, "blanked.csv", BLANKED);
        FittedPipeline ruled = pipeline().fit(CsvFileReader.open(log));
        FittedPipeline byHand = features().build().fit(CsvFileReader.open(blanked));
        assertEquals(byHand.summary(), ruled.summary());
        try (CloseableMultiDataSetIterator a = ruled.iterator(CsvFileReader.open(log), signature(ruled), 3, false);
             CloseableMultiDataSetIterator b = byHand.iterator(CsvFileReader.open(blanked), signature(byHand), 3, false)) {
            Fixtures.assertSameBatches(Fixtures.drain(b), Fixtures.drain(a));
        }
    }

    @Test
    void maxSizeKeepsTheMostFrequentValuesTiesByValue() {
        FittedPipeline p = RecordPipeline.builder().schema(SCHEMA)
                .categorical(CategoricalFeature.ids(ColumnRef.name("tags"), 2).withBag(BagColumn.defaults()).withMaxSize(2))
                .binaryLabel("click", "click", List.of("1"), List.of("0"))
                .fit(CsvFileReader.open(log));
        // Counts: a 3, b 2, c 1, d 1, e 1: the two most frequent.
        assertEquals(List.of("a", "b"), p.categorical().get(0).vocabulary());
        FittedPipeline three = RecordPipeline.builder().schema(SCHEMA)
                .categorical(CategoricalFeature.ids(ColumnRef.name("tags"), 2).withBag(BagColumn.defaults()).withMaxSize(3))
                .binaryLabel("click", "click", List.of("1"), List.of("0"))
                .fit(CsvFileReader.open(log));
        // c, d and e tie at 1: the first by value order.
        assertEquals(List.of("a", "b", "c"), three.categorical().get(0).vocabulary());
    }

    @Test
    void jsonRoundTripAndVersion1Documents() throws IOException {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(log));
        FittedPipeline back = FittedPipeline.fromJson(p.toJson());
        assertEquals(p, back);
        assertEquals(p.inputSpec(), back.inputSpec());

        FittedPipeline plain = RecordPipelineTest.pipeline().fit(CsvFileReader.open(
                Fixtures.write(dir, "plain.csv", RecordPipelineTest.TRAIN)));
        String v1 = plain.toJson().replace("\"formatVersion\" : 2", "\"formatVersion\" : 1")
                .replaceAll(",\\s*\"sampleSpace\" : null", "")
                .replaceAll(",\\s*\"maxSize\" : 0,\\s*\"buckets\" : 0,\\s*\"bag\" : null,\\s*\"table\" : \"[a-z]+\"", "")
                .replaceAll(",\\s*\"truncatedBags\" : \\{ }", "");
        assertTrue(!v1.contains("sampleSpace") && !v1.contains("buckets") && !v1.contains("truncatedBags"), v1);
        assertEquals(plain, FittedPipeline.fromJson(v1, "old.json"));
    }

    @Test
    void modelTrainsAndServesOnHashedIdsBagsAndSampleSpaces() {
        FittedPipeline p = pipeline().fit(CsvFileReader.open(log));
        PleConfig config = Fixtures.config(p.inputSpec(), TaskSpec.binary("click", 4), TaskSpec.binary("buy", 4));
        try (PleModel model = PleModel.create(config);
             CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(log), config, 2)) {
            model.fit(it, null, FitOptions.builder().epochs(2).build());
            it.reset();
            EvaluationReport report = model.evaluate(it);
            assertEquals(2, report.tasks().get("buy").count());
            assertEquals(4, report.tasks().get("click").count());
            List<List<org.datavec.api.writable.Writable>> rows = LOG.lines()
                    .map(l -> java.util.Arrays.stream(l.split(",", -1))
                            .map(v -> (org.datavec.api.writable.Writable) new org.datavec.api.writable.Text(v)).toList())
                    .toList();
            INDArray[] served = p.features(rows, model.signature());
            assertEquals(4, served.length);
            assertArrayEquals(new long[][]{{1, 2, 3}, {-1, -1, -1}, {2, -1, -1}, {1, 1, 4}}, longs(served[2]));
            double[] buy = model.predict(served).asDoubles("buy");
            assertEquals(4, buy.length);
            for (double x : buy) {
                assertTrue(x > 0 && x < 1, "probability " + x);
            }
        }
    }

    @Test
    void badConfigurationsNameTheColumnAndTheProblem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> features().sampleSpace("buy", SampleSpace.of("clik", "1")).build());
        assertEquals("task 'buy' sample space: column 'clik' is not in the schema; its 7 columns are ['user', 'item', "
                + "'tags', 'hist', 'price', 'click', 'buy']", unknown.getMessage());
        IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
                () -> features().sampleSpace("buy", SampleSpace.of("buy", "1")).build());
        assertEquals("task 'buy': the sample space is decided by the task's own label column 'buy'; name another column "
                + "(the one that defines where the task exists, e.g. the click column for a conversion task)", own.getMessage());
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> features().sampleSpace("cvr", SampleSpace.of("click", "1")));
        assertEquals("sampleSpace: no task 'cvr' has been declared; the tasks are [click, buy]", task.getMessage());
        IllegalArgumentException buckets = assertThrows(IllegalArgumentException.class,
                () -> CategoricalFeature.ids(ColumnRef.name("user"), 2).withBuckets(0));
        assertEquals("categorical column 'user': buckets must be >= 1 but was 0", buckets.getMessage());
        IllegalArgumentException oneHotBag = assertThrows(IllegalArgumentException.class,
                () -> CategoricalFeature.oneHot(ColumnRef.name("tags")).withBag(BagColumn.defaults()));
        assertEquals("categorical column 'tags': a multi-valued column needs the IDS encoding but is ONE_HOT",
                oneHotBag.getMessage());
        IllegalArgumentException hashedMin = assertThrows(IllegalArgumentException.class,
                () -> CategoricalFeature.ids(ColumnRef.name("user"), 2).withMinCount(5).withBuckets(10));
        assertEquals("categorical column 'user': a hashed column has no fitted vocabulary, so minCount (5) and maxSize (0) "
                + "do not apply; leave them at 1 and 0", hashedMin.getMessage());
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> RecordPipeline.builder().schema(SCHEMA)
                        .categorical(CategoricalFeature.ids(ColumnRef.name("item"), 3))
                        .categorical(CategoricalFeature.ids(ColumnRef.name("hist"), 4).withTable("item"))
                        .binaryLabel("click", "click", List.of("1"), List.of("0")).build());
        assertEquals("categorical columns 'item' and 'hist' share the table 'item' but have embeddingDim 3 and 4",
                shared.getMessage());
        IllegalArgumentException separator = assertThrows(IllegalArgumentException.class,
                () -> new BagColumn("", 3, Pooling.SUM));
        assertEquals("a bag's separator must be at least one character but was ''", separator.getMessage());
    }

    @Test
    void bagValuesAreTrimmedAndEmptyPartsSkippedAsWhenFitted() throws IOException {
        Path f = Fixtures.write(dir, "spaces.csv", "u1,i1, a | b ||c ,i2,1.0,1,1\nu2,i2,c|a,,2.0,0,0\n");
        FittedPipeline p = RecordPipeline.builder().schema(SCHEMA)
                .categorical(CategoricalFeature.ids(ColumnRef.name("tags"), 2).withBag(new BagColumn("|", 5, Pooling.SUM)))
                .categorical(CategoricalFeature.ids(ColumnRef.name("hist"), 2).withBag(new BagColumn("|", 5, Pooling.SUM))
                        .withBuckets(11))
                .binaryLabel("click", "click", List.of("1"), List.of("0"))
                .fit(CsvFileReader.open(f));
        assertEquals(List.of("a", "b", "c"), p.categorical().get(0).vocabulary());
        GraphSignature sig = Fixtures.signature(p.inputSpec(), TaskSpec.binary("click", 2));
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(f), sig, 2, false)) {
            MultiDataSet m = it.next();
            assertArrayEquals(new long[][]{{1, 2, 3}, {3, 1, -1}}, longs(m.getFeatures(0)));
            assertArrayEquals(new long[][]{{IdHashing.bucket("i2", 11)}, {-1}}, longs(m.getFeatures(1)));
        }
    }
}
