package io.github.ple4j.model.io;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyTest {
    private static final String SRC = "b.zip params/0.npy";

    private static INDArray sequence(DataType dt, long... shape) {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i - 3.25) / 7.0 + (i % 2 == 0 ? 1e-9 : -1e6);
        }
        return Nd4j.create(v, shape, 'c').castTo(dt);
    }

    private static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    @Test
    void roundTripFloatAndDouble() throws MalformedModelException {
        for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            for (long[] shape : List.of(new long[]{3}, new long[]{2, 3}, new long[]{2, 3, 4}, new long[]{1, 1})) {
                INDArray a = sequence(dt, shape);
                INDArray back = Npy.read(Npy.write(a), SRC);
                assertEquals(dt, back.dataType());
                assertArrayEquals(shape, back.shape());
                assertEquals('c', back.ordering());
                assertArrayEquals(flat(a), flat(back), 0.0);
            }
        }
    }

    @Test
    void roundTripKeepsExtremeValues() throws MalformedModelException {
        double[] v = {Double.MIN_VALUE, -0.0, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY, 1.0 / 3};
        INDArray a = Nd4j.create(v, new long[]{2, 3}, 'c');
        double[] back = flat(Npy.read(Npy.write(a), SRC));
        for (int i = 0; i < v.length; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i]), "element " + i);
        }
    }

    @Test
    void fortranOrderedAndViewInputsAreWrittenInCOrder() throws MalformedModelException {
        INDArray c = sequence(DataType.FLOAT, 2, 3);
        INDArray f = c.dup('f');
        assertArrayEquals(flat(c), flat(Npy.read(Npy.write(f), SRC)), 0.0);
        INDArray t = sequence(DataType.DOUBLE, 3, 2).transpose();
        INDArray back = Npy.read(Npy.write(t), SRC);
        assertArrayEquals(new long[]{2, 3}, back.shape());
        assertArrayEquals(flat(t), flat(back), 0.0);
    }

    @Test
    void exactBytesOfFloat2x3() {
        INDArray a = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6.5f}, new long[]{2, 3}, 'c');
        byte[] b = Npy.write(a);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertEquals(59, dict.length());
        // 6 magic + 2 version + 2 length + 59 dict + 1 newline = 70, padded with spaces to 128.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
        expected.writeBytes((dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : new float[]{1, 2, 3, 4, 5, 6.5f}) {
            data.putFloat(x);
        }
        expected.writeBytes(data.array());
        assertArrayEquals(expected.toByteArray(), b);
        assertEquals(128 + 24, b.length);
        assertEquals('\n', b[127]);
        assertEquals(0x40d00000, ByteBuffer.wrap(b, 148, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()); // 6.5f
    }

    @Test
    void headersAre64ByteAligned() {
        for (long[] shape : List.of(new long[]{3}, new long[]{1, 1}, new long[]{2, 3, 4}, new long[]{12345, 678})) {
            for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
                INDArray a = Nd4j.zeros(dt, shape);
                byte[] b = Npy.write(a);
                int headerLen = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
                assertEquals(0, (10 + headerLen) % 64, Arrays.toString(shape));
                assertEquals('\n', b[10 + headerLen - 1]);
                assertEquals(10 + headerLen + a.length() * (dt == DataType.FLOAT ? 4 : 8), b.length);
            }
        }
    }

    @Test
    void oneDimensionalShapeHasTrailingComma() {
        byte[] b = Npy.write(Nd4j.zeros(DataType.DOUBLE, 3));
        assertEquals(118, (b[8] & 0xff) | ((b[9] & 0xff) << 8));
        String header = new String(b, 10, 118, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", header.trim());
    }

    @Test
    void rejectsOtherDataTypes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(Nd4j.zeros(DataType.INT, 2, 2)));
        assertEquals("npy writer supports FLOAT and DOUBLE arrays but got INT", e.getMessage());
    }

    // ---- malformed input

    /** A hand-made v1.0 file with the given header dict and data length. */
    private static byte[] npy(int major, String dict, int dataBytes) {
        String h = dict;
        int pad = (64 - (10 + h.length() + 1) % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0,
                (byte) (h.length() & 0xff), (byte) (h.length() >> 8)});
        out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private static void malformed(String message, byte[] bytes) {
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> Npy.read(bytes, SRC));
        assertEquals(message, e.getMessage());
    }

    @Test
    void handMadeFileIsReadable() throws MalformedModelException {
        INDArray a = Npy.read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 32), SRC);
        assertArrayEquals(new long[]{2, 2}, a.shape());
        assertEquals(DataType.DOUBLE, a.dataType());
    }

    @Test
    void badMagic() {
        byte[] b = Npy.write(sequence(DataType.FLOAT, 2, 3));
        b[1] = 'X';
        malformed(SRC + ": not an .npy array (bad magic)", b);
        malformed(SRC + ": not an .npy array (bad magic)", new byte[]{(byte) 0x93, 'N', 'U'});
        malformed(SRC + ": not an .npy array (bad magic)", new byte[0]);
    }

    @Test
    void version2() {
        malformed(SRC + ": .npy version 2 is not supported (expected 1)",
                npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24));
    }

    @Test
    void truncatedHeader() {
        byte[] b = Npy.write(sequence(DataType.FLOAT, 2, 3));
        malformed(SRC + ": .npy header is truncated", Arrays.copyOf(b, 40));
    }

    @Test
    void missingShape() {
        malformed(SRC + ": .npy header lacks descr, fortran_order or shape: {'descr': '<f4', 'fortran_order': False, }",
                npy(1, "{'descr': '<f4', 'fortran_order': False, }", 24));
    }

    @Test
    void unsupportedDtype() {
        malformed(SRC + ": .npy dtype '<i4' is not supported (expected '<f4' or '<f8')",
                npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24));
        malformed(SRC + ": .npy dtype '>f4' is not supported (expected '<f4' or '<f8')",
                npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24));
    }

    @Test
    void fortranOrder() {
        malformed(SRC + ": Fortran-order .npy arrays are not supported",
                npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24));
    }

    @Test
    void wrongByteCount() {
        byte[] b = Npy.write(sequence(DataType.FLOAT, 2, 3));
        malformed(SRC + ": expected 152 bytes for shape [2, 3] but the file has 151", Arrays.copyOf(b, b.length - 1));
        malformed(SRC + ": expected 152 bytes for shape [2, 3] but the file has 156", Arrays.copyOf(b, b.length + 4));
    }

    @Test
    void negativeDimension() {
        malformed(SRC + ": negative dimension in .npy shape (2, -3)",
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 24));
    }

    @Test
    void nonNumericDimension() {
        malformed(SRC + ": bad .npy shape (2, x)",
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 24));
    }

    @Test
    void hugeShapeRejectedBeforeAllocating() {
        malformed(SRC + ": array of shape [100000, 100000] is too large",
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", 0));
    }

    @Test
    void overflowingShapeRejected() {
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> Npy.read(
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", 0),
                SRC));
        assertEquals(SRC + ": array of shape [4294967296, 4294967296, 4294967296] is too large", e.getMessage());
    }

    @Test
    void shapeWhoseProductOverflowsAfterASmallDimensionIsRejected() {
        malformed(SRC + ": array of shape [2, 9223372036854775807] is too large",
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 9223372036854775807), }", 0));
    }
}
