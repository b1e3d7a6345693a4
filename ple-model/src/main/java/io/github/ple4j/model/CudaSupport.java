package io.github.ple4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which GPUs the CUDA natives of ND4J 1.0.0-M2.1 can run, and the start-up check that refuses the others with one
 * line instead of a failure deep inside the first kernel launch.
 *
 * <p>{@code libnd4jcuda.so} in {@code nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar} holds 228 CUDA fat binaries in
 * its {@code .nv_fatbin} section, each with machine code (SASS) for compute capabilities 3.7, 5.0, 5.2, 6.0, 6.1,
 * 7.0, 7.5, 8.0 and 8.6 and no PTX (read with {@code docs/tools/cuda_archs.py}). SASS runs on its own
 * architecture and on later minor versions of the same major one, and without PTX the driver has nothing to
 * compile for anything else: Kepler K80 (3.7) through Ampere (8.6) and Ada (8.9, through 8.6's code) run it;
 * Kepler before the K80, Volta's Jetson Xavier (7.2: 7.0's code runs there), and Hopper (9.0) and later do not.
 */
public final class CudaSupport {
    /** Compute capabilities (major * 10 + minor) with machine code in the 1.0.0-M2.1 CUDA natives. */
    public static final List<Integer> SASS = List.of(37, 50, 52, 60, 61, 70, 75, 80, 86);

    private CudaSupport() {
    }

    /** Whether a GPU of compute capability {@code major.minor} runs the natives. */
    public static boolean runs(int major, int minor) {
        for (int sm : SASS) {
            if (sm / 10 == major && sm % 10 <= minor) {
                return true;
            }
        }
        return false;
    }

    /** "3.7, 5.0, ..., 8.6". */
    static String supportedList() {
        return SASS.stream().map(sm -> sm / 10 + "." + sm % 10).collect(Collectors.joining(", "));
    }

    /**
     * The refusal for one device, or empty when it is supported.
     *
     * @param device 0-based device number
     * @param name   the device's name as the driver reports it
     */
    public static Optional<String> refusal(int device, String name, int major, int minor) {
        if (runs(major, minor)) {
            return Optional.empty();
        }
        return Optional.of("GPU " + device + " (" + name + ") has compute capability " + major + "." + minor
                + ", which the ND4J " + Versions.ND4J + " CUDA natives cannot run: they hold machine code for compute "
                + "capabilities " + supportedList() + " (and later minor versions of those, e.g. 8.9) and no PTX. Train "
                + "with the CPU backend (the default Maven profile) or on a GPU of those generations");
    }

    /**
     * The refusals for the devices ND4J reports ({@code Nd4jEnvironment}'s {@code cuda.devicesInformation}: one map
     * per device with {@code cuda.deviceName}, {@code cuda.deviceMajor}, {@code cuda.deviceMinor}); empty when all
     * are supported or the list is absent (the CPU backend).
     */
    static List<String> refusals(Object devicesInformation) {
        List<String> out = new ArrayList<>();
        if (!(devicesInformation instanceof List<?> devices)) {
            return out;
        }
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) instanceof Map<?, ?> d) {
                int major = Integer.parseInt(String.valueOf(d.get("cuda.deviceMajor")));
                int minor = Integer.parseInt(String.valueOf(d.get("cuda.deviceMinor")));
                refusal(i, String.valueOf(d.get("cuda.deviceName")), major, minor).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Throws at start-up when the loaded backend is CUDA and a GPU cannot run its natives. Called once, when the
     * first {@link PleModel} is made.
     *
     * @throws IllegalStateException naming the first unsupported GPU, its compute capability and the supported ones
     */
    static void requireSupportedGpus() {
        Object info;
        try {
            info = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        } catch (RuntimeException e) {
            return;     // no device information (CPU backend): nothing to check
        }
        List<String> refusals = refusals(info);
        if (!refusals.isEmpty()) {
            throw new IllegalStateException(refusals.get(0));
        }
    }
}
