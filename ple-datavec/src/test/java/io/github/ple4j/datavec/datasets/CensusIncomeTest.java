package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.Fixtures;
import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.datavec.schema.FittedCategorical;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Census-income on the first rows of the real files, plus schema and checksum checks. */
class CensusIncomeTest {
    static final int N = 2000;
    static final Path DIR = CensusIncome.defaultDirectory();

    @TempDir
    Path tmp;

    /**
     * The census files must be there (the build machine and CI have them, beside the project in ../shared): a test
     * that cannot find its data fails, as CensusCommandTest does, instead of skipping silently.
     */
    static void requireFiles() {
        assertTrue(CensusIncome.filesPresent(DIR), "census-income files not found in " + DIR.toAbsolutePath()
                + " (set -Dple.shared.dir or put the shared data beside the project)");
    }

    /** The first n rows of a census file, split on ',' and trimmed, independently of DataVec. */
    static List<String[]> firstRows(Path gz, int n) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            String line;
            while (rows.size() < n && (line = r.readLine()) != null) {
                rows.add(Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new));
            }
        }
        return rows;
    }

    static GraphSignature signature(io.github.ple4j.model.config.InputSpec in) {
        return Fixtures.signature(in, TaskSpec.binary(CensusIncome.INCOME_TASK, 8), TaskSpec.binary(CensusIncome.MARITAL_TASK, 8));
    }

    @Test
    void schemaHas42ColumnsWithLabelsAndWeightOutOfTheInputs() {
        assertEquals(42, CensusIncome.schema().numColumns());
        assertEquals(CensusIncome.COLUMNS, CensusIncome.schema().getColumnNames());
        assertEquals(7, CensusIncome.schema().getIndexOfColumn(CensusIncome.MARITAL));
        assertEquals(24, CensusIncome.schema().getIndexOfColumn(CensusIncome.INSTANCE_WEIGHT));
        assertEquals(41, CensusIncome.schema().getIndexOfColumn(CensusIncome.LABEL));
        assertEquals(7, CensusIncome.CONTINUOUS.size());
        assertEquals(32, CensusIncome.NOMINAL.size());
        assertFalse(CensusIncome.NOMINAL.contains(CensusIncome.INSTANCE_WEIGHT));
        assertFalse(CensusIncome.NOMINAL.contains(CensusIncome.MARITAL));
        assertFalse(CensusIncome.NOMINAL.contains(CensusIncome.LABEL));
    }

    @Test
    void columnNamesAreTheNamesFileLines143To184() throws IOException {
        Path names = DIR.resolve("census-income.names");
        assertTrue(Files.isRegularFile(names), "census-income.names not found in " + DIR.toAbsolutePath());
        List<String> lines = Files.readAllLines(names, StandardCharsets.ISO_8859_1).subList(142, 184);
        List<String> attributes = lines.stream().filter(l -> !l.startsWith("|"))
                .map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(41, attributes.size());
        assertEquals(attributes, CensusIncome.COLUMNS.subList(0, 41));
    }

    @Test
    void firstRowsOneHot() throws IOException {
        requireFiles();
        CensusData data = CensusIncome.builder().rowLimit(N).verifyChecksums(false).prefetch(false).load();
        List<String[]> rows = firstRows(DIR.resolve(CensusIncome.DATA_FILE), N);

        assertEquals(N, data.trainRows());
        assertEquals(N / 2, data.validRows());
        assertEquals(N / 2, data.testRows());
        long income = rows.stream().filter(r -> r[41].equals("50000+.")).count();
        long never = rows.stream().filter(r -> r[7].equals("Never married")).count();
        assertEquals(Map.of("income", (double) income / N, "marital", (double) never / N), data.positiveRates());
        assertEquals(List.of("income", "marital"), List.copyOf(data.positiveRates().keySet()));

        // Width: 7 continuous + for every nominal column its distinct values in these rows + 1 OOV slot.
        int width = 7;
        for (String c : CensusIncome.NOMINAL) {
            int col = CensusIncome.COLUMNS.indexOf(c);
            width += new TreeSet<>(rows.stream().map(r -> r[col]).toList()).size() + 1;
        }
        assertEquals(width, data.inputSpec().denseSize());
        assertFalse(data.inputSpec().hasCategorical());

        double[] age = rows.stream().mapToDouble(r -> Double.parseDouble(r[0])).toArray();
        double mean = Arrays.stream(age).average().orElseThrow();
        double std = Math.sqrt(Arrays.stream(age).map(a -> (a - mean) * (a - mean)).sum() / N);
        List<String> names = data.pipeline().denseFeatureNames();

        try (CensusData.Iterators it = data.iterators(signature(data.inputSpec()), 512)) {
            List<MultiDataSet> batches = Fixtures.drain(it.train());
            assertEquals(4, batches.size());
            assertEquals(N - 3 * 512, batches.get(3).getFeatures(0).rows());
            float[][] x = batches.get(0).getFeatures(0).toFloatMatrix();
            for (int r = 0; r < 3; r++) {
                assertEquals((float) ((age[r] - mean) / std), x[r][0], 1e-5f);
                assertEquals(1f, x[r][names.indexOf("class_of_worker=" + rows.get(r)[1])]);
                assertEquals(1f, x[r][names.indexOf("citizenship=" + rows.get(r)[35])]);
                assertEquals(CensusIncome.NOMINAL.size(), sum(x[r], 7));
                assertEquals(rows.get(r)[41].equals("50000+.") ? 1f : 0f, batches.get(0).getLabels(0).getFloat(r, 0));
                assertEquals(rows.get(r)[7].equals("Never married") ? 1f : 0f, batches.get(0).getLabels(1).getFloat(r, 0));
            }
            assertEquals(N / 2, countRows(it.valid()));
            assertEquals(N / 2, countRows(it.test()));
        }
    }

    @Test
    void firstRowsIdsWithOutOfVocabularyValuesInTheTestFile() throws IOException {
        requireFiles();
        CensusData data = CensusIncome.builder().rowLimit(300).encoding(CensusIncome.Encoding.IDS).embeddingDim(3)
                .verifyChecksums(false).load();
        assertEquals(7, data.inputSpec().denseSize());
        assertEquals(32, data.inputSpec().categorical().size());
        CategoricalField industry = data.inputSpec().categorical().get(1);
        assertEquals("detailed_industry_recode", industry.name());
        assertEquals(3, industry.embeddingDim());
        List<String[]> train = firstRows(DIR.resolve(CensusIncome.DATA_FILE), 300);
        assertEquals(new TreeSet<>(train.stream().map(r -> r[2]).toList()).size() + 1, industry.vocabularySize());

        // The test file's first 300 rows: split into halves, each value's id is its vocabulary position + 1 or 0.
        List<String[]> test = firstRows(DIR.resolve(CensusIncome.TEST_FILE), 300);
        FittedCategorical fitted = data.pipeline().categorical().get(1);
        List<Integer> expected = new ArrayList<>();
        data.split().first().stream().forEach(i -> expected.add(fitted.vocabulary().indexOf(test.get(i)[2]) + 1));
        assertTrue(expected.contains(0), "some test values are unseen in 300 training rows");
        List<Integer> ids = new ArrayList<>();
        try (CensusData.Iterators it = data.iterators(signature(data.inputSpec()), 64)) {
            assertTrue(it.valid() instanceof io.github.ple4j.datavec.PrefetchIterator);
            while (it.valid().hasNext()) {
                MultiDataSet m = it.valid().next();
                assertEquals(2, m.numFeatureArrays());
                float[][] idm = m.getFeatures(1).toFloatMatrix();
                for (float[] row : idm) {
                    ids.add((int) row[1]);
                }
            }
        }
        assertEquals(expected, ids);
    }

    @Test
    void checksumMismatchNamesFileExpectedAndActual() throws IOException, NoSuchAlgorithmException {
        String content = "73, Not in universe\n";
        Path f = Fixtures.writeGzip(tmp, CensusIncome.DATA_FILE, content);
        Fixtures.writeGzip(tmp, CensusIncome.TEST_FILE, content);
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8)));
        String expectedMessage = f + ": SHA-256 of the decompressed content: expected " + CensusIncome.DATA_SHA256
                + " but found " + actual + " (20 bytes, 1 lines)";
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CensusIncome.verify(tmp));
        assertEquals(expectedMessage, e.getMessage());
        InvalidDataException onLoad = assertThrows(InvalidDataException.class,
                () -> CensusIncome.builder().directory(tmp).load());
        assertEquals(expectedMessage, onLoad.getMessage());
    }

    @Test
    void truncatedGzipFailsTheChecksumPass() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append(i).append(", Not in universe, ").append(i * 7 % 13).append('\n');
        }
        byte[] gz = Fixtures.gzip(sb.toString());
        Path f = tmp.resolve(CensusIncome.TEST_FILE);
        Files.write(f, Arrays.copyOf(gz, gz.length - 3));
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> GzipContent.verify(f, CensusIncome.TEST_SHA256));
        assertEquals(f + ": the gzip data ends early (truncated or partly downloaded file?) after "
                + sb.length() + " decompressed bytes", e.getMessage());
    }

    @Test
    void defaultDirectoryFollowsThePleSharedDirProperty() {
        String before = System.getProperty("ple.shared.dir");
        try {
            System.setProperty("ple.shared.dir", "/srv/shared");
            assertEquals(Path.of("/srv/shared/data/census-income"), CensusIncome.defaultDirectory());
            System.clearProperty("ple.shared.dir");
            assertEquals(Path.of("../shared/data/census-income"), CensusIncome.defaultDirectory());
        } finally {
            if (before != null) {
                System.setProperty("ple.shared.dir", before);
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> CensusIncome.builder().directory(tmp).verifyChecksums(false).load());
        assertEquals(tmp + ": missing census-income.data.gz and "
                + "census-income.test.gz (CensusIncome.download(dir) fetches them from UCI)", e.getMessage());
    }

    static float sum(float[] row, int from) {
        float s = 0;
        for (int i = from; i < row.length; i++) {
            s += row[i];
        }
        return s;
    }

    static long countRows(CloseableMultiDataSetIterator it) {
        long n = 0;
        while (it.hasNext()) {
            n += it.next().getFeatures(0).rows();
        }
        return n;
    }
}
