package io.github.ple4j.cli;

import io.github.ple4j.datavec.InvalidDataException;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import io.github.ple4j.model.eval.RankingScore;
import org.datavec.api.writable.Writable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ple predict}: per-task scores (and the fused ranking score) for every row of a CSV file. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a CSV file: one output row per input row with the input's line number, any --keep columns, "
                + "one column per task (probability for binary tasks, value for regression tasks) and, with --weights, "
                + "the fused ranking score of the PLE paper's Eq. 1: score = prod_k p_k^w_k over the weighted binary tasks.",
                "With a header, columns are found by name (label columns may be absent, extra columns are ignored); "
                        + "without one, rows have the training layout.",
                "A bad row (wrong number of fields, a number that is not a finite number, NaN, ...) is reported with its "
                        + "line and column. Without --skip-bad-rows any bad row fails the command (exit code 3) and no "
                        + "output is written; with it, bad rows go to the reject file and the rest is scored. The output "
                        + "is written to a temporary file and renamed: it is complete or absent."},
        footer = {"", "Example:", "  ple predict --model model.ple --data new.csv --out preds.csv --weights click=1,like=0.5 "
                + "--skip-bad-rows", "", ExitCodes.HELP})
final class PredictCommand implements Callable<Integer> {
    /** Bad rows printed on stderr before the summary. */
    static final int SHOWN_ERRORS = 10;
    /** Without --skip-bad-rows, reading stops after this many bad rows. */
    static final int MAX_ERRORS = 100;

    @ParentCommand
    PleCli root;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'ple train'.")
    Path model;
    @Option(names = "--data", required = true, paramLabel = "CSV",
            description = "Rows to score: a .csv or .csv.gz file, a directory of part files, or a glob (then the output's "
                    + "first column 'part' names each row's part file).")
    Path data;
    @Option(names = "--out", required = true, paramLabel = "CSV", description = "Predictions file (replaced atomically).")
    Path out;
    @Option(names = "--weights", split = ",", paramLabel = "TASK=W",
            description = "Exponents of the fused ranking score (Eq. 1), for binary tasks, e.g. click=1,like=0.5.")
    Map<String, Double> weights;
    @Option(names = "--keep", split = ",", paramLabel = "COLUMN", description = "Input columns to copy to the output (e.g. an id).")
    List<String> keep;
    @Option(names = "--skip-bad-rows", description = "Write bad rows to the reject file instead of failing.")
    boolean skipBadRows;
    @Option(names = "--rejects", paramLabel = "CSV", description = "Reject file for --skip-bad-rows. Default: OUT.rejects.csv.")
    Path rejects;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1024", description = "Rows per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    /** A bad row: its part (index in the part list), line, text and the error naming both. */
    private record Bad(int part, long line, String text, String error) {
    }

