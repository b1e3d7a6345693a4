package io.github.ple4j.model.onnx;

import io.github.ple4j.model.Versions;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a model's inference graph as an ONNX model (IR version 7, opset {@value #OPSET}), built with ONNX's own
 * protobuf classes (the ones ND4J ships in {@code nd4j-api}).
 *
 * <p>The model reads the inputs of {@link io.github.ple4j.model.graph.GraphSignature#featureInputs()}, by the same
 * names: {@code input/dense} float [batch, F], {@code input/categorical} int64 [batch, C] and one
 * {@code input/bag/<field>} int64 [batch, L] per bag field (each row's ids, then -1 up to L). It outputs
 * {@code prediction/<task>} float [batch, 1] per task (the probability of a binary task, the value of a regression
 * task) and, with {@link OnnxOptions#withScore}, {@value #SCORE} [batch, 1]. Parameters are float32 initializers.
 *
 * <p>Metadata ({@code metadata_props}): {@value #META_TASKS} (task names, comma-separated, in output order),
 * {@value #META_INPUTS} (input names in feed order), {@value #META_CONFIG} (the model config as JSON),
 * {@value #META_SCORE} (the score weights) and {@value #META_ATTACHMENT}{@code <name>} for each document attached
 * to the model: a model trained by {@code ple train} carries its fitted preprocessing (vocabularies, hash buckets,
 * standardisation) there, so a serving side can encode raw rows as training did.
 *
 * <p>Files are written to temporary names beside the target and moved into place at the end: a failed export leaves
 * an existing model file as it was.
 */
public final class OnnxExport {
    /** The opset the graph is written for. */
    public static final int OPSET = 13;
    /** IR version of the model file (ONNX 1.7+). */
    public static final int IR_VERSION = 7;
    /** Output name of the fused ranking score. */
    public static final String SCORE = "score";
    public static final String META_TASKS = "ple4j.tasks";
    public static final String META_INPUTS = "ple4j.inputs";
    public static final String META_CONFIG = "ple4j.config";
    public static final String META_SCORE = "ple4j.score.weights";
    public static final String META_ATTACHMENT = "ple4j.attachment.";
    /** With {@link OnnxOptions#AUTOMATIC}, parameters above this total go to external data (protobuf's limit is 2 GiB). */
    static final long AUTOMATIC_LIMIT = 1L << 30;
    /** With {@link OnnxOptions#AUTOMATIC} above {@link #AUTOMATIC_LIMIT}: tensors of this size or more go external. */
    static final long AUTOMATIC_FROM = 1L << 20;

    private OnnxExport() {
    }

    /**
     * What an export wrote.
     *
     * @param model        the model file
     * @param modelBytes   its size
     * @param externalData the external data file, or null when every tensor is inside the model
     * @param externalBytes its size (0 without one)
     */
    public record Written(Path model, long modelBytes, Path externalData, long externalBytes) {
    }

    /**
     * Writes the model.
     *
     * @param config      the model's config
     * @param parameters  its parameters by graph name (any floating-point type; written as float32)
     * @param attachments documents stored as {@value #META_ATTACHMENT}{@code <name>} metadata
     * @param file        the .onnx file; external data, if any, goes to {@code <file name>.data} beside it
     * @return the files written
     */
    public static Written write(PleConfig config, Map<String, INDArray> parameters, Map<String, String> attachments,
                                Path file, OnnxOptions options) throws IOException {
        List<String> taskNames = config.tasks().stream().map(TaskSpec::name).toList();
        checkScoreWeights(taskNames, options.scoreWeights());
        Path target = file.toAbsolutePath();
        String dataName = target.getFileName() + ".data";
        long total = parameters.values().stream().mapToLong(a -> 4 * a.length()).sum();
        OnnxTensors tensors = new OnnxTensors(externalFrom(total, options), dataName);
        OnnxGraph g = new OnnxGraph("ple4j", tensors);
        List<String> predictions = OnnxNetwork.define(config, parameters, g);
        if (!options.scoreWeights().isEmpty()) {
            score(g, taskNames, predictions, options.scoreWeights());
        }
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .setProducerName("ple4j").setProducerVersion(Versions.LIBRARY).setDomain("io.github.ple4j")
                .setModelVersion(1).setDocString("PLE-family multi-task model (" + config.architecture() + ") exported by PLE4J")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g.proto());
        meta(model, META_TASKS, String.join(",", taskNames));
        meta(model, META_INPUTS, String.join(",", g.inputNames()));
        meta(model, META_CONFIG, ConfigJson.toJson(config));
        if (!options.scoreWeights().isEmpty()) {
            List<String> w = new ArrayList<>();
            taskNames.forEach(t -> w.add(t + "=" + options.scoreWeights().get(t)));
            meta(model, META_SCORE, String.join(",", w));
        }
        attachments.forEach((name, json) -> meta(model, META_ATTACHMENT + name, json));
        Path data = target.resolveSibling(dataName);
        writeFiles(model.build(), tensors, target, data);
        return tensors.hasExternal() ? new Written(file, Files.size(target), file.resolveSibling(dataName), Files.size(data))
                : new Written(file, Files.size(target), null, 0);
    }

    private static void checkScoreWeights(List<String> tasks, Map<String, Double> weights) {
        if (weights.isEmpty()) {
            return;
        }
        for (String t : tasks) {
            if (!weights.containsKey(t)) {
                throw new IllegalArgumentException("score weights: no weight for task '" + t + "'; weights were given for "
                        + new TreeSet<>(weights.keySet()) + " (every task needs one; 0 leaves it out of the product)");
            }
        }
        for (String t : new TreeSet<>(weights.keySet())) {
            if (!tasks.contains(t)) {
                throw new IllegalArgumentException("score weights: weight given for unknown task '" + t + "'; tasks are "
                        + tasks);
            }
        }
    }

    /** The size from which tensors go to external data, for parameters of {@code totalBytes} float32 bytes. */
    static long externalFrom(long totalBytes, OnnxOptions options) {
        if (options.externalDataThreshold() != OnnxOptions.AUTOMATIC) {
            return options.externalDataThreshold();
        }
        return totalBytes > AUTOMATIC_LIMIT ? AUTOMATIC_FROM : Long.MAX_VALUE;
    }

    /** score = prod_k p_k^w_k over the tasks with w_k > 0 (0^0 = 1, so the others are left out). */
    private static void score(OnnxGraph g, List<String> tasks, List<String> predictions, Map<String, Double> weights) {
        String product = null;
        for (int k = 0; k < tasks.size(); k++) {
            double w = weights.get(tasks.get(k));
            if (w == 0 && !(product == null && k == tasks.size() - 1)) {
                continue;
            }
            String term = w == 1 ? predictions.get(k)
                    : g.node("Pow", List.of(predictions.get(k), g.floatScalar((float) w)));
            product = product == null ? term : g.node("Mul", List.of(product, term));
        }
        g.node("Identity", SCORE, List.of(product));
        g.output(OnnxGraph.valueInfo(SCORE, Onnx.TensorProto.DataType.FLOAT_VALUE, OnnxNetwork.BATCH, 1));
    }

    private static void meta(Onnx.ModelProto.Builder model, String key, String value) {
        model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static void writeFiles(Onnx.ModelProto model, OnnxTensors tensors, Path target, Path data)
            throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmpModel = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        Path tmpData = tensors.hasExternal() ? Files.createTempFile(dir, "." + data.getFileName(), ".tmp") : null;
        try {
            if (tmpData != null) {
                try (FileChannel ch = FileChannel.open(tmpData, StandardOpenOption.WRITE)) {
                    tensors.writeExternal(ch);
                    ch.force(true);
                }
            }
            try (OutputStream out = Files.newOutputStream(tmpModel)) {
                model.writeTo(out);
            }
            if (tmpData != null) {
                move(tmpData, data);
            }
            move(tmpModel, target);
        } finally {
            Files.deleteIfExists(tmpModel);
            if (tmpData != null) {
                Files.deleteIfExists(tmpData);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
