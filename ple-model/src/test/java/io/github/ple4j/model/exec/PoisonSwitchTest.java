package io.github.ple4j.model.exec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run by CI's poisoned plan step only (tag "poison", excluded by default): fails when
 * {@code -Dple.test.jvmArgs=-Dple4j.plan.poison=true} does not reach the test JVM, so the poisoned run cannot
 * silently test nothing.
 */
@Tag("poison")
class PoisonSwitchTest {
    @Test
    void theSwitchReachesTheTestJvm() {
        assertTrue(Boolean.getBoolean("ple4j.plan.poison"), "-Dple4j.plan.poison=true did not reach the test JVM");
        assertTrue(BufferPool.POISON);
        assertTrue(new BufferPool().poisons());
    }
}
