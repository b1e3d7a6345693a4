package io.github.ple4j.model.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/** Parameters as trainable variables of a SameDiff graph. */
public final class SameDiffParams implements ParamSource {
    private final SameDiff sd;
    private final DataType dataType;
    private final Initializer init;
    private final List<String> weightNames = new ArrayList<>();

    public SameDiffParams(SameDiff sd, long seed, DataType dataType) {
        this.sd = sd;
        this.dataType = dataType;
        this.init = new Initializer(seed);
    }

    @Override
    public SDVariable weight(String name, double[] values, long... shape) {
        weightNames.add(name);
        INDArray arr = Nd4j.create(values, shape, 'c').castTo(dataType);
        return sd.var(name, arr);
    }

    @Override
    public SDVariable table(String name, int rows, int dim) {
        return sd.var(name, tableValues(name, rows, dim));
    }

    @Override
    public SDVariable gatheredTable(String name, int rows, int dim) {
        return sd.constant(name, tableValues(name, rows, dim));
    }

    /** Initial values of a table, filled in chunks (no second copy on the heap). */
    private INDArray tableValues(String name, int rows, int dim) {
        INDArray arr = Nd4j.createUninitialized(dataType, rows, dim);
        init.fillUniform(name, arr, TABLE_INIT_LIMIT);
        return arr;
    }

    @Override
    public SDVariable bias(String name, long... shape) {
        return sd.var(name, Nd4j.zeros(dataType, shape));
    }

    @Override
    public Initializer init() {
        return init;
    }

    /** Names of the weight tensors created so far (for the L2 penalty). */
    public List<String> weightNames() {
        return List.copyOf(weightNames);
    }
}
