package io.github.ple4j.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs exported models in ONNX Runtime (CPU) and in ONNX's own checker, for the export tests. */
public final class OnnxRuntimeSupport {
    private OnnxRuntimeSupport() {
    }

    /**
     * Runs the model on the feature arrays (in {@code inputs} order; dense as float, ids as int64) and returns every
     * output as a flat float array, by output name.
     */
    public static Map<String, float[]> run(Path model, List<String> inputs, INDArray... features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), opts)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (int i = 0; i < inputs.size(); i++) {
                        feed.put(inputs.get(i), tensor(env, inputs.get(i), features[i]));
                    }
                    Map<String, float[]> out = new LinkedHashMap<>();
                    try (OrtSession.Result r = session.run(feed)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] v = new float[b.remaining()];
                            b.get(v);
                            out.put(e.getKey(), v);
                        }
                    }
                    return out;
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    static OnnxTensor tensor(OrtEnvironment env, String name, INDArray a) throws OrtException {
        if (name.equals("input/dense")) {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(a.castTo(DataType.FLOAT).dup('c').data().asFloat()),
                    a.shape());
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(a.castTo(DataType.INT64).dup('c').data().asLong()),
                a.shape());
    }

    /**
     * ONNX's checker with full shape inference ({@code onnx.checker.check_model(path, full_check=True)}, Debian's
     * python3-onnx); returns its output, throws with the output when the model fails or the checker is missing.
     */
    public static String check(Path model) throws IOException, InterruptedException {
        // Debian's python3-onnx lives under the system interpreter, which a user's PATH may shadow
        String python = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, "-c",
                "import sys, onnx\nonnx.checker.check_model(sys.argv[1], full_check=True)\n"
                        + "print('onnx', onnx.__version__, 'checker: ok')", model.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new AssertionError("ONNX checker failed on " + model.getFileName() + " (exit " + rc + "; it needs "
                    + "python3 with the onnx package, Debian's python3-onnx, which .ci/run installs):\n" + out);
        }
        return out;
    }
}
