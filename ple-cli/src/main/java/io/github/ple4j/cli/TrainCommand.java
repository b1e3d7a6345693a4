package io.github.ple4j.cli;

import io.github.ple4j.cli.job.CsvSpec;
import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.JobConfigException;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.SaveOptions;
import io.github.ple4j.model.config.EarlyStopping;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.TaskMetrics;
import io.github.ple4j.model.train.CheckpointDirectory;
import io.github.ple4j.model.train.EpochResult;
import io.github.ple4j.model.train.FitOptions;
import io.github.ple4j.model.train.FitState;
import io.github.ple4j.model.train.NonFiniteLossException;
import io.github.ple4j.model.train.TrainingListener;
import io.github.ple4j.model.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ple train}: fit the preprocessing and train a model, with checkpoints, resume and divergence checks. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a PLE model on a CSV file.",
                "The columns and tasks come from a job config (--config, JSON) or from flags (--dense/--ids/--one-hot and "
                        + "--binary-task/--regression-task). The preprocessing (standardisation, vocabularies) is fitted on "
                        + "--train and saved in the model file, so evaluate and predict apply the same transform.",
                "Checkpoints (model + optimiser state + position in the data) are written atomically to "
                        + "--checkpoint-dir (default: OUT.checkpoints); after a crash, the same command with --resume "
                        + "continues from the last one and reaches the same weights as an uninterrupted run. Training rows "
                        + "pass through a seeded shuffle buffer (job shuffle.bufferRows, default 10000; --shuffle-buffer) "
                        + "and the parts of a sharded input are read in a new order every epoch.",
                "A non-finite loss or gradient stops training (exit code 1), naming the step and the task; the last "
                        + "good checkpoint is kept."},
        footer = {"", "Example:", "  ple train --config job.json --train train.csv --valid valid.csv --out model.ple "
                + "--checkpoint-every-steps 1000", "", ExitCodes.HELP})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    PleCli root;

    @Mixin
    JobOptions jobOptions;
    @Option(names = "--train", required = true, paramLabel = "CSV",
            description = "Training data: a .csv or .csv.gz file, a directory of such part files, or a glob ('logs/part-*.csv.gz').")
    Path train;
    @Option(names = "--valid", paramLabel = "CSV",
            description = "Validation data (a file, directory or glob), evaluated after every epoch (needed by early stopping).")
    Path valid;
    private List<Path> trainShards;
    private List<Path> validShards;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Model file to write when training ends.")
    Path out;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoint directory. Default: OUT.checkpoints next to --out.")
    Path checkpointDir;
    @Option(names = "--checkpoint-every-steps", paramLabel = "N", defaultValue = "0",
            description = "Also checkpoint every N optimisation steps (0: off). Default: ${DEFAULT-VALUE}.")
    int everySteps;
    @Option(names = "--checkpoint-every-epochs", paramLabel = "N", defaultValue = "1",
            description = "Checkpoint at the end of every N-th epoch (0: only at the end). Default: ${DEFAULT-VALUE}.")
    int everyEpochs;
    @Option(names = "--keep-checkpoints", paramLabel = "K", defaultValue = "3",
            description = "Keep the newest K checkpoints. Default: ${DEFAULT-VALUE}.")
    int keep;
    @Option(names = "--resume", description = "Continue from the newest intact checkpoint (starts a new run if there is none).")
    boolean resume;
    @Option(names = "--overwrite", description = "Delete the checkpoints of an earlier run and start over.")
    boolean overwrite;


    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;
    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds between progress lines when stderr is not a terminal. Default: ${DEFAULT-VALUE}.")
    double progressSeconds;

    private PrintWriter out() {
        return root.spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return root.spec.commandLine().getErr();
    }

    @Override
    public Integer call() {
        checkOptions();
        trainShards = CsvFiles.shards(train);
        validShards = valid == null ? null : CsvFiles.shards(valid);
        root.applyThreads();
        Path outFile = out.toAbsolutePath();
        Path dir = checkpointDir != null ? checkpointDir.toAbsolutePath()
                : outFile.resolveSibling(outFile.getFileName() + ".checkpoints");
        JobConfig requested = jobOptions.job(resume);
        try (CheckpointDirectory ck = openCheckpoints(dir); StopSignal stop = new StopSignal()) {
            int removed = ck.removeTemporaryFiles();
            if (removed > 0) {
                err().println("note: removed " + removed + " partly written checkpoint file(s) left by an interrupted run");
            }
            CheckpointDirectory.Checkpoint loaded = null;
            if (resume) {
                loaded = ck.latest(w -> {
                    err().println("warning: " + w);
                    err().flush();
                }).orElse(null);
                if (loaded == null && ck.hasCheckpoints()) {
                    throw CliException.badModel("no intact checkpoint to resume from in " + dir
                            + " (see the warnings above); use --overwrite to start over", null);
                }
                if (loaded == null) {
                    err().println("note: no checkpoint in " + dir + "; starting a new run");
                }
            } else if (ck.hasCheckpoints()) {
                if (!overwrite) {
                    throw CliException.usage("the checkpoint directory " + dir + " holds checkpoints of an earlier run; "
                            + "use --resume to continue it or --overwrite to start over");
                }
                ck.clear();
            }
            Run run = loaded != null ? resumeRun(loaded, requested) : newRun(requested);
            try {
                return train(run, ck, stop, outFile);
            } finally {
                run.model.close();
            }
        } catch (UncheckedIOException e) {
            throw CliException.io(e.getMessage(), e);
        }
    }

    private CheckpointDirectory openCheckpoints(Path dir) {
        try {
            return CheckpointDirectory.open(dir, keep);
        } catch (IllegalStateException e) {
            throw CliException.io(e.getMessage(), null);
        }
    }

    private void checkOptions() {
        if (resume && overwrite) {
            throw CliException.usage("--resume and --overwrite cannot be combined");
        }
        if (everySteps < 0) {
            throw CliException.usage("--checkpoint-every-steps must be >= 0 but was " + everySteps);
        }
        if (everyEpochs < 0) {
            throw CliException.usage("--checkpoint-every-epochs must be >= 0 but was " + everyEpochs);
        }
        if (keep < 1) {
            throw CliException.usage("--keep-checkpoints must be >= 1 but was " + keep);
        }
        if (!(progressSeconds >= 0) || Double.isInfinite(progressSeconds)) {
            throw CliException.usage("--progress-seconds must be >= 0 but was " + progressSeconds);
        }
        for (Path in : new Path[]{train, valid, jobOptions.config}) {
            if (in != null && out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                throw CliException.usage("--out must not be an input file (" + in + ")");
            }
        }
        if (Files.isDirectory(out)) {
            throw CliException.usage("--out " + out + " is a directory; give a file name");
        }
    }

    /** What the run works with; {@code resumed} when the model came from a checkpoint (its fit state says where). */
    private record Run(PleModel model, FittedPipeline pipeline, JobConfig job, List<String> columns, boolean resumed) {
    }

    // ---------------------------------------------------------------------------------------------- job and setup

    private Run newRun(JobConfig job) {
        if (job == null) {
            throw JobOptions.noJob();
        }
        String fingerprint = DataFiles.fingerprint(trainShards);
        List<String> cols = CsvFiles.columns(trainShards, job.csv());
        FittedPipeline fitted = jobOptions.fit(job, trainShards, cols);
        PleConfig pc = jobOptions.modelConfig(job, fitted);
        PleModel model;
        try {
            model = PleModel.create(pc);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new JobConfigException(jobOptions.source() + ": cannot build the model: " + e.getMessage(), e);
        }
        model.attach(LoadedModel.PREPROCESSING, fitted.toJson());
        model.attach(LoadedModel.JOB, JobJson.toJson(job));
        try {
            model.attach(LoadedModel.COLUMNS, JobJson.mapper().writeValueAsString(cols));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out().printf(Locale.ROOT, "training %s on %s: %,d rows, %d task(s) %s, %d inputs (dense %d, categorical %d), "
                        + "%,d parameters%n", pc.architecture(), train + (trainShards.size() > 1 ? " (" + trainShards.size()
                        + " parts)" : ""), fitted.summary().rows(), pc.tasks().size(),
                fitted.taskNames(), pc.inputs().width(), pc.inputs().denseSize(), pc.inputs().categorical().size(),
                model.numParams());
        fitted.summary().truncatedBags().forEach((field, n) -> out().printf(Locale.ROOT,
                "note: %,d row(s) of bag column '%s' had more than %d values; they keep their first %d%n", n, field,
                job.csv().maxBagLength(), job.csv().maxBagLength()));
        for (var t : fitted.tasks()) {
            if (t.sampleSpace() != null) {
                out().printf(Locale.ROOT, "task '%s' is defined on rows with %s in %s: %,d labelled row(s) of %,d%n",
                        t.name(), t.sampleSpace().columnName(), t.sampleSpace().values(),
                        fitted.summary().label(t.name()).labelled(), fitted.summary().rows());
            }
        }
        model.attach(DataFiles.ATTACHMENT, new DataFiles(fingerprint, valid == null ? null
                : DataFiles.fingerprint(validShards)).toJson());
        return new Run(model, fitted, job, cols, false);
    }

    private Run resumeRun(CheckpointDirectory.Checkpoint loaded, JobConfig requested) {
        LoadedModel lm;
        try {
            lm = LoadedModel.of(loaded.model(), loaded.file().toString());
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
        try {
            if (requested != null && !JobJson.same(requested, lm.job())) {
                throw CliException.usage("the job given (" + (jobOptions.config != null ? "--config " + jobOptions.config : "flags")
                        + ") differs from the job of the checkpoint " + loaded.file().getFileName()
                        + "; resume with the same job, or start over with --overwrite");
            }
            DataFiles files = DataFiles.of(loaded.model(), loaded.file());
            String fingerprint = DataFiles.fingerprint(trainShards);
            if (!fingerprint.equals(files.train())) {
                throw CliException.badData(train + " is not the training data of the checkpoint " + loaded.file()
                        + " (" + fingerprint + " but the checkpoint was trained on " + files.train()
                        + "); resuming needs the same file", null);
            }
            String validPrint = valid == null ? null : DataFiles.fingerprint(validShards);
            if (!java.util.Objects.equals(validPrint, files.valid())) {
                throw CliException.badData((valid == null ? "no --valid was given" : valid + " (" + validPrint + ")")
                        + " but the checkpoint " + loaded.file() + " was validated on " + (files.valid() == null
                        ? "no validation data" : "a file with " + files.valid())
                        + "; resuming needs the same validation data", null);
            }
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
        FitState s = loaded.state();
        out().printf(Locale.ROOT, "resuming from %s: epoch %d, batch %d of the epoch, step %d%s%n", loaded.file(),
                s.epoch() + 1, s.batchInEpoch(), s.step(), s.complete() ? " (training had finished)" : "");
        return new Run(loaded.model(), lm.pipeline(), lm.job(), lm.columns(), true);
    }

    // ------------------------------------------------------------------------------------------------ the loop

    private int train(Run run, CheckpointDirectory ck, StopSignal stop, Path outFile) {
        PleModel model = run.model();
        PleConfig pc = model.config();
        CsvSpec csv = run.job().csv();
        int batch = run.job().batchSize();
        if (pc.training().earlyStopping() != null && valid == null) {
            throw CliException.usage("the job's training.earlyStopping needs validation data: give --valid");
        }
        if (valid != null) {
            CsvFiles.checkHeader(validShards, csv, run.columns());
        }
        if (csv.header()) {
            CsvFiles.checkHeader(trainShards, csv, run.columns());
        }
        long rows = run.pipeline().summary().rows();
        long batchesPerEpoch = (rows + batch - 1) / batch;
        if (!quiet) {
            err().println(io.github.ple4j.model.Backend.summary());
        }
        ProgressBar bar = quiet ? null
                : new ProgressBar(err(), System.console() != null, progressSeconds, pc.training().epochs(), batchesPerEpoch);
        FitOptions.Builder options = FitOptions.builder().checkpoints(ck).checkpointEverySteps(everySteps)
                .checkpointEveryEpochs(everyEpochs).resume(run.resumed()).stopWhen(stop::requested);
        if (bar != null) {
            options.listener(bar);
        }
        options.listener(new EpochLines(bar, pc));
        TrainingResult result;
        try (CloseableMultiDataSetIterator trainIt = run.pipeline().iterator(trainingReader(run.job()), pc, batch);
             CloseableMultiDataSetIterator validIt = valid == null ? null
                     : run.pipeline().iterator(CsvFiles.reader(validShards, csv, null), pc, batch)) {
            stop.active(true);
            result = model.fit(trainIt, validIt, options.build());
        } catch (NonFiniteLossException e) {
            if (bar != null) {
                bar.clear();
            }
            throw diverged(e, ck, outFile);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidDataException) {
                throw e;
            }
            throw CliException.badData(train + ": " + e.getMessage(), e);
        }
        if (result.interrupted()) {
            if (bar != null) {
                bar.clear();
            }
            FitState s = model.fitState().orElseThrow();
            String checkpoint = result.lastCheckpoint() != null ? "checkpoint " + result.lastCheckpoint() + " written; " : "";
            throw interrupted((s.batchInEpoch() > 0 ? "interrupted at epoch " + (s.epoch() + 1) + ", step " + s.step()
                    : "interrupted after epoch " + s.epoch()) + "; " + checkpoint + "continue with --resume");
        }
        return finish(model, result, outFile);
    }

    private org.datavec.api.records.reader.RecordReader trainingReader(JobConfig job) {
        return CsvFiles.trainingReader(trainShards, job);
    }

    /** After every epoch, one line with the training and validation figures; the early stop, when it happens. */
    private final class EpochLines implements TrainingListener {
        private final ProgressBar bar;
        private final PleConfig config;

        EpochLines(ProgressBar bar, PleConfig config) {
            this.bar = bar;
            this.config = config;
        }

        @Override
        public void onEpochEnd(EpochResult e) {
            if (bar != null) {
                bar.clear();
            }
            out().println(epochLine(e, config.training().epochs(), config.training().earlyStopping() != null
                    || valid != null));
            out().flush();
        }

        @Override
        public void onTrainingEnd(TrainingResult r) {
            if (r.stoppedEarly() && !r.epochs().isEmpty()) {
                EarlyStopping es = config.training().earlyStopping();
                out().printf(Locale.ROOT, "early stop: %s did not improve for %d epoch(s); best epoch %d (%s %.6g)%n",
                        es.metric(), es.patience(), r.bestEpoch() + 1,
                        config.training().earlyStopping().metric(), r.bestValue());
            }
        }
    }

    /**
     * The error for a stop request. Printed here, before the shutdown hook is released: once it is, the JVM may halt
     * (with 128 + the signal number, e.g. 143 for SIGTERM) before the usual error handler runs.
     */
    private CliException interrupted(String message) {
        err().println("error: " + message);
        err().flush();
        return new CliException(ExitCodes.INTERRUPTED, message).reported();
    }

    private CliException diverged(NonFiniteLossException e, CheckpointDirectory ck, Path outFile) {
        List<Path> kept = ck.list();
        String where = "training diverged at epoch " + (e.epoch() + 1) + ", step " + e.step() + " (batch "
                + (e.batchInEpoch() + 1) + " of the epoch): ";
        String what;
        if (e.parameter() == null) {
            what = "non-finite loss in task(s) " + e.nonFiniteTasks() + " (task losses " + e.taskLoss() + ")";
        } else {
            what = "non-finite gradient of parameter '" + e.parameter() + "'" + (e.nonFiniteTasks().isEmpty()
                    ? " (task losses " + e.taskLoss() + ")" : " from task(s) " + e.nonFiniteTasks());
        }
        String kept0 = kept.isEmpty() ? "no checkpoint had been written yet"
                : "the last good checkpoint is " + kept.get(kept.size() - 1);
        return new CliException(ExitCodes.DIVERGED, where + what + "; the step was not applied; " + kept0
                + "; " + outFile.getFileName() + " was not written (try a lower --learning-rate, or check the data)", e);
    }

    /** Writes the model (the best epoch's parameters when early stopping restored them) without optimiser state. */
    private int finish(PleModel model, TrainingResult result, Path outFile) {
        FitState state = model.fitState().orElseThrow();
        try {
            model.save(outFile, SaveOptions.parametersOnly());
        } catch (IOException e) {
            throw CliException.io("cannot write " + outFile + ": " + e, e);
        }
        out().printf(Locale.ROOT, "saved %s: %d epoch(s), %d step(s)%s%s%n", outFile, state.epoch(), state.step(),
                state.stoppedEarly() ? ", stopped early" : "",
                result.restoredBest() ? ", parameters of the best epoch " + (state.bestEpoch() + 1) + " restored" : "");
        return ExitCodes.OK;
    }

    private static String epochLine(EpochResult e, int epochs, boolean monitored) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d: train loss %.5f", e.epoch() + 1,
                epochs, e.trainLoss()));
        if (e.taskLoss().size() > 1) {
            sb.append(" [");
            e.taskLoss().forEach((k, x) -> sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : " ").append(k)
                    .append(String.format(Locale.ROOT, " %.5f", x)));
            sb.append(']');
        }
        EvaluationReport v = e.validation();
        if (v != null) {
            sb.append(String.format(Locale.ROOT, " | valid loss %.5f", v.loss()));
            for (TaskMetrics m : v.tasks().values()) {
                sb.append(m.type() == TaskType.BINARY
                        ? String.format(Locale.ROOT, " | %s auc %.4f logloss %.4f", m.task(), m.auc(), m.logLoss())
                        : String.format(Locale.ROOT, " | %s mse %.5g mae %.5g", m.task(), m.mse(), m.mae()));
            }
        }
        if (e.improved() && monitored) {
            sb.append(" (best)");
        }
        sb.append(String.format(Locale.ROOT, " | %.1fs, %,.0f samples/s", e.seconds(), e.samplesPerSecond()));
        if (e.checkpoint() != null) {
            sb.append(" | checkpoint ").append(e.checkpoint().getFileName());
        }
        return sb.toString();
    }
}
