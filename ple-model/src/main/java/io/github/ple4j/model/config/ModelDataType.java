package io.github.ple4j.model.config;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Floating-point type of parameters and activations. FLOAT is the default for training; DOUBLE is used by
 * the gradient checks and for exact reference computations. HALF and BFLOAT16 run the whole graph (and the
 * optimiser state) in 16 bits; see the README's "Data types" section for what has been verified on which
 * backend.
 */
public enum ModelDataType {
    FLOAT(DataType.FLOAT), DOUBLE(DataType.DOUBLE), HALF(DataType.HALF), BFLOAT16(DataType.BFLOAT16);

    private final DataType nd4j;

    ModelDataType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** The ND4J data type. */
    public DataType nd4j() {
        return nd4j;
    }
}
