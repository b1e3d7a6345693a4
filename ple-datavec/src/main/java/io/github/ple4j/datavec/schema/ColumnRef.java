package io.github.ple4j.datavec.schema;

/**
 * A column of a record, addressed by name (resolved through a DataVec
 * {@link org.datavec.api.transform.schema.Schema}) or by 0-based index (DataVec's convention).
 */
public sealed interface ColumnRef permits ColumnRef.Named, ColumnRef.Indexed {

    /** A column addressed by its schema name. */
    static ColumnRef name(String name) {
        return new Named(name);
    }

    /** A column addressed by its 0-based index in the record. */
    static ColumnRef index(int index) {
        return new Indexed(index);
    }

    /** How the column is written in messages: {@code 'age'} or {@code index 3}. */
    String describe();

    /**
     * A column addressed by name.
     *
     * @param name the schema's column name, not empty
     */
    record Named(String name) implements ColumnRef {
        public Named {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("column name must be a non-empty string but was "
                        + (name == null ? "null" : "''"));
            }
        }

        @Override
        public String describe() {
            return "'" + name + "'";
        }
    }

    /**
     * A column addressed by index.
     *
     * @param index 0-based index in the record, at least 0
     */
    record Indexed(int index) implements ColumnRef {
        public Indexed {
            if (index < 0) {
                throw new IllegalArgumentException("column index must be >= 0 but was " + index);
            }
        }

        @Override
        public String describe() {
            return "index " + index;
        }
    }
}
