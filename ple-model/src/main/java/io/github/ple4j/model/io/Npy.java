package io.github.ple4j.model.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NumPy {@code .npy} format (version 1.0), little-endian float32/float64, C order: readable with
 * {@code numpy.load}. The reader is written in Java and checks every field, so a malformed file gives a
 * {@link MalformedModelException} and never reaches native code.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?[a-z]\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Largest array the reader accepts, in elements. */
    public static final long MAX_ELEMENTS = 1L << 31;

    private Npy() {
    }

    /** Encodes a FLOAT or DOUBLE array. */
    public static byte[] write(INDArray array) {
        DataType dt = array.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("npy writer supports FLOAT and DOUBLE arrays but got " + dt);
        }
        long[] shape = array.shape();
        StringBuilder sh = new StringBuilder();
        for (long s : shape) {
            sh.append(s).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : (shape.length == 0 ? "" : sh.substring(0, sh.length() - 2));
        String header = "{'descr': '" + (dt == DataType.FLOAT ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': ("
                + shapeText + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        out.write(h.length & 0xff);
        out.write((h.length >> 8) & 0xff);
        out.writeBytes(h);
        INDArray c = array.dup('c');
        int n = (int) c.length();
        ByteBuffer buf = ByteBuffer.allocate(n * (dt == DataType.FLOAT ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        if (dt == DataType.FLOAT) {
            for (float f : c.data().asFloat()) {
                buf.putFloat(f);
            }
        } else {
            for (double d : c.data().asDouble()) {
                buf.putDouble(d);
            }
        }
        out.writeBytes(buf.array());
        return out.toByteArray();
    }

    /**
     * Decodes an array.
     *
     * @param bytes  the file content
     * @param source name for error messages
     */
    public static INDArray read(byte[] bytes, String source) throws MalformedModelException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new MalformedModelException(source + ": not an .npy array (bad magic)");
        }
        int major = bytes[6];
        if (major != 1) {
            throw new MalformedModelException(source + ": .npy version " + major + " is not supported (expected 1)");
        }
        int headerLen = (bytes[8] & 0xff) | ((bytes[9] & 0xff) << 8);
        if (10 + headerLen > bytes.length) {
            throw new MalformedModelException(source + ": .npy header is truncated");
        }
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new MalformedModelException(source + ": .npy header lacks descr, fortran_order or shape: " + header.trim());
        }
        DataType dt = switch (d.group(1)) {
            case "<f4" -> DataType.FLOAT;
            case "<f8" -> DataType.DOUBLE;
            default -> throw new MalformedModelException(source + ": .npy dtype '" + d.group(1)
                    + "' is not supported (expected '<f4' or '<f8')");
        };
        if (f.group(1).equals("True")) {
            throw new MalformedModelException(source + ": Fortran-order .npy arrays are not supported");
        }
        long[] shape = parseShape(s.group(1), source);
        long n = 1;
        for (long dim : shape) {
            // dim <= MAX_ELEMENTS here, or the check below fails: n * dim cannot overflow.
            n = dim > MAX_ELEMENTS ? MAX_ELEMENTS + 1 : n * dim;
            if (n > MAX_ELEMENTS) {
                throw new MalformedModelException(source + ": array of shape " + Arrays.toString(shape) + " is too large");
            }
        }
        int width = dt == DataType.FLOAT ? 4 : 8;
        long expected = 10L + headerLen + n * width;
        if (bytes.length != expected) {
            throw new MalformedModelException(source + ": expected " + expected + " bytes for shape "
                    + Arrays.toString(shape) + " but the file has " + bytes.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 10 + headerLen, (int) (n * width)).order(ByteOrder.LITTLE_ENDIAN);
        if (dt == DataType.FLOAT) {
            float[] v = new float[(int) n];
            buf.asFloatBuffer().get(v);
            return Nd4j.create(v, shape, 'c');
        }
        double[] v = new double[(int) n];
        buf.asDoubleBuffer().get(v);
        return Nd4j.create(v, shape, 'c');
    }

    private static long[] parseShape(String text, String source) throws MalformedModelException {
        String t = text.trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        String[] parts = t.split(",");
        int count = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        long[] shape = new long[count];
        for (int i = 0; i < count; i++) {
            try {
                shape[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new MalformedModelException(source + ": bad .npy shape (" + text + ")", e);
            }
            if (shape[i] < 0) {
                throw new MalformedModelException(source + ": negative dimension in .npy shape (" + text + ")");
            }
        }
        return shape;
    }
}
