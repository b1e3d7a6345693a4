package io.github.ple4j.model.onnx;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A GraphProto under construction: nodes with unique output names, int64 constants, and the parameters as
 * initializers ({@link OnnxTensors}). Every node method returns the name of the node's (first) output.
 */
final class OnnxGraph {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final OnnxTensors tensors;
    private final Set<String> parameters = new HashSet<>();
    private int counter;

    OnnxGraph(String name, OnnxTensors tensors) {
        graph.setName(name);
        this.tensors = tensors;
    }

    Onnx.GraphProto.Builder proto() {
        return graph;
    }

    OnnxTensors tensors() {
        return tensors;
    }

    /** Adds the parameter {@code name} as an initializer, once. */
    void parameter(String name, INDArray values) {
        if (parameters.add(name)) {
            graph.addInitializer(tensors.parameter(name, values));
        }
    }

    /** A fresh value name under {@code scope}. */
    String fresh(String scope) {
        return scope + "/_" + counter++;
    }

    /** A node of {@code op} reading {@code inputs}, writing {@code output} (a fresh name under the op if null). */
    String node(String op, String output, List<String> inputs, Onnx.AttributeProto... attributes) {
        String out = output == null ? fresh(op) : output;
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName("node/" + out).addOutput(out);
        inputs.forEach(n::addInput);
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    String node(String op, List<String> inputs, Onnx.AttributeProto... attributes) {
        return node(op, null, inputs, attributes);
    }

    /** An int64 constant tensor (an initializer) of the given values and shape ({@code {n}} for a vector). */
    String int64s(long[] values, long... shape) {
        String name = fresh("const");
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
        for (long d : shape) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A 1-D int64 constant. */
    String int64s(long... values) {
        return int64s(values, values.length);
    }

    /** A scalar (rank 0) int64 constant. */
    String int64Scalar(long value) {
        return int64s(new long[]{value}, new long[0]);
    }

    /** A float32 scalar (rank 0) constant. */
    String floatScalar(float value) {
        String name = fresh("const");
        graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).addFloatData(value));
        return name;
    }

    static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
                .build();
    }

    static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(v).build();
    }

    static Onnx.AttributeProto intsAttr(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    /** A graph input or output of element type {@code elemType} (TensorProto.DataType) and shape; a String is a dim_param. */
    static Onnx.ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    void input(Onnx.ValueInfoProto v) {
        graph.addInput(v);
    }

    void output(Onnx.ValueInfoProto v) {
        graph.addOutput(v);
    }

    /** Names of the graph's inputs so far. */
    List<String> inputNames() {
        List<String> names = new ArrayList<>();
        graph.getInputList().forEach(v -> names.add(v.getName()));
        return names;
    }
}
