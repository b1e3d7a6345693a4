package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.model.config.ConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code tune.json} and the Markdown leaderboard {@code tune.md} of a search, written atomically. */
final class TuneReport {
    private TuneReport() {
    }

    static void write(Path dir, Tuner.Settings s, SearchSpace space, Tuner.Result r) throws IOException {
        ObjectNode json = ConfigJson.mapper().createObjectNode();
        ObjectNode st = json.putObject("settings");
        st.put("strategy", s.strategy().name().toLowerCase(Locale.ROOT));
        st.put("trials", s.trials());
        st.put("eta", s.eta());
        st.put("minEpochs", s.minEpochs());
        st.put("maxEpochs", s.maxEpochs());
        st.put("seeds", s.seeds());
        st.put("seed", s.seed());
        st.put("minutes", s.minutes());
        st.put("objective", s.objective());
        st.put("higherIsBetter", s.higherIsBetter());
        ArrayNode re = st.putArray("rungEpochs");
        s.rungEpochs().forEach(re::add);
        ArrayNode rs = st.putArray("rungSizes");
        s.rungSizes().forEach(rs::add);
        json.set("space", space.toJson());
        json.put("evaluations", r.evaluations());
        json.put("budgetExhausted", r.budgetExhausted());
        ArrayNode board = json.putArray("leaderboard");
        for (Tuner.Entry e : r.leaderboard()) {
            ObjectNode o = board.addObject();
            o.put("trial", e.trial());
            o.put("rung", e.rung());
            o.put("epochs", e.epochs());
            o.put("mean", e.mean());
            o.put("std", e.std());
            ArrayNode ps = o.putArray("perSeed");
            for (double v : e.perSeed()) {
                ps.add(v);
            }
            ObjectNode p = o.putObject("params");
            e.params().forEach(p::set);
        }
        List<String> md = new ArrayList<>();
        md.add("# Tuning leaderboard: " + s.objective() + " (" + (s.higherIsBetter() ? "higher" : "lower") + " is better)");
        md.add("");
        md.add(String.format(Locale.ROOT, "%s search, %d trial(s), rungs of %s epochs with %s trial(s), %d seed(s) per "
                        + "evaluation%s; %d evaluation(s)%s.", s.strategy().name().toLowerCase(Locale.ROOT), s.trials(),
                s.rungEpochs(), s.rungSizes(), s.seeds(), s.minutes() > 0 ? ", budget " + s.minutes() + " minutes" : "",
                r.evaluations(), r.budgetExhausted() ? " (the budget ran out first)" : ""));
        md.add("");
        md.add("| rank | trial | epochs | " + s.objective() + " mean ± std | per seed | parameters |");
        md.add("| ---: | ---: | ---: | --- | --- | --- |");
        int rank = 1;
        for (Tuner.Entry e : r.leaderboard()) {
            List<String> seeds = new ArrayList<>();
            for (double v : e.perSeed()) {
                seeds.add(String.format(Locale.ROOT, "%.5f", v));
            }
            md.add(String.format(Locale.ROOT, "| %d | %d | %d | %.5f ± %.5f | %s | %s |", rank++, e.trial(), e.epochs(),
                    e.mean(), e.std(), String.join(", ", seeds), e.params().toString().replace("|", "\\|")));
        }
        md.add("");
        md.add("Search space: " + space.toJson());
        writeAtomically(dir.resolve("tune.json"), ConfigJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(json));
        writeAtomically(dir.resolve("tune.md"), String.join("\n", md) + "\n");
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
