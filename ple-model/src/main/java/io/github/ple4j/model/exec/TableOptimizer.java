package io.github.ple4j.model.exec;

import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A sparse optimiser of one embedding table: it updates the rows of a step's {@link RowGradients} and nothing
 * else. State arrays (moments, accumulators) have the table's rows and are owned here.
 */
public interface TableOptimizer extends AutoCloseable {
    /**
     * Updates the rows of {@code g} in {@code table}.
     *
     * @param step the optimiser's step counter before this update (from 0; Adam's bias correction uses step + 1)
     */
    void update(INDArray table, RowGradients g, long step);

    /** The state arrays by name ("m", "v", "accumulator"; empty for SGD): the live arrays, not copies. */
    Map<String, INDArray> state();

    /** Frees the state arrays. */
    @Override
    void close();

    /**
     * The optimiser of a sparse spec for a table like {@code table}.
     *
     * @throws IllegalArgumentException for {@link EmbeddingOptimizerSpec.Type#DENSE}, which is not sparse
     */
    static TableOptimizer create(EmbeddingOptimizerSpec spec, double learningRate, INDArray table) {
        return switch (spec.type()) {
            case LAZY_ADAM -> new LazyAdam(learningRate, table);
            case ROWWISE_ADAGRAD -> new RowwiseAdagrad(learningRate, table);
            case SGD -> new RowSgd(learningRate);
            case DENSE -> throw new IllegalArgumentException("DENSE tables are trained by the dense optimiser");
        };
    }
}
