package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.datavec.datasets.CensusData;
import io.github.ple4j.model.config.ConfigJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The census report's part for one protocol: the table, tuned configs, paired differences, JSON and chart. */
final class CensusReport {
    private CensusReport() {
    }

    static void protocol(List<String> md, ObjectNode json, String protocol, CensusData census, CensusCommand cmd,
                         List<CensusCommand.ModelRun> runs) {
        json.put("protocol", protocol);
        json.put("inputWidth", census.inputSpec().width());
        json.put("trainRows", census.trainRows());
        json.put("validRows", census.validRows());
        json.put("testRows", census.testRows());
        md.add("");
        md.add("## Protocol: " + protocol);
        md.add("");
        md.add("Train " + census.trainRows() + " rows, validation " + census.validRows() + ", test " + census.testRows() + "; "
                + cmd.settings(census) + (runs.stream().anyMatch(r -> r.tuned() != null) ? "; tuned configs below" : "")
                + ".");
        md.add("");
        md.add("| model | params | income AUC mean ± std (best) | marital AUC mean ± std (best) | gain income | gain marital "
                + "| paper income | paper marital | epochs | minutes |");
        md.add("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        ArrayNode models = json.putArray("models");
        for (CensusCommand.ModelRun r : runs) {
            double[] inc = CensusCommand.column(r.auc(), 0);
            double[] mar = CensusCommand.column(r.auc(), 1);
            double g1 = CensusCommand.gain(runs, r, 0);
            double g2 = CensusCommand.gain(runs, r, 1);
            double[] paper = CensusCommand.PAPER.get(r.model());
            String line = String.format(Locale.ROOT,
                    "| %s | %,d | %.4f ± %.4f (%.4f) | %.4f ± %.4f (%.4f) | %s | %s | %s | %s | %.1f | %.1f |",
                    r.model(), r.params(), CensusCommand.mean(inc), CensusCommand.std(inc), Summary.of(inc).max(),
                    CensusCommand.mean(mar), CensusCommand.std(mar), Summary.of(mar).max(), SyntheticCommand.gain(g1),
                    SyntheticCommand.gain(g2), paper == null ? "-" : String.format(Locale.ROOT, "%.4f", paper[0]),
                    paper == null ? "-" : String.format(Locale.ROOT, "%.4f", paper[1]), r.epochs(), r.minutes());
            md.add(line);
            System.out.println(line);
            ObjectNode m = models.addObject();
            m.put("model", r.model());
            m.put("params", r.params());
            m.put("incomeMean", CensusCommand.mean(inc));
            m.put("incomeStd", CensusCommand.std(inc));
            m.put("maritalMean", CensusCommand.mean(mar));
            m.put("maritalStd", CensusCommand.std(mar));
            number(m, "gainIncome", g1);
            number(m, "gainMarital", g2);
            m.set("config", ConfigJson.mapper().valueToTree(r.config()));
            if (r.tuned() != null) {
                m.set("tuned", ConfigJson.mapper().valueToTree(r.tuned()));
            }
        }
        List<String> tunedLines = new ArrayList<>();
        for (CensusCommand.ModelRun r : runs) {
            if (r.tuned() != null) {
                tunedLines.add("- " + r.model() + ": " + r.tuned());
            }
        }
        if (!tunedLines.isEmpty()) {
            md.add("");
            md.add("Tuned on the validation split (the values each model used; structure values that would change a "
                    + "baseline's architecture are not applied to it):");
            md.add("");
            md.addAll(tunedLines);
        }
        paired(md, json.putArray("paired"), runs);
    }

    /** PLE minus MMoE and minus single-task on income, seed by seed (the same seeds train every model). */
    private static void paired(List<String> md, ArrayNode json, List<CensusCommand.ModelRun> runs) {
        CensusCommand.ModelRun ple = find(runs, "PLE");
        if (ple == null || ple.auc().length < 2) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (String other : List.of("MMoE", "single-task")) {
            CensusCommand.ModelRun o = find(runs, other);
            if (o == null) {
                continue;
            }
            double[] d = new double[ple.auc().length];
            List<String> per = new ArrayList<>();
            for (int s = 0; s < d.length; s++) {
                d[s] = ple.auc()[s][0] - o.auc()[s][0];
                per.add(String.format(Locale.ROOT, "%+.4f", d[s]));
            }
            double mean = CensusCommand.mean(d);
            double seedStd = Math.max(CensusCommand.std(CensusCommand.column(ple.auc(), 0)),
                    CensusCommand.std(CensusCommand.column(o.auc(), 0)));
            boolean ahead = mean > seedStd;
            lines.add(String.format(Locale.ROOT, "| PLE - %s | %+.4f ± %.4f | %s | %.4f | %s |", other, mean,
                    CensusCommand.std(d), String.join(", ", per), seedStd, ahead ? "yes" : "no"));
            ObjectNode j = json.addObject();
            j.put("comparison", "PLE - " + other);
            j.put("task", "income");
            j.put("meanDifference", mean);
            j.put("stdDifference", CensusCommand.std(d));
            ArrayNode a = j.putArray("perSeed");
            for (double v : d) {
                a.add(v);
            }
            j.put("largerSeedStd", seedStd);
            j.put("aheadByMoreThanSeedStd", ahead);
        }
        if (!lines.isEmpty()) {
            md.add("");
            md.add("| income, paired by seed | difference mean ± std | per seed | larger seed std of the two | "
                    + "ahead by more than it |");
            md.add("| --- | --- | --- | ---: | --- |");
            md.addAll(lines);
        }
    }

    private static CensusCommand.ModelRun find(List<CensusCommand.ModelRun> runs, String name) {
        return runs.stream().filter(r -> r.model().equals(name)).findFirst().orElse(null);
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    /** The seesaw chart of a protocol: census-seesaw.png for one-hot, census-seesaw-PROTOCOL.png otherwise. */
    static void chart(Path dir, String protocol, List<CensusCommand.ModelRun> runs) throws IOException {
        List<Charts.Point> points = new ArrayList<>();
        for (CensusCommand.ModelRun r : runs) {
            points.add(new Charts.Point(r.model(), CensusCommand.mean(CensusCommand.column(r.auc(), 0)),
                    CensusCommand.mean(CensusCommand.column(r.auc(), 1))));
        }
        String name = protocol.equals("one-hot") ? "census-seesaw.png" : "census-seesaw-" + protocol + ".png";
        Path png = Charts.writePng(Charts.seesaw("Census-income (" + protocol + "): test AUC (mean over seeds)", "income AUC",
                "marital AUC", points), dir.resolve(name));
        System.out.println("wrote " + png);
    }
}
