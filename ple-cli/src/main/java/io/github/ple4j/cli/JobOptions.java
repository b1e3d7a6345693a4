package io.github.ple4j.cli;

import io.github.ple4j.cli.job.CsvSpec;
import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.JobConfigException;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.cli.job.LabelSpec;
import io.github.ple4j.cli.job.SampleSpaceSpec;
import io.github.ple4j.cli.job.ShuffleSpec;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.OptimizerSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskType;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code ple train} that describe the job: a job config file, or the CSV layout, column roles and
 * tasks as flags, plus overrides of the model and training settings.
 */
final class JobOptions {
    @Option(names = "--config", paramLabel = "JSON", description = "Job config: CSV layout, columns, tasks, model, training.")
    Path config;
    @Option(names = "--delimiter", paramLabel = "C", description = "Field delimiter (one character, or 'tab'). Default: ','.")
    String delimiter;
    @Option(names = "--no-header", description = "The files have no header line (name the columns with --columns).")
    boolean noHeader;
    @Option(names = "--columns", split = ",", paramLabel = "NAME", description = "Column names, in file order.")
    List<String> columns;
    @Option(names = "--dense", split = ",", paramLabel = "COLUMN", description = "Numeric feature columns (standardised).")
    List<String> dense;
    @Option(names = "--ids", split = ",", paramLabel = "COLUMN", description = "Categorical columns with embeddings.")
    List<String> ids;
    @Option(names = "--embedding-dim", paramLabel = "N", description = "Embedding width of --ids columns. Default: 4.")
    Integer embeddingDim;
    @Option(names = "--one-hot", split = ",", paramLabel = "COLUMN", description = "Categorical columns one-hot encoded.")
    List<String> oneHot;
    @Option(names = "--binary-task", paramLabel = "TASK=COLUMN[:POS,..[:NEG,..]]",
            description = "A binary task (repeatable). Positive values default to 1 and negative to 0; NEG '*' means every "
                    + "other value is negative.")
    List<String> binaryTasks;
    @Option(names = "--regression-task", paramLabel = "TASK=COLUMN", description = "A regression task (repeatable). "
            + "Tasks are ordered binary first, then regression.")
    List<String> regressionTasks;
    @Option(names = "--missing-label", split = ",", paramLabel = "TEXT",
            description = "Label texts meaning 'no label for this task' besides the empty field.")
    List<String> missingLabels;

    @Option(names = "--bags", split = ",", paramLabel = "COLUMN",
            description = "Multi-valued categorical columns ('a|b|c'): each row's values looked up and mean-pooled.")
    List<String> bags;
    @Option(names = "--bag-separator", paramLabel = "S", description = "The text between a bag's values. Default: '|'.")
    String bagSeparator;
    @Option(names = "--max-bag-length", paramLabel = "N", description = "Values a bag keeps (longer bags are cut). Default: 50.")
    Integer maxBagLength;
    @Option(names = "--hash", split = ",", paramLabel = "COLUMN=BUCKETS",
            description = "Hash an --ids or --bags column into BUCKETS ids instead of fitting a vocabulary (repeatable).")
    List<String> hash;
    @Option(names = "--max-vocabulary", paramLabel = "N",
            description = "Keep at most the N most frequent values of every fitted vocabulary. Default: no limit.")
    Integer maxVocabulary;
    @Option(names = "--sample-space", paramLabel = "TASK=COLUMN:VALUE,..",
            description = "Define a task only on rows whose COLUMN holds one of the values, e.g. cvr=click:1 (paper Eq. 9; "
                    + "repeatable).")
    List<String> sampleSpaces;
    @Option(names = "--shuffle-buffer", paramLabel = "ROWS",
            description = "Override shuffle.bufferRows: training rows held by the shuffle buffer (1: file order). Default: 10000.")
    Integer shuffleBuffer;
    @Option(names = "--shuffle-seed", paramLabel = "N", description = "Override shuffle.seed. Default: the model's seed.")
    Long shuffleSeed;

