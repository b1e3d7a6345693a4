package io.github.ple4j.model.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** When tensors go to external data (the 2 GiB protobuf limit), without allocating gigabytes. */
class OnnxExportPolicyTest {
    @Test
    void automaticKeepsEverythingInsideUpToOneGibAndMovesMibTensorsOutAbove() {
        OnnxOptions auto = OnnxOptions.defaults();
        assertEquals(Long.MAX_VALUE, OnnxExport.externalFrom(1L << 30, auto));
        assertEquals(1L << 20, OnnxExport.externalFrom((1L << 30) + 4, auto));
        // a 10^7 x 64 float table (2.56 GB) cannot be inline
        assertEquals(1L << 20, OnnxExport.externalFrom(10_000_000L * 64 * 4, auto));
    }

    @Test
    void anExplicitThresholdIsUsedAsGiven() {
        assertEquals(0, OnnxExport.externalFrom(100, OnnxOptions.defaults().withExternalDataFrom(0)));
        assertEquals(4096, OnnxExport.externalFrom(5L << 30, OnnxOptions.defaults().withExternalDataFrom(4096)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxOptions.defaults().withExternalDataFrom(-5));
        assertEquals("externalDataThreshold must be >= 0 bytes or AUTOMATIC (-1) but was -5", e.getMessage());
    }
}
