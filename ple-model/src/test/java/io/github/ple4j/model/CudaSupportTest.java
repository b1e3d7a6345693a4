package io.github.ple4j.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU decision, without a GPU: which compute capabilities run the 1.0.0-M2.1 natives, and the refusal line. */
class CudaSupportTest {
    @Test
    void keplerK80ThroughAdaRunAndHopperDoesNot() {
        assertTrue(CudaSupport.runs(3, 7), "K80");
        assertTrue(CudaSupport.runs(6, 1), "GTX 1080");
        assertTrue(CudaSupport.runs(7, 0), "V100");
        assertTrue(CudaSupport.runs(7, 2), "Xavier: 7.0's code runs on 7.2");
        assertTrue(CudaSupport.runs(7, 5), "T4");
        assertTrue(CudaSupport.runs(8, 0), "A100");
        assertTrue(CudaSupport.runs(8, 6), "A10, RTX 30xx");
        assertTrue(CudaSupport.runs(8, 9), "L4, RTX 40xx: 8.6's code");
        assertFalse(CudaSupport.runs(3, 5), "K40: no code at or below 3.5 in major 3");
        assertFalse(CudaSupport.runs(9, 0), "H100");
        assertFalse(CudaSupport.runs(10, 0), "Blackwell");
        assertFalse(CudaSupport.runs(12, 0), "Blackwell consumer");
    }

    @Test
    void anUnsupportedGpuIsRefusedInOneLineNamingItsCapabilityAndTheSupportedOnes() {
        assertEquals(Optional.empty(), CudaSupport.refusal(0, "NVIDIA A100-SXM4-40GB", 8, 0));
        assertEquals(Optional.of("GPU 1 (NVIDIA H100 80GB HBM3) has compute capability 9.0, which the ND4J 1.0.0-M2.1 "
                + "CUDA natives cannot run: they hold machine code for compute capabilities 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, "
                + "7.5, 8.0, 8.6 (and later minor versions of those, e.g. 8.9) and no PTX. Train with the CPU backend (the "
                + "default Maven profile) or on a GPU of those generations"),
                CudaSupport.refusal(1, "NVIDIA H100 80GB HBM3", 9, 0));
    }

    @Test
    void devicesAreReadFromNd4jsEnvironmentInformation() {
        List<Map<String, Object>> devices = List.of(
                Map.of("cuda.deviceName", "Tesla T4", "cuda.deviceMajor", 7, "cuda.deviceMinor", 5),
                Map.of("cuda.deviceName", "NVIDIA H200", "cuda.deviceMajor", "9", "cuda.deviceMinor", "0"));
        List<String> refusals = CudaSupport.refusals(devices);
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith("GPU 1 (NVIDIA H200) has compute capability 9.0,"), refusals.get(0));
        assertEquals(List.of(), CudaSupport.refusals(List.of(devices.get(0))));
        assertEquals(List.of(), CudaSupport.refusals(null), "the CPU backend reports no devices");
    }

    @Test
    void theCpuBackendPassesTheStartUpCheck() {
        CudaSupport.requireSupportedGpus();
        assertEquals("CPU", Backend.describe().get("backend"));
    }
}
