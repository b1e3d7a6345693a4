package io.github.ple4j.model.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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

    /** Elements per chunk when streaming an array to or from native memory. */
    private static final int CHUNK = 1 << 20;

    /** Encodes a FLOAT or DOUBLE array. */
    public static byte[] write(INDArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(array, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Streams a FLOAT or DOUBLE array (a view is fine) to {@code out}, a chunk at a time: no copy of the whole array
     * is made, so a large embedding table is written without a second copy in memory.
     */
    public static void write(INDArray array, OutputStream out) throws IOException {
        DataType dt = array.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("npy writer supports FLOAT and DOUBLE arrays but got " + dt);
        }
        out.write(header(dt, array.shape()));
        long n = array.length();
        if (n == 0) {
            return;
        }
        INDArray flat = array.ordering() == 'c' ? array.reshape('c', new long[]{n}) : array.dup('c').reshape(n);
        int width = dt.width();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(n, CHUNK) * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long off = 0; off < n; off += CHUNK) {
            int len = (int) Math.min(CHUNK, n - off);
            INDArray part = flat.get(NDArrayIndex.interval(off, off + len));
            buf.clear();
            if (dt == DataType.FLOAT) {
                buf.asFloatBuffer().put(part.toFloatVector());
            } else {
                buf.asDoubleBuffer().put(part.toDoubleVector());
            }
            out.write(buf.array(), 0, len * width);
        }
    }

    private static byte[] header(DataType dt, long[] shape) {
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
        return out.toByteArray();
    }

    /**
     * Decodes an array.
     *
     * @param bytes  the file content
     * @param source name for error messages
     */
    public static INDArray read(byte[] bytes, String source) throws MalformedModelException {
        try {
            return read(new ByteArrayInputStream(bytes), source, null);
        } catch (MalformedModelException e) {
            throw e;
        } catch (IOException e) {
            throw new MalformedModelException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streams an array from {@code in} (which must hold exactly one .npy array) into {@code target}, a chunk at a time,
     * or into a new array when {@code target} is null. The header is checked against the target's shape before any
     * value is written.
     *
     * @param target a FLOAT or DOUBLE array of the stored shape (values converted to its type), or null
     * @return the array read: {@code target}, or the new one
     * @throws MalformedModelException when the stream is not a valid array or does not fit {@code target}
     */
    public static INDArray read(InputStream in, String source, INDArray target) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] head = new byte[10];
        if (data.readNBytes(head, 0, 10) < 10 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
            throw new MalformedModelException(source + ": not an .npy array (bad magic)");
        }
        int major = head[6];
        if (major != 1) {
            throw new MalformedModelException(source + ": .npy version " + major + " is not supported (expected 1)");
        }
        int headerLen = (head[8] & 0xff) | ((head[9] & 0xff) << 8);
        byte[] h = data.readNBytes(headerLen);
        if (h.length < headerLen) {
            throw new MalformedModelException(source + ": .npy header is truncated");
        }
        String header = new String(h, StandardCharsets.US_ASCII);
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
        if (target != null && !Arrays.equals(target.shape(), shape)) {
            throw new MalformedModelException(source + ": array of shape " + Arrays.toString(shape) + " where "
                    + Arrays.toString(target.shape()) + " is expected");
        }
        INDArray out = target != null ? target : Nd4j.create(dt, shape);
        INDArray flat = out.reshape('c', new long[]{n});
        if (flat.data().addressPointer().address() != out.data().addressPointer().address() && n > 0) {
            throw new IllegalArgumentException(source + ": the target array must be contiguous in C order");
        }
        int width = dt.width();
        byte[] chunk = new byte[(int) Math.min(Math.max(n, 1), CHUNK) * width];
        for (long off = 0; off < n; off += CHUNK) {
            int len = (int) Math.min(CHUNK, n - off);
            int got = data.readNBytes(chunk, 0, len * width);
            if (got < len * width) {
                throw new MalformedModelException(source + ": expected " + (10L + headerLen + n * width) + " bytes for shape "
                        + Arrays.toString(shape) + " but the file has " + (10L + headerLen + off * width + got));
            }
            ByteBuffer buf = ByteBuffer.wrap(chunk, 0, len * width).order(ByteOrder.LITTLE_ENDIAN);
            INDArray values;
            if (dt == DataType.FLOAT) {
                float[] v = new float[len];
                buf.asFloatBuffer().get(v);
                values = Nd4j.createFromArray(v);
            } else {
                double[] v = new double[len];
                buf.asDoubleBuffer().get(v);
                values = Nd4j.createFromArray(v);
            }
            flat.get(NDArrayIndex.interval(off, off + len)).assign(values);
            values.close();
        }
        long extra = 0;
        while (data.read() >= 0) {
            extra++;
        }
        if (extra > 0) {
            throw new MalformedModelException(source + ": expected " + (10L + headerLen + n * width) + " bytes for shape "
                    + Arrays.toString(shape) + " but the file has " + (10L + headerLen + n * width + extra));
        }
        return out;
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
