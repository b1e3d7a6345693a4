package io.github.ple4j.dl4j;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamKeysTest {
    @Test
    void mapsUnderscoresBothWays() {
        assertEquals("level1/experts/click.rate/layer0/W", ParamKeys.toDl4j("level1/experts/click_rate/layer0/W"));
        assertEquals("level1/experts/click_rate/layer0/W", ParamKeys.toPle("level1/experts/click.rate/layer0/W"));
        assertEquals("tower/a-b/head/b", ParamKeys.toDl4j("tower/a-b/head/b"));
    }

    @Test
    void rejectsNamesOutsideTheBijection() {
        assertThrows(IllegalArgumentException.class, () -> ParamKeys.toDl4j("tower/a.b/head/W"));
        assertThrows(IllegalArgumentException.class, () -> ParamKeys.toPle("tower/a_b/head/W"));
    }

    /** Every parameter of a model whose task and field names contain '_' maps to a distinct key without '_'. */
    @Test
    void everyModelParameterRoundTrips() {
        PleConfig config = PleConfig.builder()
                .inputs(new InputSpec(3, List.of(new CategoricalField("user_id", 5, 2))))
                .task(TaskSpec.binary("ctr_task", 3)).task(TaskSpec.binary("ctr-task", 3))
                .extraction(ExtractionSpec.ple(2, 1, 1, 4)).build();
        try (PleModel model = PleModel.create(config)) {
            Set<String> keys = new HashSet<>();
            for (String name : model.parameters().keySet()) {
                String key = ParamKeys.toDl4j(name);
                assertFalse(key.contains("_"), key);
                assertTrue(keys.add(key), "duplicate key " + key);
                assertEquals(name, ParamKeys.toPle(key));
            }
            assertTrue(keys.contains("level1/experts/ctr.task/layer0/W"), keys.toString());
            assertTrue(keys.contains("embedding/user.id"), keys.toString());
        }
    }
}
