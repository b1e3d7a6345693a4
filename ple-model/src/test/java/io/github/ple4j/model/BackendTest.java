package io.github.ple4j.model;

import io.github.ple4j.model.BackendSelection.Candidate;
import io.github.ple4j.model.BackendSelection.Kind;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendTest {
    private static final Candidate CPU = new Candidate(Kind.CPU, true);
    private static final Candidate CUDA = new Candidate(Kind.CUDA, true);
    private static final Candidate CUDA_NO_GPU = new Candidate(Kind.CUDA, false);

    @Test
    void defaultPrioritiesPreferCuda() {
        assertEquals(Kind.CUDA, BackendSelection.choose(List.of(CPU, CUDA), Map.of()));
    }

    @Test
    void raisingTheCpuPriorityPrefersCpu() {
        assertEquals(Kind.CPU, BackendSelection.choose(List.of(CUDA, CPU), Map.of("BACKEND_PRIORITY_CPU", "200")));
        assertEquals(Kind.CPU, BackendSelection.choose(List.of(CUDA, CPU), Map.of("BACKEND_PRIORITY_GPU", "-1")));
    }

    @Test
    void unavailableCudaFallsBackToCpu() {
        assertEquals(Kind.CPU, BackendSelection.choose(List.of(CPU, CUDA_NO_GPU), Map.of()));
    }

    @Test
    void noAvailableBackendIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BackendSelection.choose(List.of(CUDA_NO_GPU), Map.of()));
        assertEquals("no ND4J backend available among [Candidate[kind=CUDA, available=false]]; put nd4j-native "
                + "(Maven profile cpu) or nd4j-cuda-11.6 (profile cuda) on the classpath", e.getMessage());
        assertEquals("BACKEND_PRIORITY_GPU must be an integer but was 'high'", assertThrows(IllegalArgumentException.class,
                () -> BackendSelection.priority(Kind.CUDA, Map.of("BACKEND_PRIORITY_GPU", "high"))).getMessage());
    }

    @Test
    void findsTheNativeJarOnAClassPath() {
        String sep = java.io.File.pathSeparator;
        assertEquals("nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar", Backend.nativeJar(String.join(sep,
                "/m2/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1.jar",
                "/m2/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar")));
        assertEquals("nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64-cudnn.jar", Backend.nativeJar(
                "lib/nd4j-cuda-11.6-1.0.0-M2.1.jar" + sep + "lib/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64-cudnn.jar"));
        assertEquals("?", Backend.nativeJar("app.jar"));
    }

    /** Our model of the rule agrees with ND4J's own constants and with the backend this JVM loaded. */
    @Test
    void agreesWithNd4j() {
        assertEquals(Nd4jBackend.BACKEND_PRIORITY_CPU, BackendSelection.priority(Kind.CPU, System.getenv()));
        assertEquals(Nd4jBackend.BACKEND_PRIORITY_GPU, BackendSelection.priority(Kind.CUDA, System.getenv()));
        assertEquals(Nd4jBackend.BACKEND_PRIORITY_CPU, Nd4j.getBackend().getPriority());
        assertEquals("CPU", Backend.describe().get("backend"));
        assertTrue(Backend.summary().startsWith("ND4J backend CPU "), Backend.summary());
    }

    /** The build the tests run on is the one the extension property names (CI sets it to NativeSelection's pick). */
    @Test
    void theLoadedBuildIsTheOneTheExtensionNames() {
        Nd4j.create(1);
        String extension = System.getProperty(NativeSelection.EXTENSION_PROPERTY, "");
        assertEquals("nd4j-native-" + Versions.ND4J + "-" + org.bytedeco.javacpp.Loader.getPlatform() + extension + ".jar",
                Backend.loadedNativeJar());
    }
    /**
     * The OpenBLAS the process mapped: the system's when {@code ple4j.blas=system} (CI runs the plan and gradient
     * tests so), the bundled one in JavaCPP's cache otherwise.
     */
    @Test
    void theMappedOpenBlasIsTheOneAskedFor() {
        Nd4j.create(2, 2).mmul(Nd4j.create(2, 2));
        String mapped = Backend.describe().get("blasLibrary");
        if ("system".equals(System.getProperty(SystemBlas.PROPERTY))) {
            String system = SystemBlas.resolved(SystemBlas.find().orElseThrow());
            assertTrue(mapped.contains(system), mapped + " does not contain " + system);
            assertTrue(!mapped.contains("openblas-0.3.19"), "the bundled library stays out: " + mapped);
        } else if (System.getProperty(SystemBlas.PROPERTY) == null || "bundled".equals(System.getProperty(SystemBlas.PROPERTY))) {
            assertTrue(mapped.contains("openblas-0.3.19"), "the bundled library: " + mapped);
        }
    }
}
