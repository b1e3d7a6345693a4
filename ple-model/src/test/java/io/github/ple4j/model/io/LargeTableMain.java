package io.github.ple4j.model.io;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM whose heap is smaller than the table by {@link ModelBundleLargeTableTest}: creates a model with a
 * large table, trains a step with lazy Adam, saves it with optimiser state, loads it and checks a row and its moment.
 * Any copy of a whole table on the heap (building initial values, writing, reading) runs out of heap.
 */
public final class LargeTableMain {
    private LargeTableMain() {
    }

    static PleConfig config(int rows) {
        return PleConfig.builder().inputs(new InputSpec(1, List.of(new CategoricalField("item", rows, 16))))
                .task(TaskSpec.binary("a", 8)).extraction(ExtractionSpec.mmoe(2, 8))
                .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam())).build();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        long id = rows - 7;
        float before;
        float moment;
        try (PleModel m = PleModel.create(config(rows))) {
            INDArray ids = Nd4j.createFromArray(new long[][]{{id}, {3}, {id}, {8}, {rows - 1}, {0}, {id}, {5}});
            INDArray dense = Nd4j.createFromArray(new float[][]{{1}, {-1}, {0.5f}, {2}, {-0.3f}, {0.7f}, {-2}, {0.1f}});
            INDArray labels = Nd4j.createFromArray(new float[][]{{1}, {0}, {1}, {0}, {0}, {1}, {1}, {0}});
            m.fitBatch(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{dense, ids}, new INDArray[]{labels}));
            m.save(file);
            before = m.sameDiff().getArrForVarName(GraphSignature.table("item")).getFloat(id, 5);
            moment = m.tableState().get(GraphSignature.table("item") + "/m").getFloat(id, 5);
        }
        try (PleModel back = PleModel.load(file)) {
            float after = back.sameDiff().getArrForVarName(GraphSignature.table("item")).getFloat(id, 5);
            float m2 = back.tableState().get(GraphSignature.table("item") + "/m").getFloat(id, 5);
            if (after != before || m2 != moment || moment == 0) {
                System.out.println("MISMATCH " + before + " " + after + " " + moment + " " + m2);
                System.exit(2);
            }
        }
        System.out.println("OK heap max " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    }
}
