package io.github.ple4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.io.Manifest;
import io.github.ple4j.model.io.ModelBundle;
import io.github.ple4j.model.train.FitState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** {@code ple inspect}: what a model file holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a model file: format version and the versions that wrote it, architecture, tasks, inputs, "
                + "parameter counts by block, training counters, attachments and the model config (JSON). The file is "
                + "fully checked first (as predict would load it); a corrupt or foreign file fails with exit code 4."},
        footer = {"", "Example:", "  ple inspect --model model.ple", "", ExitCodes.HELP})
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    PleCli root;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model or checkpoint file.")
    Path model;
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = root.spec.commandLine().getOut();
        try (PleModel m = LoadedModel.loadModel(model)) {
            Manifest manifest = manifest(model);
            PleConfig c = m.config();
            Map<String, Long> blocks = blocks(manifest);
            Map<String, String> attachments = new LinkedHashMap<>();
            for (String a : new String[]{LoadedModel.PREPROCESSING, LoadedModel.JOB, LoadedModel.COLUMNS, FitState.ATTACHMENT,
                    DataFiles.ATTACHMENT}) {
                m.attachment(a).ifPresent(v -> attachments.put(a, v));
            }
            if (json) {
                ObjectNode n = JobJson.mapper().createObjectNode();
                n.put("file", model.toString());
                n.put("bytes", Files.size(model));
                n.put("format", manifest.format());
                n.put("formatVersion", manifest.formatVersion());
                n.put("libraryVersion", manifest.libraryVersion());
                n.put("nd4jVersion", manifest.nd4jVersion());
                n.put("architecture", c.architecture().toString());
                n.put("parameters", m.numParams());
                blocks.forEach(n.putObject("parameterBlocks")::put);
                n.put("epochs", manifest.epoch());
                n.put("steps", manifest.step());
                n.put("optimizerState", !manifest.updaterState().isEmpty());
                n.putArray("attachments").addAll(attachments.keySet().stream().map(n::textNode).toList());
                if (attachments.containsKey(FitState.ATTACHMENT)) {
                    try {
                        n.set("fitState", JobJson.mapper().readTree(attachments.get(FitState.ATTACHMENT)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        n.put("fitStateError", LoadedModel.oneLine(e.getOriginalMessage()));
                    }
                }
                n.set("config", JobJson.mapper().readTree(ConfigJson.toJson(c)));
                out.println(JobJson.mapper().writeValueAsString(n));
                out.flush();
                return ExitCodes.OK;
            }
            ExtractionSpec x = c.extraction();
            out.printf(Locale.ROOT, "file           %s (%,d bytes)%n", model, Files.size(model));
            out.printf(Locale.ROOT, "format         %s version %d (this build reads up to %d); written by PLE4J %s with ND4J %s%n",
                    manifest.format(), manifest.formatVersion(), ModelBundle.FORMAT_VERSION, manifest.libraryVersion(),
                    manifest.nd4jVersion());
            out.printf(Locale.ROOT, "architecture   %s: %d level(s), %d expert(s) per task, %d shared, expert layers %s, %s%n",
                    c.architecture(), x.levels(), x.expertsPerTask(), x.sharedExperts(), x.expertHidden(), x.activation());
            out.printf(Locale.ROOT, "tasks          %s%n", c.tasks().stream().map(InspectCommand::task).collect(Collectors.joining(", ")));
            out.printf(Locale.ROOT, "inputs         dense %d, categorical %s%n", c.inputs().denseSize(),
                    c.inputs().categorical().isEmpty() ? "none" : c.inputs().categorical().stream().map(InspectCommand::field)
                            .collect(Collectors.joining(", ")));
            out.printf(Locale.ROOT, "parameters     %,d%n", m.numParams());
            blocks.forEach((k, v) -> out.printf(Locale.ROOT, "  %-28s %,12d%n", k, v));
            out.printf(Locale.ROOT, "training       %d epoch(s), %d step(s), optimiser %s, its state %s%n", manifest.epoch(),
                    manifest.step(), c.training().optimizer().type(), manifest.updaterState().isEmpty() ? "not stored"
                            : "stored (resumable)");
            if (attachments.containsKey(FitState.ATTACHMENT)) {
                String state;
                try {
                    state = JobJson.mapper().readTree(attachments.get(FitState.ATTACHMENT)).toString();
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    state = "unreadable (" + LoadedModel.oneLine(e.getOriginalMessage()) + ")";
                }
                out.printf(Locale.ROOT, "run state      %s%n", state);
            }
            out.printf(Locale.ROOT, "attachments    %s%n", attachments.isEmpty() ? "none" : String.join(", ", attachments.keySet()));
            out.println("config:");
            out.println(ConfigJson.toJson(c));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String task(TaskSpec t) {
        return String.format(Locale.ROOT, "%s (%s, tower %s, weight %s)", t.name(), t.type(), t.towerHidden(), t.lossWeight());
    }

    private static String field(CategoricalField f) {
        return String.format(Locale.ROOT, "%s (vocabulary %d, embedding %d)", f.name(), f.vocabularySize(), f.embeddingDim());
    }

    /** Parameter counts by block: embedding/F, levelL/experts/G, levelL/gate/G, tower/T, loss/... */
    static Map<String, Long> blocks(Manifest m) {
        Map<String, Long> blocks = new LinkedHashMap<>();
        for (Manifest.Entry e : m.parameters()) {
            String[] parts = e.name().split("/");
            int n = parts.length;
            if (n > 1 && (parts[n - 1].equals("W") || parts[n - 1].equals("b"))) {
                n--;
            }
            int depth = parts[0].startsWith("level") ? 3 : 2;
            String key = String.join("/", Arrays.copyOf(parts, Math.min(n, depth)));
            blocks.merge(key, Arrays.stream(e.shape()).reduce(1, (a, b) -> a * b), Long::sum);
        }
        return blocks;
    }

    /** The manifest of a bundle that has already loaded (so it is a valid bundle). */
    private static Manifest manifest(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("manifest.json");
            try (InputStream in = zip.getInputStream(e)) {
                return ConfigJson.mapper().readValue(in.readAllBytes(), Manifest.class);
            }
        }
    }

}
