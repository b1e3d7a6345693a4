package io.github.ple4j.cli;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.onnx.OnnxExport;
import io.github.ple4j.model.onnx.OnnxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ple export}: a model file as an ONNX model for serving. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a model's inference graph as an ONNX model (opset " + OnnxExport.OPSET + ") for ONNX Runtime, "
                + "Triton or any ONNX runtime. Inputs are named as the model's feature arrays (input/dense float [batch, F], "
                + "input/categorical int64 [batch, C], input/bag/<field> int64 [batch, L] padded with -1); outputs are "
                + "prediction/<task> [batch, 1] and, with --weights, score. The fitted preprocessing (vocabularies, hash "
                + "buckets, scaling) and the job travel in the model's metadata as ple4j.attachment.preprocessing and "
                + "ple4j.attachment.job."},
        footer = {"", "Example:", "  ple export --model model.ple --onnx model.onnx --weights click=1,like=0.5", "",
                ExitCodes.HELP})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    PleCli root;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model or checkpoint file.")
    Path model;
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The .onnx file to write (replaced "
            + "atomically; external data, if any, goes to FILE.data beside it).")
    Path onnx;
    @Option(names = "--weights", split = ",", paramLabel = "TASK=W",
            description = "Also output the fused ranking score (Eq. 1) with these exponents for binary tasks, as predict's "
                    + "--weights; tasks not named are left out of the product.")
    Map<String, Double> weights;
    @Option(names = "--external-data-from", paramLabel = "BYTES",
            description = "Write every tensor of at least BYTES bytes to FILE.data. Default: only when the parameters "
                    + "would not fit protobuf's 2 GiB limit.")
    Long externalFrom;

    @Override
    public Integer call() {
        PrintWriter out = root.spec.commandLine().getOut();
        if (externalFrom != null && externalFrom < 0) {
            throw CliException.usage("--external-data-from must be >= 0 bytes but was " + externalFrom);
        }
        try (PleModel m = LoadedModel.loadModel(model)) {
            Map<String, Double> checked = PredictCommand.checkWeights(m, weights);
            OnnxOptions options = OnnxOptions.defaults();
            if (checked != null) {
                Map<String, Double> all = new LinkedHashMap<>();
                m.signature().tasks().forEach(t -> all.put(t, checked.getOrDefault(t, 0.0)));
                options = options.withScore(all);
            }
            if (externalFrom != null) {
                options = options.withExternalDataFrom(externalFrom);
            }
            OnnxExport.Written w;
            try {
                w = m.exportOnnx(onnx, options);
            } catch (IOException e) {
                throw CliException.io("cannot write " + onnx + ": " + e, e);
            }
            List<String> outputs = new ArrayList<>(m.signature().predictionOutputs());
            if (checked != null) {
                outputs.add(OnnxExport.SCORE);
            }
            out.printf(Locale.ROOT, "wrote %s (%,d bytes%s): inputs %s, outputs %s%n", w.model(), w.modelBytes(),
                    w.externalData() == null ? "" : String.format(Locale.ROOT, ", external data %s %,d bytes",
                            w.externalData(), w.externalBytes()), m.signature().featureInputs(), outputs);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
