package io.github.ple4j.model.config;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Floating-point type of parameters and activations. FLOAT is the default for training; DOUBLE is used by
 * the gradient checks and for exact reference computations.
 */
public enum ModelDataType {
    FLOAT(DataType.FLOAT), DOUBLE(DataType.DOUBLE);

    private final DataType nd4j;

    ModelDataType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** The ND4J data type. */
    public DataType nd4j() {
        return nd4j;
    }
}
