package io.github.ple4j.datavec.datasets;

import io.github.ple4j.model.config.InputSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The full census files: checksums, row counts, positive rates, split, one-hot width. Run with -Dple.test.excludedTags=. */
@Tag("slow")
class CensusIncomeFullTest {

    @Test
    void fullFilesFollowTheMmoeProtocol() {
        CensusIncomeTest.requireFiles();
        CensusData data = CensusIncome.builder().load(); // verifies both SHA-256 digests first

        assertEquals(CensusIncome.DATA_ROWS, data.trainRows());
        assertEquals(12_382.0 / 199_523, data.positiveRates().get("income"), 0.0);
        assertEquals(86_485.0 / 199_523, data.positiveRates().get("marital"), 0.0);
        assertEquals(0.062, data.positiveRates().get("income"), 0.0005);
        assertEquals(0.433, data.positiveRates().get("marital"), 0.0005);

        assertEquals(49_881, data.validRows());
        assertEquals(49_881, data.testRows());
        BitSet both = data.split().first();
        assertFalse(both.intersects(data.split().second()));
        both.or(data.split().second());
        assertEquals(CensusIncome.TEST_ROWS, both.cardinality());
        assertEquals(CensusIncome.TEST_ROWS, both.length());

        // 7 continuous + 496 distinct training values of the 32 nominal columns + 32 out-of-vocabulary slots.
        assertEquals(InputSpec.dense(535), data.inputSpec());

        try (CensusData.Iterators it = data.iterators(CensusIncomeTest.signature(data.inputSpec()), 4096)) {
            double[] train = count(it.train());
            assertEquals(199_523, train[0]);
            assertEquals(12_382, train[1]);
            assertEquals(86_485, train[2]);
            double[] valid = count(it.valid());
            double[] test = count(it.test());
            assertEquals(49_881, valid[0]);
            assertEquals(49_881, test[0]);
            assertEquals(6_186, valid[1] + test[1]);       // income positives of the test file
            assertEquals(43_143, valid[2] + test[2]);      // never married in the test file
        }
    }

    /** Rows, income positives, marital positives. */
    private static double[] count(MultiDataSetIterator it) {
        double[] c = new double[3];
        while (it.hasNext()) {
            MultiDataSet m = it.next();
            c[0] += m.getFeatures(0).rows();
            c[1] += m.getLabels(0).sumNumber().doubleValue();
            c[2] += m.getLabels(1).sumNumber().doubleValue();
        }
        return c;
    }
}
