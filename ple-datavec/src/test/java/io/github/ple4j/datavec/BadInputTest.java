package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input stops reading with a message naming file, line, column, expected and found. */
class BadInputTest {
    @TempDir
    Path dir;

    private FittedPipeline fitted() throws IOException {
        return RecordPipelineTest.pipeline().fit(CsvFileReader.open(Fixtures.write(dir, "train.csv", RecordPipelineTest.TRAIN)));
    }

    @Test
    void wrongColumnCount() throws IOException {
        Path f = Fixtures.write(dir, "short.csv", "0, 1, paris, ios, yes, 1\n0, 1, paris, ios, yes\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 2: expected 6 columns but found 5", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(f.toString(), e.source());
    }

    @Test
    void wrongColumnCountAtIteratorTimeCountsTheHeaderLine() throws IOException {
        FittedPipeline p = fitted();
        Path f = Fixtures.write(dir, "test.csv", "age,score,city,device,click,spend\n0, 1, paris, ios, yes, 1\n0, 1, paris\n");
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(f, ',', 1),
                RecordPipelineTest.signature(p), 8, false)) {
            InvalidDataException e = assertThrows(InvalidDataException.class, it::next);
            assertEquals(f + ", line 3: expected 6 columns but found 3", e.getMessage());
        }
    }

    @Test
    void nonNumericValueInANumericColumn() throws IOException {
        Path f = Fixtures.write(dir, "nan.csv", "0, 1, paris, ios, yes, 1\nabc, 1, paris, ios, yes, 1\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 2, column 1 (age): expected a finite number but found 'abc'", e.getMessage());
        assertInstanceOf(NumberFormatException.class, e.getCause());
        assertEquals(0, e.column());
        assertEquals("age", e.columnName());
    }

    @Test
    void nonFiniteNumberAtIteratorTimeThroughThePrefetchThread() throws IOException {
        FittedPipeline p = fitted();
        Path f = Fixtures.write(dir, "inf.csv", "0, 1, paris, ios, yes, 1\n0, Infinity, paris, ios, yes, 1\n");
        try (CloseableMultiDataSetIterator it = p.iterator(CsvFileReader.open(f), RecordPipelineTest.signature(p), 1)) {
            it.next();
            InvalidDataException e = assertThrows(InvalidDataException.class, it::hasNext);
            assertEquals(f + ", line 2, column 2 (score): expected a finite number but found 'Infinity'", e.getMessage());
        }
    }

    @Test
    void nonNumericRegressionLabel() throws IOException {
        Path f = Fixtures.write(dir, "label.csv", "0, 1, paris, ios, yes, lots\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 1, column 6 (spend): task 'spend': expected a finite number or a missing-label value "
                + "['?', ''] but found 'lots'", e.getMessage());
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Fixtures.write(dir, "empty.csv", "");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ": expected at least one record but found none", e.getMessage());
    }

    @Test
    void headerOnlyFileIsEmpty() throws IOException {
        Path f = Fixtures.writeGzip(dir, "header.csv.gz", "age,score,city,device,click,spend\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f, ',', 1)));
        assertEquals(f + ": expected at least one record but found none", e.getMessage());
    }

    @Test
    void unknownValueOfAClosedBinaryLabel() throws IOException {
        Path f = Fixtures.write(dir, "maybe.csv",
                "0, 1, paris, ios, yes, 1\n0, 1, paris, ios, no, 1\n0, 1, paris, ios, ?, 1\n0, 1, paris, ios, maybe, 1\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 4, column 5 (click): task 'click': expected a positive value ['yes'], a negative value "
                + "['no'] or a missing-label value ['?', ''] but found 'maybe'", e.getMessage());
    }

    @Test
    void unknownLabelValueWithoutMissingValues() throws IOException {
        Path f = Fixtures.write(dir, "maybe.csv", "0, 1, paris, ios, maybe, 1\n");
        RecordPipeline p = RecordPipeline.builder().schema(RecordPipelineTest.SCHEMA).dense("age")
                .binaryLabel("click", "click", List.of("yes"), List.of("no")).missingLabelValues().build();
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> p.fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 1, column 5 (click): task 'click': expected a positive value ['yes'] or a negative value "
                + "['no'] but found 'maybe'", e.getMessage());
    }

    @Test
    void truncatedGzipNamesTheLineThatCouldNotBeRead() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append(i % 7).append(", ").append(i).append(", city").append(i % 13).append(", ios, yes, ").append(i * 31 % 97)
                    .append('\n');
        }
        byte[] gz = Fixtures.gzip(sb.toString());
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        Path f = dir.resolve("cut.csv.gz");
        Files.write(f, cut);
        long complete = completeLinesBeforeEof(cut);
        assertTrue(complete > 10 && complete < 2990, "complete lines " + complete);

        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line " + (complete + 1) + ": could not read the line: the data ends early (truncated or "
                + "partly downloaded file?): Unexpected end of ZLIB input stream", e.getMessage());
        assertInstanceOf(EOFException.class, e.getCause().getCause());
    }

    @Test
    void gzipWithoutItsTrailer() throws IOException {
        byte[] gz = Fixtures.gzip("0, 1, paris, ios, yes, 1\n6, 2, paris, ios, no, 1\n");
        Path f = dir.resolve("notrailer.csv.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length - 8));
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> RecordPipelineTest.pipeline().fit(CsvFileReader.open(f)));
        assertEquals(f + ", line 3: could not read the line: the data ends early (truncated or partly downloaded file?)",
                e.getMessage());
    }

    /** Lines whose newline is in the part of a truncated gzip stream that can still be inflated. */
    private static long completeLinesBeforeEof(byte[] gz) throws IOException {
        long lines = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    lines += buf[i] == '\n' ? 1 : 0;
                }
            }
        } catch (EOFException expected) {
            return lines;
        }
        throw new AssertionError("the stream was not truncated");
    }

    @Test
    void badValueAtServingTimeNamesTheRecord() throws IOException {
        FittedPipeline p = fitted();
        List<List<org.datavec.api.writable.Writable>> records = List.of(
                texts("0", "1", "paris", "ios", "", ""), texts("x", "1", "paris", "ios", "", ""));
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> p.features(records, RecordPipelineTest.signature(p)));
        assertEquals("records, record 2, column 1 (age): expected a finite number but found 'x'", e.getMessage());
    }

    private static List<org.datavec.api.writable.Writable> texts(String... values) {
        return Arrays.stream(values).map(v -> (org.datavec.api.writable.Writable) new org.datavec.api.writable.Text(v)).toList();
    }

    @Test
    void labelColumnMissingFromTheSchema() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordPipeline.builder().schema(RecordPipelineTest.SCHEMA).dense("age")
                        .binaryLabel("income", "income_50k", List.of("50000+.")).build());
        assertEquals("task 'income': column 'income_50k' is not in the schema; its 6 columns are "
                + "['age', 'score', 'city', 'device', 'click', 'spend']", e.getMessage());
    }

    @Test
    void labelValueThatIsAlsoAMissingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordPipeline.builder().dense(0).label(new io.github.ple4j.datavec.schema.LabelColumn("y",
                        io.github.ple4j.datavec.schema.ColumnRef.index(1),
                        io.github.ple4j.datavec.schema.LabelRule.Binary.closed(List.of("1"), List.of("?"))))
                        .missingLabelValues("?").build());
        assertEquals("task 'y': the value '?' is both a negative label and a missing-label value", e.getMessage());
    }

    @Test
    void columnByNameWithoutSchema() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordPipeline.builder().dense("age").binaryLabel("click", "click", List.of("yes")).build());
        assertEquals("dense feature: column 'age' is addressed by name but the pipeline has no schema; give a schema or "
                + "address the column by index", e.getMessage());
    }

    @Test
    void labelColumnUsedAsAFeature() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordPipeline.builder().schema(RecordPipelineTest.SCHEMA).dense("age").oneHot("click")
                        .binaryLabel("click", "click", List.of("yes")).build());
        assertEquals("column 'click' is used twice: as a categorical feature and as the label of task 'click'",
                e.getMessage());
    }

    @Test
    void signatureWithOtherTasks() throws IOException {
        FittedPipeline p = fitted();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.iterator(
                CsvFileReader.open(dir.resolve("train.csv")),
                Fixtures.signature(p.inputSpec(), TaskSpec.binary("click", 4), TaskSpec.regression("spent", 4)), 4));
        assertEquals("the model's tasks [click, spent] do not match this pipeline's tasks [click, spend]", e.getMessage());
    }

    @Test
    void signatureWithOtherFeatureArrays() throws IOException {
        FittedPipeline p = fitted();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.iterator(
                CsvFileReader.open(dir.resolve("train.csv")),
                Fixtures.signature(InputSpec.dense(6), TaskSpec.binary("click", 4), TaskSpec.regression("spend", 4)), 4));
        assertEquals("the model reads the feature arrays [input/dense] but this pipeline produces [input/dense, "
                + "input/categorical] (dense size 6, 1 categorical fields)", e.getMessage());
    }

    @Test
    void configWithOtherInputSpec() throws IOException {
        FittedPipeline p = fitted();
        InputSpec other = new InputSpec(6, List.of(new CategoricalField("city", 5, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.iterator(
                CsvFileReader.open(dir.resolve("train.csv")),
                Fixtures.config(other, TaskSpec.binary("click", 4), TaskSpec.regression("spend", 4)), 4));
        assertEquals("inputs.categorical[0]: the model has 'city' (vocabularySize 5, embeddingDim 3) but this pipeline "
                + "produces 'city' (vocabularySize 4, embeddingDim 3)", e.getMessage());
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class,
                () -> p.checkInputs(new InputSpec(499, other.categorical())));
        assertEquals("inputs.denseSize: the model has 499 but this pipeline produces 6", dense.getMessage());
    }

    @Test
    void jsonOfANewerFormatVersion() throws IOException {
        String json = fitted().toJson().replace("\"formatVersion\" : 2", "\"formatVersion\" : 3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FittedPipeline.fromJson(json, "bundle preprocessor.json"));
        assertEquals("bundle preprocessor.json: formatVersion 3 is newer than this version of ple-datavec reads (2); "
                + "use a newer ple-datavec", e.getMessage());
    }

    @Test
    void jsonWithAnUnknownField() throws IOException {
        String json = fitted().toJson().replace("\"trim\" : true", "\"trim\" : true, \"trimm\" : false");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FittedPipeline.fromJson(json));
        assertTrue(e.getMessage().startsWith("pipeline JSON: invalid pipeline at $.trimm: Unrecognized field \"trimm\""),
                e.getMessage());
    }

    @Test
    void jsonOfAnotherFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FittedPipeline.fromJson("{\"format\": \"ple4j-config\"}"));
        assertEquals("pipeline JSON: expected \"format\": \"ple4j-datavec-pipeline\" but found \"ple4j-config\"",
                e.getMessage());
    }
}