    @Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs.")
    Integer epochs;
    @Option(names = "--batch-size", paramLabel = "N", description = "Override batchSize (default 256).")
    Integer batchSize;
    @Option(names = "--learning-rate", paramLabel = "LR", description = "Override training.optimizer.learningRate.")
    Double learningRate;
    @Option(names = "--seed", paramLabel = "N", description = "Override model.seed.")
    Long seed;
    @Option(names = "--embedding-optimizer", paramLabel = "TYPE",
            description = "Override training.embeddingOptimizer.type: DENSE (exact; every row every step), LAZY_ADAM, "
                    + "ROWWISE_ADAGRAD or SGD (only the rows a batch looks up: for large vocabularies).")
    EmbeddingOptimizerSpec.Type embeddingOptimizer;

    private boolean csvFlagsGiven() {
        return delimiter != null || noHeader || columns != null || dense != null || ids != null || embeddingDim != null
                || oneHot != null || binaryTasks != null || regressionTasks != null || missingLabels != null || bags != null
                || bagSeparator != null || maxBagLength != null || hash != null || maxVocabulary != null || sampleSpaces != null;
    }

    private boolean overridesGiven() {
        return epochs != null || batchSize != null || learningRate != null || seed != null || embeddingOptimizer != null
                || shuffleBuffer != null || shuffleSeed != null;
    }

    /** The job the options describe, or null when they describe none (allowed with --resume). */
    JobConfig job(boolean resume) {
        JobConfig job;
        if (config != null) {
            if (csvFlagsGiven()) {
                throw CliException.usage("column and task flags (--dense, --binary-task, ...) cannot be combined with --config; "
                        + "describe the CSV in the config's \"csv\" section");
            }
            String json;
            try {
                json = Files.readString(config, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                throw CliException.io("cannot read config " + config + ": no such file", e);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new JobConfigException(config + ": not a UTF-8 text file", e);
            } catch (IOException e) {
                throw CliException.io("cannot read config " + config + ": " + e, e);
            }
            job = JobJson.fromJson(json, config.toString());
        } else if (csvFlagsGiven()) {
            job = new JobConfig(csvFromFlags(), null, null);
        } else if (overridesGiven() || !resume) {
            throw CliException.usage("describe the data with --config JSON, or with --dense/--ids/--one-hot and "
                    + "--binary-task/--regression-task");
        } else {
            return null;
        }
        return applyOverrides(job);
    }

    private CsvSpec csvFromFlags() {
        List<LabelSpec> labels = new ArrayList<>();
        for (String t : binaryTasks == null ? List.<String>of() : binaryTasks) {
            labels.add(binaryTask(t));
        }
        for (String t : regressionTasks == null ? List.<String>of() : regressionTasks) {
            String[] nc = taskAndColumn("--regression-task", t);
            labels.add(label(() -> new LabelSpec(nc[0], nc[1], TaskType.REGRESSION, null, null), "--regression-task " + t));
        }
        List<String> missing = new ArrayList<>(List.of(""));
        if (missingLabels != null) {
            missingLabels.stream().filter(m -> !missing.contains(m)).forEach(missing::add);
        }
        for (String spec : sampleSpaces == null ? List.<String>of() : sampleSpaces) {
            String[] tc = taskAndColumn("--sample-space", spec);
            int colon = tc[1].indexOf(':');
            if (colon <= 0 || colon == tc[1].length() - 1) {
                throw CliException.usage("--sample-space must be TASK=COLUMN:VALUE,.. but was '" + spec + "'");
            }
            int k = -1;
            for (int i = 0; i < labels.size(); i++) {
                k = labels.get(i).task().equals(tc[0]) ? i : k;
            }
            if (k < 0) {
                throw CliException.usage("--sample-space " + spec + ": no task '" + tc[0] + "'; the tasks are "
                        + labels.stream().map(LabelSpec::task).toList());
            }
            LabelSpec l = labels.get(k);
            labels.set(k, label(() -> l.withSampleSpace(new SampleSpaceSpec(tc[1].substring(0, colon),
                    List.of(tc[1].substring(colon + 1).split(",", -1)))), "--sample-space " + spec));
        }
        Map<String, Integer> buckets = new LinkedHashMap<>();
        for (String spec : hash == null ? List.<String>of() : hash) {
            String[] cn = taskAndColumn("--hash", spec);
            try {
                buckets.put(cn[0], Integer.parseInt(cn[1]));
            } catch (NumberFormatException e) {
                throw CliException.usage("--hash must be COLUMN=BUCKETS with a whole number of buckets but was '" + spec + "'");
            }
        }
        String delim = delimiter == null ? null : delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
        try {
            return new CsvSpec(delim, !noHeader, columns, dense, ids, embeddingDim, null, oneHot, null, labels, missing,
                    bags, bagSeparator, null, maxBagLength, null, buckets, maxVocabulary, null);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private static LabelSpec label(java.util.function.Supplier<LabelSpec> s, String what) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(what + ": " + e.getMessage());
        }
    }

    private static String[] taskAndColumn(String option, String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw CliException.usage(option + " must be TASK=COLUMN but was '" + spec + "'");
        }
        return new String[]{spec.substring(0, eq), spec.substring(eq + 1)};
    }