    /** The part file being read. */
    private Path current;
    private int part;
    private boolean sharded;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw CliException.usage("--batch-size must be >= 1 but was " + batchSize);
        }
        if (rejects != null && !skipBadRows) {
            throw CliException.usage("--rejects needs --skip-bad-rows");
        }
        Path rejectFile = rejects != null ? rejects : out.resolveSibling(out.getFileName() + ".rejects.csv");
        for (Path in : new Path[]{data, model}) {
            if (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())
                    || rejectFile.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                throw CliException.usage("--out and the reject file must not be an input file (" + in + ")");
            }
        }
        root.applyThreads();
        PrintWriter err = root.spec.commandLine().getErr();
        PrintWriter stdout = root.spec.commandLine().getOut();
        try (LoadedModel m = LoadedModel.load(model)) {
            Scorer scorer = new Scorer(m.model(), m.pipeline());
            Map<String, Double> fused = checkWeights(m);
            boolean doubles = m.model().config().dataType() == ModelDataType.DOUBLE;
            List<Bad> bad = new ArrayList<>();
            long written = 0;
            long rows = 0;
            List<Path> shards = CsvFiles.shards(data);
            sharded = shards.size() > 1;
            try (AtomicOutput output = new AtomicOutput(out)) {
                Writer w = output.writer();
                header(w, scorer.tasks(), fused);
                for (part = 0; part < shards.size() && (skipBadRows || bad.size() < MAX_ERRORS); part++) {
                    current = shards.get(part);
                    try (CsvRows in = new CsvRows(current, m.job().csv(), m.columns())) {
                        int[] keepIndex = keepColumns(in);
                        List<CsvRows.Row> pending = new ArrayList<>(batchSize);
                        CsvRows.Row row;
                        while ((row = in.next()) != null) {
                            rows++;
                            if (!row.ok()) {
                                bad.add(new Bad(part, row.line(), row.text(), current + ", line " + row.line() + ": "
                                        + row.error()));
                            } else {
                                pending.add(row);
                            }
                            if (pending.size() == batchSize) {
                                written += score(scorer, pending, keepIndex, fused, doubles, w, bad);
                                pending.clear();
                            }
                            if (!skipBadRows && bad.size() >= MAX_ERRORS) {
                                break;
                            }
                        }
                        if (!pending.isEmpty()) {
                            written += score(scorer, pending, keepIndex, fused, doubles, w, bad);
                        }
                    }
                }
                bad.sort(java.util.Comparator.comparingInt(Bad::part).thenComparingLong(Bad::line));
                if (!bad.isEmpty() && !skipBadRows) {
                    for (int i = 0; i < Math.min(SHOWN_ERRORS, bad.size()); i++) {
                        err.println(bad.get(i).error());
                    }
                    throw CliException.badData(bad.size() + (bad.size() >= MAX_ERRORS ? "+" : "") + " bad row(s) in " + data
                            + (bad.size() > SHOWN_ERRORS ? " (the first " + SHOWN_ERRORS + " are listed above)" : "")
                            + "; no output written; --skip-bad-rows writes them to a reject file and scores the rest", null);
                }
                if (skipBadRows) {
                    writeRejects(rejectFile, bad);
                }
                output.commit();
            }
            stdout.printf(Locale.ROOT, "wrote %,d prediction(s) to %s%s%n", written, out,
                    skipBadRows ? String.format(Locale.ROOT, "; %,d bad row(s) of %,d written to %s", bad.size(), rows, rejectFile) : "");
            if (skipBadRows && !bad.isEmpty()) {
                for (int i = 0; i < Math.min(SHOWN_ERRORS, bad.size()); i++) {
                    err.println("skipped: " + bad.get(i).error());
                }
                if (bad.size() > SHOWN_ERRORS) {
                    err.println("skipped " + (bad.size() - SHOWN_ERRORS) + " more bad row(s); see " + rejectFile);
                }
            }
            stdout.flush();
            err.flush();
        }
        return ExitCodes.OK;
    }

    private Map<String, Double> checkWeights(LoadedModel m) {
        return checkWeights(m.model(), weights);
    }

    /** The fused score's weights checked against the model's tasks (binary tasks, finite, >= 0); null for none. */
    static Map<String, Double> checkWeights(PleModel model, Map<String, Double> weights) {
        if (weights == null || weights.isEmpty()) {
            return null;
        }
        Map<String, Double> w = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            TaskSpec t = model.config().tasks().stream().filter(x -> x.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> CliException.usage("--weights names the task '" + e.getKey() + "' but the model's tasks are "
                            + model.signature().tasks()));
            if (t.type() != TaskType.BINARY) {
                throw CliException.usage("--weights: task '" + t.name() + "' is " + t.type()
                        + "; the fused score multiplies probabilities of binary tasks");
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue()) || e.getValue() < 0) {
                throw CliException.usage("--weights: the weight of '" + e.getKey() + "' must be a finite number >= 0 but was "
                        + e.getValue());
            }
            w.put(e.getKey(), e.getValue());
        }
        return w;
    }

    private int[] keepColumns(CsvRows in) {
        if (keep == null) {
            return new int[0];
        }
        int[] idx = new int[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            idx[i] = in.fileIndex(keep.get(i));
            if (idx[i] < 0) {
                throw CliException.usage("--keep names the column '" + keep.get(i) + "' but " + current + " has no such column");
            }
        }
        return idx;
    }

    private void header(Writer w, List<String> tasks, Map<String, Double> fused) throws IOException {
        List<String> cols = new ArrayList<>();
        if (sharded) {
            cols.add("part");
        }
        cols.add("line");
        if (keep != null) {
            cols.addAll(keep);
        }
        cols.addAll(tasks);
        if (fused != null) {
            cols.add("score");
        }
        w.write(csvLine(cols));
    }

    /** Scores the rows; rows the preprocessing rejects are added to {@code bad}. Returns the rows written. */
    private int score(Scorer scorer, List<CsvRows.Row> rows, int[] keepIndex, Map<String, Double> fused, boolean doubles,
                      Writer w, List<Bad> bad) throws IOException {
        List<CsvRows.Row> good = rows;
        List<List<Writable>> records = new ArrayList<>(rows.size());
        rows.forEach(r -> records.add(r.record()));
        org.nd4j.linalg.api.ndarray.INDArray[] features;
        try {
            features = scorer.features(records);
        } catch (InvalidDataException e) {
            // Find every bad row of the batch, one by one.
            good = new ArrayList<>();
            records.clear();
            for (CsvRows.Row r : rows) {
                try {
                    scorer.features(List.of(r.record()));
                    good.add(r);
                    records.add(r.record());
                } catch (InvalidDataException one) {
                    bad.add(new Bad(part, r.line(), r.text(), describe(one, r.line())));
                }
            }
            if (good.isEmpty() || (!skipBadRows)) {
                return 0;
            }
            features = scorer.features(records);
        }
        if (!bad.isEmpty() && !skipBadRows) {
            return 0; // failing anyway: no need to predict
        }
        double[][] scores = scorer.score(features);
        int[] keepRows = finiteRows(scores, scorer.tasks(), good, bad);
        if (keepRows.length < good.size()) {
            if (!skipBadRows) {
                return 0;
            }
            List<CsvRows.Row> finite = new ArrayList<>();
            for (int i : keepRows) {
                finite.add(good.get(i));
            }
            double[][] kept = new double[scores.length][keepRows.length];
            for (int k = 0; k < scores.length; k++) {
                for (int j = 0; j < keepRows.length; j++) {
                    kept[k][j] = scores[k][keepRows[j]];
                }
            }
            good = finite;
            scores = kept;
        }
        double[] fusedScores = null;
        if (fused != null) {
            Map<String, double[]> probs = new LinkedHashMap<>();
            for (String t : fused.keySet()) {
                probs.put(t, scores[scorer.tasks().indexOf(t)]);
            }
            fusedScores = RankingScore.fuse(probs, fused, null);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < good.size(); i++) {
            CsvRows.Row r = good.get(i);
            List<String> cells = new ArrayList<>();
            if (sharded) {
                cells.add(current.getFileName().toString());
            }
            cells.add(Long.toString(r.line()));
            for (int k : keepIndex) {
                cells.add(CsvRows.field(r, k));
            }
            for (double[] s : scores) {
                cells.add(doubles ? Double.toString(s[i]) : Float.toString((float) s[i]));
            }
            if (fusedScores != null) {
                cells.add(Double.toString(fusedScores[i]));
            }
            sb.append(csvLine(cells));
        }
        w.write(sb.toString());
        return good.size();
    }

    /**
     * Rows whose scores are all finite; the others (an input far outside the training range can overflow) are added
     * to {@code bad}: a NaN or infinite score is never written.
     */
    private int[] finiteRows(double[][] scores, List<String> tasks, List<CsvRows.Row> rows, List<Bad> bad) {
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String task = null;
            for (int k = 0; k < scores.length && task == null; k++) {
                if (!Double.isFinite(scores[k][i])) {
                    task = "task '" + tasks.get(k) + "' (" + scores[k][i] + ")";
                }
            }
            if (task == null) {
                ok.add(i);
            } else {
                bad.add(new Bad(part, rows.get(i).line(), rows.get(i).text(), current + ", line " + rows.get(i).line()
                        + ": the model's score for " + task + " is not finite (an input far outside the training range?)"));
            }
        }
        return ok.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The error of a single-record batch, with the record number replaced by the file and line. */
    private String describe(InvalidDataException e, long line) {
        String column = e.column() >= 0 ? ", column " + (e.columnName() != null ? "'" + e.columnName() + "'" : e.column() + 1) : "";
        return current + ", line " + line + column + ": " + e.detail();
    }

    private void writeRejects(Path file, List<Bad> bad) {
        try (AtomicOutput o = new AtomicOutput(file)) {
            Writer w = o.writer();
            w.write(csvLine(List.of("line", "error", "row")));
            for (Bad b : bad) {
                w.write(csvLine(List.of(Long.toString(b.line()), b.error(), b.text())));
            }
            o.commit();
        } catch (IOException e) {
            throw CliException.io("cannot write " + file + ": " + e, e);
        }
    }

    /** One CSV line, quoting fields that need it. */
    static String csvLine(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0
                    || (!c.isEmpty() && (Character.isWhitespace(c.charAt(0)) || Character.isWhitespace(c.charAt(c.length() - 1))))) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        return sb.append('\n').toString();
    }
}
