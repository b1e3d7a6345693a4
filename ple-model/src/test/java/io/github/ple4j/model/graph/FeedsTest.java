package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Ids on their way into the graph: INT64 in, exact errors naming the field, row and value for bad ones. */
class FeedsTest {
    private static final PleConfig CONFIG = PleConfig.builder()
            .inputs(new InputSpec(1, List.of(new CategoricalField("user", 10, 2),
                    new CategoricalField("tags", 5, 2).asBag(3, Pooling.SUM))))
            .task(TaskSpec.binary("a", 2)).extraction(ExtractionSpec.mmoe(2, 2)).build();
    private static final Feeds FEEDS = new Feeds(PleGraphBuilder.build(CONFIG));
    private static final INDArray DENSE = Nd4j.zeros(DataType.FLOAT, 2, 1);
    private static final INDArray BAGS = Nd4j.createFromArray(new long[][]{{1, 2, -1}, {-1, -1, -1}});

    private static String error(INDArray ids, INDArray bags) {
        return assertThrows(IllegalArgumentException.class, () -> FEEDS.features(DENSE, ids, bags)).getMessage();
    }

    @Test
    void goodIdsBecomeInt64() {
        Map<String, INDArray> ph = FEEDS.features(DENSE, Nd4j.createFromArray(new float[][]{{3}, {9}}), BAGS);
        assertEquals(DataType.INT64, ph.get(GraphSignature.CATEGORICAL).dataType());
        assertEquals(Nd4j.createFromArray(new long[][]{{3}, {9}}), ph.get(GraphSignature.CATEGORICAL));
        assertEquals(BAGS, ph.get(GraphSignature.bag("tags")));
    }

    @Test
    void badIdsNameFieldRowAndValue() {
        assertEquals("categorical field 'user' (column 0) row 1: expected an integer id in [0, 10) but found 10",
                error(Nd4j.createFromArray(new long[][]{{3}, {10}}), BAGS));
        assertEquals("categorical field 'user' (column 0) row 0: expected an integer id in [0, 10) but found -1",
                error(Nd4j.createFromArray(new long[][]{{-1}, {1}}), BAGS));
        assertEquals("categorical field 'user' (column 0) row 1: expected an integer id in [0, 10) but found 2.5",
                error(Nd4j.createFromArray(new double[][]{{1}, {2.5}}), BAGS));
    }

    @Test
    void badBagsNameFieldRowPositionAndLength() {
        INDArray ids = Nd4j.createFromArray(new long[][]{{1}, {2}});
        assertEquals("bag field 'tags' row 1, position 0: expected an integer id in [0, 5) or the padding -1 but found -2",
                error(ids, Nd4j.createFromArray(new long[][]{{1, -1}, {-2, -1}})));
        assertEquals("bag field 'tags' row 0, position 1: expected an integer id in [0, 5) or the padding -1 but found 5",
                error(ids, Nd4j.createFromArray(new long[][]{{1, 5}, {0, 0}})));
        assertEquals("bag field 'tags' row 0 holds 4 ids but the field's maxLength is 3",
                error(ids, Nd4j.createFromArray(new long[][]{{1, 2, 3, 4}, {0, -1, -1, -1}})));
        assertEquals("feature array 'input/bag/tags' (bag field 'tags') must have shape [batch, L] with L >= 1 but has "
                + "shape [2]", error(ids, Nd4j.createFromArray(1L, 2L)));
        assertEquals("feature array 'input/bag/tags' has 3 rows but 'input/dense' has 2",
                error(ids, Nd4j.createFromArray(new long[][]{{1}, {2}, {3}})));
    }
}
