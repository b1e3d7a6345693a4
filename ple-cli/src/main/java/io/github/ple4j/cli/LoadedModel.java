package io.github.ple4j.cli;

import io.github.ple4j.cli.job.JobConfig;
import io.github.ple4j.cli.job.JobConfigException;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.io.MalformedModelException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model bundle written by {@code ple train}: the model, its fitted preprocessing (attachment
 * {@code "preprocessing"}) and its job config (attachment {@code "job"}, for the CSV layout).
 *
 * <p>Loading reads only JSON and .npy arrays, in Java, from the zip (ple-model's {@code ModelBundle}: no Java
 * deserialisation, nothing extracted to disk, entry names checked, sizes bounded, CRC-32 of every entry checked);
 * any failure while reading or checking the file is reported as a bad model file (exit code 4), a missing or
 * unreadable file as an I/O error (exit code 5).
 *
 * @param model    the model (owned: close it)
 * @param pipeline the fitted preprocessing
 * @param job      the job that trained it
 * @param columns  the training file's column names, in order
 */
record LoadedModel(PleModel model, FittedPipeline pipeline, JobConfig job, List<String> columns) implements AutoCloseable {
    /** Attachment holding the fitted pipeline. */
    static final String PREPROCESSING = "preprocessing";
    /** Attachment holding the job config. */
    static final String JOB = "job";
    /** Attachment holding the training columns. */
    static final String COLUMNS = "columns";

    static LoadedModel load(Path file) {
        PleModel model = loadModel(file);
        try {
            return of(model, file.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Reads the attachments of a loaded model. */
    static LoadedModel of(PleModel model, String source) {
        String pipelineJson = model.attachment(PREPROCESSING).orElseThrow(() -> CliException.badModel(source
                + ": the model has no '" + PREPROCESSING + "' attachment (it was not written by 'ple train')", null));
        String jobJson = model.attachment(JOB).orElseThrow(() -> CliException.badModel(source
                + ": the model has no '" + JOB + "' attachment (it was not written by 'ple train')", null));
        String columnsJson = model.attachment(COLUMNS).orElseThrow(() -> CliException.badModel(source
                + ": the model has no '" + COLUMNS + "' attachment (it was not written by 'ple train')", null));
        FittedPipeline pipeline;
        JobConfig job;
        List<String> columns;
        try {
            pipeline = FittedPipeline.fromJson(pipelineJson, source + " attachment '" + PREPROCESSING + "'");
            job = JobJson.fromJson(jobJson, source + " attachment '" + JOB + "'");
            columns = List.of(JobJson.mapper().readValue(columnsJson, String[].class));
            pipeline.checkInputs(model.config().inputs());
        } catch (JobConfigException e) {
            throw CliException.badModel(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw CliException.badModel(source + ": inconsistent model file: " + e.getMessage(), e);
        }
        if (columns.size() != pipeline.columnCount()) {
            throw CliException.badModel(source + ": the model lists " + columns.size() + " columns but its preprocessing reads "
                    + pipeline.columnCount(), null);
        }
        if (!pipeline.taskNames().equals(model.signature().tasks())) {
            throw CliException.badModel(source + ": the preprocessing's tasks " + pipeline.taskNames()
                    + " are not the model's " + model.signature().tasks(), null);
        }
        return new LoadedModel(model, pipeline, job, columns);
    }

    /**
     * Loads a bundle, mapping every failure to a clear CLI error: a missing file to an I/O error, anything that is
     * wrong with the content (including unexpected exceptions while checking it) to a bad model file.
     */
    static PleModel loadModel(Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.io("cannot read model " + file + ": it is a directory", null);
        }
        if (!Files.isRegularFile(file)) {
            throw CliException.io("cannot read model " + file + ": no such file", new NoSuchFileException(file.toString()));
        }
        try {
            PleModel m = PleModel.load(file);
            try {
                checkFinite(m, file);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
            return m;
        } catch (MalformedModelException e) {
            throw CliException.badModel("bad model file: " + oneLine(e.getMessage()), e);
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw CliException.io("cannot read model " + file + ": no such file", e);
        } catch (IOException e) {
            throw CliException.io("cannot read model " + file + ": " + oneLine(String.valueOf(e.getMessage())), e);
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw CliException.badModel("bad model file: " + file + ": " + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** A parameter that is NaN or infinite would make every prediction garbage: such a file is refused. */
    private static void checkFinite(PleModel m, Path file) {
        for (java.util.Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : m.parameters().entrySet()) {
            org.nd4j.linalg.api.ndarray.INDArray a = e.getValue();
            boolean bad = a.isNaN().any() || a.isInfinite().any();
            a.close();
            if (bad) {
                throw CliException.badModel("bad model file: " + file + ": parameter '" + e.getKey()
                        + "' has NaN or infinite values", null);
            }
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public void close() {
        model.close();
    }
}
