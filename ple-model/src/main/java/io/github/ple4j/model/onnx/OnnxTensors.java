package io.github.ple4j.model.onnx;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.UnsafeByteOperations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's parameters as float32 initializers. A tensor is stored in the ModelProto ({@code raw_data}) or, when
 * it is at least {@code externalFrom} bytes, in the external data file beside the model (ONNX's external data:
 * {@code location}, {@code offset}, {@code length}; offsets aligned to 4 KiB). External tensors are streamed to their
 * file in chunks of 1 Mi values (no copy of a whole table); an inline tensor is copied once into the message.
 */
final class OnnxTensors {
    /** Offsets of external tensors are multiples of this (a page), so runtimes may map them. */
    static final int ALIGNMENT = 4096;
    private static final int CHUNK = 1 << 20;

    private final long externalFrom;
    private final String location;
    private final List<Pending> external = new ArrayList<>();
    private long externalBytes;

    private record Pending(INDArray array, long offset) {
    }

    /**
     * @param externalFrom tensors of at least this many bytes go to the external file ({@link Long#MAX_VALUE}: none)
     * @param location     the external file's name, relative to the model file
     */
    OnnxTensors(long externalFrom, String location) {
        this.externalFrom = externalFrom;
        this.location = location;
    }

    /** The parameter {@code array} (any floating-point type, written as float32) as an initializer named {@code name}. */
    Onnx.TensorProto parameter(String name, INDArray array) {
        INDArray a = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
        for (long d : a.shape()) {
            t.addDims(d);
        }
        long bytes = 4 * a.length();
        if (bytes >= externalFrom) {
            long offset = (externalBytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            external.add(new Pending(a, offset));
            externalBytes = offset + bytes;
            t.setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(bytes)));
        } else {
            t.setRawData(rawData(a));
        }
        return t.build();
    }

    /** Whether some tensor went to the external file. */
    boolean hasExternal() {
        return !external.isEmpty();
    }

    /** Writes the external tensors at their offsets. */
    void writeExternal(FileChannel out) throws IOException {
        for (Pending p : external) {
            out.position(p.offset());
            long n = p.array().length();
            for (long from = 0; from < n; from += CHUNK) {
                ByteBuffer b = floats(p.array(), from, (int) Math.min(CHUNK, n - from));
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
    }

    private static Onnx.StringStringEntryProto entry(String key, String value) {
        return Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Little-endian float32 bytes of the whole array (one heap copy, filled in chunks). */
    private static ByteString rawData(INDArray a) {
        long n = a.length();
        if (n * 4 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a tensor of " + n * 4 + " bytes exceeds protobuf's 2 GiB limit; "
                    + "it must be stored as external data");
        }
        ByteBuffer all = ByteBuffer.allocate((int) (4 * n));
        for (long from = 0; from < n; from += CHUNK) {
            all.put(floats(a, from, (int) Math.min(CHUNK, n - from)));
        }
        all.flip();
        return UnsafeByteOperations.unsafeWrap(all);
    }

    /** Elements {@code from .. from + count} (row-major) as little-endian float32 bytes, converted if needed. */
    private static ByteBuffer floats(INDArray a, long from, int count) {
        float[] v = a.data().getFloatsAt(a.offset() + from, count);
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }
}