    private static LabelSpec binaryTask(String spec) {
        String[] nc = taskAndColumn("--binary-task", spec);
        String[] parts = nc[1].split(":", -1);
        if (parts.length > 3) {
            throw CliException.usage("--binary-task must be TASK=COLUMN[:POS,..[:NEG,..]] but was '" + spec + "'");
        }
        List<String> pos = parts.length > 1 ? List.of(parts[1].split(",", -1)) : null;
        List<String> neg = parts.length > 2 ? (parts[2].equals("*") ? List.of() : List.of(parts[2].split(",", -1))) : null;
        return label(() -> new LabelSpec(nc[0], parts[0], TaskType.BINARY, pos, neg), "--binary-task " + spec);
    }

    private JobConfig applyOverrides(JobConfig job) {
        try {
            if (batchSize != null) {
                job = job.withBatchSize(batchSize);
            }
            if (epochs != null) {
                job = job.withModel(job.model().withTraining(job.model().training().withEpochs(epochs)));
            }
            if (learningRate != null) {
                OptimizerSpec o = job.model().training().optimizer();
                job = job.withModel(job.model().withTraining(job.model().training()
                        .withOptimizer(new OptimizerSpec(o.type(), learningRate))));
            }
            if (embeddingOptimizer != null) {
                job = job.withModel(job.model().withTraining(job.model().training()
                        .withEmbeddingOptimizer(new EmbeddingOptimizerSpec(embeddingOptimizer, null))));
            }
            if (seed != null) {
                job = job.withModel(job.model().withSeed(seed));
            }
            if (shuffleBuffer != null || shuffleSeed != null) {
                ShuffleSpec sh = job.shuffle();
                job = job.withShuffle(new ShuffleSpec(shuffleBuffer != null ? shuffleBuffer : sh.bufferRows(),
                        shuffleSeed != null ? shuffleSeed : sh.seed(), sh.shards()));
            }
            return job;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** How error messages name the job. */
    /** The error when neither a job config nor column flags were given. */
    static CliException noJob() {
        return CliException.usage("describe the data with --config JSON, or with --dense/--ids/--one-hot and "
                + "--binary-task/--regression-task");
    }

    /** The job's preprocessing fitted on the training shards; a job the data cannot satisfy is a config error. */
    FittedPipeline fit(JobConfig job, List<Path> shards, List<String> columns) {
        try (var reader = CsvFiles.reader(shards, job.csv(), null)) {
            return job.pipeline(columns).fit(reader);
        } catch (InvalidDataException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(source() + ": invalid job config: " + e.getMessage(), e);
        }
    }

    /** The job's model config for the fitted preprocessing; an invalid one is a config error naming $.model. */
    PleConfig modelConfig(JobConfig job, FittedPipeline fitted) {
        try {
            return job.modelConfig(fitted);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(source() + ": invalid job config at $.model: " + e.getMessage(), e);
        }
    }

    String source() {
        return config != null ? config.toString() : "job (from flags)";
    }
}
