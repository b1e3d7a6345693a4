package io.github.ple4j.datavec.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SyntheticTasksSpecTest {

    private static final SyntheticTasksSpec VALID = new SyntheticTasksSpec(4, 1.0, 0.5, 2, 0.1, 42L);

    @Test
    void defaultsFollowThePlePaper() {
        SyntheticTasksSpec spec = SyntheticTasksSpec.defaults(0.7, 9L);
        assertEquals(new SyntheticTasksSpec(512, 1.0, 0.7, 10, 0.1, 9L), spec);
    }

    @Test
    void withersReplaceExactlyOneComponent() {
        assertEquals(new SyntheticTasksSpec(100, 1.0, 0.5, 2, 0.1, 42L), VALID.withDimension(100));
        assertEquals(new SyntheticTasksSpec(4, 2.5, 0.5, 2, 0.1, 42L), VALID.withScale(2.5));
        assertEquals(new SyntheticTasksSpec(4, 1.0, -1.0, 2, 0.1, 42L), VALID.withCorrelation(-1.0));
        assertEquals(new SyntheticTasksSpec(4, 1.0, 0.5, 0, 0.1, 42L), VALID.withSinTerms(0));
        assertEquals(new SyntheticTasksSpec(4, 1.0, 0.5, 2, 0.0, 42L), VALID.withNoiseStd(0.0));
        assertEquals(new SyntheticTasksSpec(4, 1.0, 0.5, 2, 0.1, 7L), VALID.withSeed(7L));
    }

    @Test
    void boundaryValuesAreAccepted() {
        new SyntheticTasksSpec(2, Double.MIN_VALUE, -1.0, 0, 0.0, 0L);
        new SyntheticTasksSpec(2, 1.0, 1.0, 0, 0.0, 0L);
    }

    @Test
    void dimensionIsValidated() {
        assertMessage("dimension must be >= 2 but was 1", () -> VALID.withDimension(1));
        assertMessage("dimension must be >= 2 but was -3", () -> VALID.withDimension(-3));
    }

    @Test
    void scaleIsValidated() {
        assertMessage("scale must be finite and > 0 but was 0.0", () -> VALID.withScale(0.0));
        assertMessage("scale must be finite and > 0 but was -1.0", () -> VALID.withScale(-1.0));
        assertMessage("scale must be finite and > 0 but was NaN", () -> VALID.withScale(Double.NaN));
        assertMessage("scale must be finite and > 0 but was Infinity",
                () -> VALID.withScale(Double.POSITIVE_INFINITY));
    }

    @Test
    void correlationIsValidated() {
        assertMessage("correlation must be in [-1, 1] but was 1.5", () -> VALID.withCorrelation(1.5));
        assertMessage("correlation must be in [-1, 1] but was -1.0000001",
                () -> VALID.withCorrelation(-1.0000001));
        assertMessage("correlation must be in [-1, 1] but was NaN", () -> VALID.withCorrelation(Double.NaN));
    }

    @Test
    void sinTermsAreValidated() {
        assertMessage("sinTerms must be >= 0 but was -1", () -> VALID.withSinTerms(-1));
    }

    @Test
    void noiseStdIsValidated() {
        assertMessage("noiseStd must be finite and >= 0 but was -0.1", () -> VALID.withNoiseStd(-0.1));
        assertMessage("noiseStd must be finite and >= 0 but was NaN", () -> VALID.withNoiseStd(Double.NaN));
        assertMessage("noiseStd must be finite and >= 0 but was Infinity",
                () -> VALID.withNoiseStd(Double.POSITIVE_INFINITY));
    }

    private static void assertMessage(String expected, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertEquals(expected, e.getMessage());
    }
}
