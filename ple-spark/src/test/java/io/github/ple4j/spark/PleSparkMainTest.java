package io.github.ple4j.spark;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PleSparkMainTest {
    @Test
    void parsesOptionsAndFlags() {
        Map<String, String> a = PleSparkMain.parse(new String[]{"--config", "c.json", "--train", "hdfs:///t.csv",
                "--header", "--epochs", "3", "--output", "m.ple"});
        assertEquals(Map.of("--config", "c.json", "--train", "hdfs:///t.csv", "--header", "true", "--epochs", "3",
                "--output", "m.ple"), a);
    }

    @Test
    void rejectsUnknownOrIncompleteArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PleSparkMain.parse(new String[]{"--epoch", "3"}))
                .getMessage().startsWith("unknown or incomplete argument '--epoch'"));
        assertThrows(IllegalArgumentException.class, () -> PleSparkMain.parse(new String[]{"--config"}));
    }
}
