/**
 * Export of a trained model's inference graph to ONNX ({@link io.github.ple4j.model.onnx.OnnxExport}), for serving
 * in ONNX Runtime, Triton or any other ONNX runtime.
 */
package io.github.ple4j.model.onnx;
