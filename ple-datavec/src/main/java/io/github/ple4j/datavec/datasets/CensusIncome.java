package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.records.CsvFileReader;
import io.github.ple4j.datavec.records.LimitedRecordReader;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.LabelColumn;
import io.github.ple4j.datavec.schema.LabelRule;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.transform.schema.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The UCI Census-Income (KDD) data set as used by MMoE (Ma et al., KDD 2018) and PLE (Tang et al., RecSys
 * 2020): two binary tasks on 1994/95 Current Population Survey records.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>Task {@code income}: column 42 (the label) is {@code 50000+.} (positive) or {@code - 50000.}
 *       (negative; any other value is an error). Task {@code marital}: column 8 ({@code marital stat}) is
 *       {@code Never married} (positive) or anything else (negative). Both label columns are removed from the
 *       inputs, and so is column 25, the instance weight, which the data set's description says is not a
 *       feature.</li>
 *   <li>Inputs: the 7 continuous columns ({@link #CONTINUOUS}), standardised with the training mean and
 *       standard deviation, and the other 32 columns ({@link #NOMINAL}) as categories — one-hot in the dense
 *       vector ({@link Encoding#ONE_HOT}) or ids for embeddings ({@link Encoding#IDS}); vocabularies come from
 *       the training file, with id / slot 0 for values not seen there.</li>
 *   <li>Splits: train = census-income.data (199,523 rows); census-income.test (99,762 rows) is split 1:1 into
 *       validation and test by a seeded shuffle of its row positions ({@link io.github.ple4j.datavec.records.RowSplit},
 *       seed {@link #DEFAULT_SEED} by default): 49,881 rows each.</li>
 * </ul>
 *
 * <p>Fields are separated by {@code ", "}; they are read with DataVec's CSVRecordReader (delimiter ',') and
 * trimmed. The files are read as shipped ({@code .gz}); {@link #verify(Path)} checks the SHA-256 of their
 * decompressed content, and {@link #download(Path)} fetches them from UCI.
 *
 * <p>Use {@link #builder()} to load the data ({@link CensusData}: fitted pipeline, InputSpec, positive rates,
 * row counts, iterators).
 */
public final class CensusIncome {
    /** Training file. */
    public static final String DATA_FILE = "census-income.data.gz";
    /** Test file, split into validation and test. */
    public static final String TEST_FILE = "census-income.test.gz";
    /** SHA-256 of census-income.data (decompressed). */
    public static final String DATA_SHA256 = "3676a81db7d3528f3f8b9f3c699d0f0aa28db45e6e994fa0b8ed38327539ee86";
    /** SHA-256 of census-income.test (decompressed). */
    public static final String TEST_SHA256 = "98402b1ab879573d0a7f38a699a40258080e25e33d3401e7bf9c96d3fa0fab8c";
    /** Rows of census-income.data. */
    public static final int DATA_ROWS = 199_523;
    /** Rows of census-income.test. */
    public static final int TEST_ROWS = 99_762;
    /** Public home of the training file. */
    public static final URI DATA_URL =
            URI.create("https://archive.ics.uci.edu/ml/machine-learning-databases/census-income-mld/census-income.data.gz");
    /** Public home of the test file. */
    public static final URI TEST_URL =
            URI.create("https://archive.ics.uci.edu/ml/machine-learning-databases/census-income-mld/census-income.test.gz");
    /** Default seed of the validation/test split. */
    public static final long DEFAULT_SEED = 2018;

    /** Task names, in label order. */
    public static final String INCOME_TASK = "income";
    /** Task names, in label order. */
    public static final String MARITAL_TASK = "marital";
    /** Name given to column 42, the income label (the .names file lists its values but gives it no name). */
    public static final String LABEL = "income";
    /** Column 8, the marital status (the second task's label). */
    public static final String MARITAL = "marital stat";
    /** Column 25, the instance weight: never a feature. */
    public static final String INSTANCE_WEIGHT = "instance weight";
    /** Positive income label (after trimming). */
    public static final String INCOME_POSITIVE = "50000+.";
    /** Negative income label (after trimming). */
    public static final String INCOME_NEGATIVE = "- 50000.";
    /** Positive marital label (after trimming). */
    public static final String NEVER_MARRIED = "Never married";

    /** The 42 columns: the attribute names of census-income.names lines 143-184 in order, then the label. */
    public static final List<String> COLUMNS = List.of(
            "age", "class of worker", "detailed industry recode", "detailed occupation recode", "education",
            "wage per hour", "enroll in edu inst last wk", "marital stat", "major industry code",
            "major occupation code", "race", "hispanic origin", "sex", "member of a labor union",
            "reason for unemployment", "full or part time employment stat", "capital gains", "capital losses",
            "dividends from stocks", "tax filer stat", "region of previous residence", "state of previous residence",
            "detailed household and family stat", "detailed household summary in household", "instance weight",
            "migration code-change in msa", "migration code-change in reg", "migration code-move within reg",
            "live in this house 1 year ago", "migration prev res in sunbelt", "num persons worked for employer",
            "family members under 18", "country of birth father", "country of birth mother", "country of birth self",
            "citizenship", "own business or self employed", "fill inc questionnaire for veteran's admin",
            "veterans benefits", "weeks worked in year", "year", LABEL);

    /** The 7 continuous inputs (the .names file's "continuous" attributes, less the instance weight). */
    public static final List<String> CONTINUOUS = List.of("age", "wage per hour", "capital gains", "capital losses",
            "dividends from stocks", "num persons worked for employer", "weeks worked in year");

    /** The 32 nominal inputs: every other column except the two labels and the instance weight, in file order. */
    public static final List<String> NOMINAL = COLUMNS.stream()
            .filter(c -> !CONTINUOUS.contains(c) && !c.equals(LABEL) && !c.equals(MARITAL) && !c.equals(INSTANCE_WEIGHT))
            .toList();

    /** How the nominal columns reach the model. */
    public enum Encoding {
        /** Dense vector only: standardised continuous columns, then one block of V + 1 slots per nominal column. */
        ONE_HOT,
        /** Standardised continuous columns as the dense vector, nominal columns as ids for embeddings. */
        IDS
    }

    private CensusIncome() {
    }

    /** The 42-column DataVec schema: continuous columns and the instance weight as doubles, the rest as strings. */
    public static Schema schema() {
        Schema.Builder b = new Schema.Builder();
        for (String c : COLUMNS) {
            if (CONTINUOUS.contains(c) || c.equals(INSTANCE_WEIGHT)) {
                b.addColumnDouble(c);
            } else {
                b.addColumnString(c);
            }
        }
        return b.build();
    }

    /**
     * The MMoE/PLE protocol as a pipeline (see the class comment).
     *
     * @param encoding     one-hot or ids for the nominal columns
     * @param embeddingDim embedding width of every nominal field (IDS only)
     */
    public static RecordPipeline pipeline(Encoding encoding, int embeddingDim) {
        RecordPipeline.Builder b = RecordPipeline.builder().schema(schema());
        CONTINUOUS.forEach(b::dense);
        for (String c : NOMINAL) {
            b.categorical(encoding == Encoding.IDS ? CategoricalFeature.ids(ColumnRef.name(c), embeddingDim)
                    : CategoricalFeature.oneHot(ColumnRef.name(c)));
        }
        return b.label(new LabelColumn(INCOME_TASK, ColumnRef.name(LABEL),
                        LabelRule.Binary.closed(List.of(INCOME_POSITIVE), List.of(INCOME_NEGATIVE))))
                .label(new LabelColumn(MARITAL_TASK, ColumnRef.name(MARITAL), LabelRule.Binary.open(NEVER_MARRIED)))
                .missingLabelValues()
                .build();
    }

    /**
     * Where the files are by default: {@code ${ple.shared.dir}/data/census-income} when the system property
     * {@code ple.shared.dir} is set (the build sets it for tests), otherwise {@code ../shared/data/census-income}
     * relative to the working directory.
     */
    public static Path defaultDirectory() {
        String shared = System.getProperty("ple.shared.dir");
        return (shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "shared"))
                .resolve("data").resolve("census-income");
    }

    /** Whether both files are in the directory. */
    public static boolean filesPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(DATA_FILE)) && Files.isRegularFile(dir.resolve(TEST_FILE));
    }

    /**
     * Checks the SHA-256 of both files' decompressed content.
     *
     * @throws InvalidDataException naming the file, the expected and the actual digest
     */
    public static void verify(Path dir) {
        GzipContent.verify(dir.resolve(DATA_FILE), DATA_SHA256);
        GzipContent.verify(dir.resolve(TEST_FILE), TEST_SHA256);
    }

    /**
     * Downloads both files from UCI ({@link #DATA_URL}, {@link #TEST_URL}) into {@code dir}, each through a
     * temporary file that is checked against the SHA-256 of the decompressed content and then renamed into place
     * atomically. Files already present with the right content are kept.
     *
     * @throws IOException          on network or file errors
     * @throws InvalidDataException if a downloaded file has other content
     */
    public static void download(Path dir) throws IOException {
        Downloads.fetchGzip(DATA_URL, dir.resolve(DATA_FILE), DATA_SHA256);
        Downloads.fetchGzip(TEST_URL, dir.resolve(TEST_FILE), TEST_SHA256);
    }

    /**
     * A reader of one census file: DataVec's CSVRecordReader (delimiter ',', no header) through gzip.
     *
     * @param file     the .gz file
     * @param rowLimit read at most this many rows, or 0 for all
     */
    public static RecordReader reader(Path file, long rowLimit) {
        CsvFileReader r = CsvFileReader.open(file, ',', 0);
        return rowLimit > 0 ? new LimitedRecordReader(r, rowLimit) : r;
    }

    /** Options for loading; {@link Builder#load()} reads the training file once to fit the pipeline. */
    public static Builder builder() {
        return new Builder();
    }

    /** Loading options. */
    public static final class Builder {
        private Path directory;
        private Encoding encoding = Encoding.ONE_HOT;
        private int embeddingDim = CategoricalFeature.DEFAULT_EMBEDDING_DIM;
        private long seed = DEFAULT_SEED;
        private long rowLimit;
        private boolean verifyChecksums = true;
        private boolean prefetch = true;

        private Builder() {
        }

        /** Directory with the two .gz files (default {@link #defaultDirectory()}). */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** One-hot (default) or ids. */
        public Builder encoding(Encoding encoding) {
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /** Embedding width of the nominal fields with {@link Encoding#IDS} (default 4). */
        public Builder embeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        /** Seed of the validation/test split (default {@link #DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Read only the first {@code rows} rows of each file (the test file's first rows are then split), for
         * quick runs; 0 (default) reads everything.
         */
        public Builder rowLimit(long rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("rowLimit must be >= 0 but was " + rows);
            }
            this.rowLimit = rows;
            return this;
        }

        /** Check the SHA-256 of both files before use (default true; costs one pass over each file). */
        public Builder verifyChecksums(boolean verify) {
            this.verifyChecksums = verify;
            return this;
        }

        /** Whether iterators read ahead on a background thread (default true). */
        public Builder prefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Verifies the files (if asked), fits the pipeline on the training file and splits the test file.
         *
         * @throws InvalidDataException for a wrong checksum or bad data, naming file and line
         * @throws UncheckedIOException if a file is missing
         */
        public CensusData load() {
            Path dir = directory != null ? directory : defaultDirectory();
            Path data = dir.resolve(DATA_FILE);
            Path test = dir.resolve(TEST_FILE);
            List<String> missing = Stream.of(DATA_FILE, TEST_FILE).filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
            if (!missing.isEmpty()) {
                String message = dir + ": missing " + String.join(" and ", missing)
                        + " (CensusIncome.download(dir) fetches them from UCI)";
                throw new UncheckedIOException(message, new NoSuchFileException(dir.toString(), null, message));
            }
            long testRows;
            if (verifyChecksums) {
                GzipContent.verify(data, DATA_SHA256);
                testRows = GzipContent.verify(test, TEST_SHA256).lines();
            } else {
                testRows = rowLimit > 0 ? -1 : GzipContent.scan(test, test.toString()).lines();
            }
            RecordPipeline pipeline = pipeline(encoding, embeddingDim);
            RecordReader train = reader(data, rowLimit);
            FittedPipeline fitted;
            try {
                fitted = pipeline.fit(train);
            } finally {
                close(train);
            }
            if (rowLimit > 0) {
                testRows = count(reader(test, rowLimit));
            }
            return new CensusData(dir, encoding, fitted, rowLimit, seed, Math.toIntExact(testRows), prefetch);
        }

        private static long count(RecordReader reader) {
            long n = 0;
            try {
                while (reader.hasNext()) {
                    reader.next();
                    n++;
                }
            } finally {
                close(reader);
            }
            return n;
        }

        private static void close(RecordReader reader) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not close a census reader", e);
            }
        }
    }
}
