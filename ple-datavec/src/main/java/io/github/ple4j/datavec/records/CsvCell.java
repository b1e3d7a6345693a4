package io.github.ple4j.datavec.records;

import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.datavec.api.writable.WritableType;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * One field of a CSV line as read by {@link CsvFileReader}: the text itself. It is a DataVec {@link Writable} of
 * type {@link WritableType#Text} whose {@link #toString()} is the field and whose serialised form is
 * {@link Text}'s; unlike {@code Text} it keeps the String it was split into, so that reading a field costs no
 * UTF-8 encoding and decoding (which was most of the cost of reading a row).
 */
public final class CsvCell implements Writable {
    private static final long serialVersionUID = 1L;
    private String value;

    public CsvCell(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The field's text. */
    public String value() {
        return value;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        new Text(value).write(out);
    }

    @Override
    public void readFields(DataInput in) throws IOException {
        Text t = new Text();
        t.readFields(in);
        value = t.toString();
    }

    @Override
    public void writeType(DataOutput out) throws IOException {
        out.writeShort(WritableType.Text.typeIdx());
    }

    @Override
    public double toDouble() {
        return Double.parseDouble(value);
    }

    @Override
    public float toFloat() {
        return Float.parseFloat(value);
    }

    @Override
    public int toInt() {
        return Integer.parseInt(value);
    }

    @Override
    public long toLong() {
        return Long.parseLong(value);
    }

    @Override
    public WritableType getType() {
        return WritableType.Text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvCell c && c.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
