package io.github.ple4j.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.eval.EvaluationReport;
import io.github.ple4j.model.eval.TaskMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ple evaluate}: per-task metrics of a model on a labelled CSV file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on labelled data: per task the count of labelled rows, AUC, log loss and "
                + "accuracy (binary tasks), MSE and MAE (regression tasks) and the task's loss; printed as a table, "
                + "or as JSON with --format json, and written as JSON with --json FILE.",
                "The file has the training layout (same columns; a header, if the job has one, equal to the training header)."},
        footer = {"", "Example:", "  ple evaluate --model model.ple --data test.csv --json metrics.json", "", ExitCodes.HELP})
final class EvaluateCommand implements Callable<Integer> {
    enum Format { table, json }

    @ParentCommand
    PleCli root;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'ple train'.")
    Path model;
    @Option(names = "--data", required = true, paramLabel = "CSV",
            description = "Labelled data: a .csv or .csv.gz file, a directory of part files, or a glob.")
    Path data;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "What to print: table or json. Default: ${DEFAULT-VALUE}.")
    Format format;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON to FILE (atomically).")
    Path json;
    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per batch. Default: the job's batchSize.")
    Integer batchSize;

    @Override
    public Integer call() {
        if (batchSize != null && batchSize < 1) {
            throw CliException.usage("--batch-size must be >= 1 but was " + batchSize);
        }
        if (json != null && (json.toAbsolutePath().normalize().equals(data.toAbsolutePath().normalize())
                || json.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize()))) {
            throw CliException.usage("--json must not be an input file (" + json + ")");
        }
        root.applyThreads();
        PrintWriter out = root.spec.commandLine().getOut();
        try (LoadedModel m = LoadedModel.load(model)) {
            List<Path> shards = CsvFiles.shards(data);
            CsvFiles.checkHeader(shards, m.job().csv(), m.columns());
            int batch = batchSize != null ? batchSize : m.job().batchSize();
            EvaluationReport report;
            try (CloseableMultiDataSetIterator it = m.pipeline().iterator(CsvFiles.reader(shards, m.job().csv(), null),
                    m.model().config(), batch)) {
                report = m.model().evaluate(it);
            }
            String text = toJson(report, data);
            if (json != null) {
                AtomicOutput.write(json, text + System.lineSeparator());
            }
            out.println(format == Format.json ? text : table(report));
            out.flush();
        }
        return ExitCodes.OK;
    }

    static String table(EvaluationReport r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %-10s %9s %8s %8s %8s %10s %10s %10s%n",
                "task", "type", "count", "auc", "logloss", "accuracy", "mse", "mae", "loss"));
        for (TaskMetrics m : r.tasks().values()) {
            boolean bin = m.type() == TaskType.BINARY;
            sb.append(String.format(Locale.ROOT, "%-16s %-10s %9d %8s %8s %8s %10s %10s %10s%n", m.task(), m.type(), m.count(),
                    num(m.auc(), "%.4f"), num(m.logLoss(), "%.4f"), num(m.accuracy(), "%.4f"),
                    bin ? "-" : num(m.mse(), "%.4g"), bin ? "-" : num(m.mae(), "%.4g"),
                    num(r.taskLoss().getOrDefault(m.task(), Double.NaN), "%.4g")));
        }
        sb.append(String.format(Locale.ROOT, "total loss %.6g", r.loss()));
        return sb.toString();
    }

    private static String num(double v, String fmt) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, fmt, v);
    }

    static String toJson(EvaluationReport r, Path data) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("data", data.toString());
        putNumber(root, "loss", r.loss());
        ObjectNode tasks = root.putObject("tasks");
        for (TaskMetrics m : r.tasks().values()) {
            ObjectNode t = tasks.putObject(m.task());
            t.put("type", m.type().name());
            t.put("count", m.count());
            putNumber(t, "auc", m.auc());
            putNumber(t, "logloss", m.logLoss());
            putNumber(t, "accuracy", m.accuracy());
            putNumber(t, "mse", m.mse());
            putNumber(t, "mae", m.mae());
            putNumber(t, "loss", r.taskLoss().getOrDefault(m.task(), Double.NaN));
        }
        try {
            return JobJson.mapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** NaN (a metric that does not apply or is undefined) becomes null: JSON has no NaN. */
    private static void putNumber(ObjectNode n, String name, double v) {
        if (Double.isFinite(v)) {
            n.put(name, v);
        } else {
            n.putNull(name);
        }
    }
}
