package io.github.ple4j.datavec.schema;

/**
 * A fitted dense numeric column: {@code x -> (x - mean) / std}.
 *
 * @param column 0-based column index in the record
 * @param name   the schema's column name, or null when the column was addressed by index without a schema
 * @param mean   mean of the training values
 * @param std    population standard deviation of the training values, or 1 when that is 0 (a constant column
 *               becomes 0)
 */
public record DenseStats(int column, String name, double mean, double std) {
    public DenseStats {
        if (column < 0) {
            throw new IllegalArgumentException("dense column index must be >= 0 but was " + column);
        }
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("dense column " + Columns.label(column, name)
                    + ": mean must be finite but was " + mean);
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("dense column " + Columns.label(column, name)
                    + ": std must be finite and > 0 but was " + std);
        }
    }

    /** The standardised value. */
    public double standardise(double x) {
        return (x - mean) / std;
    }
}
