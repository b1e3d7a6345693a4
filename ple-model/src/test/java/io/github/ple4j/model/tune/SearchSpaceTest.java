package io.github.ple4j.model.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.github.ple4j.model.config.ConfigJson;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchSpaceTest {
    private static JsonNode json(String text) {
        try {
            return ConfigJson.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void drawsAreInRangeDeterministicPerTrialAndCoverEveryChoice() {
        SearchSpace s = SearchSpace.parse("{\"lr\": {\"logUniform\": [0.0001, 0.01]}, \"d\": {\"uniform\": [0, 0.5]},"
                + " \"n\": {\"int\": [1, 3]}, \"h\": {\"choice\": [[16], [32, 16], \"x\"]}}", "s.json");
        Set<Integer> ints = new HashSet<>();
        Set<String> choices = new HashSet<>();
        for (int t = 0; t < 300; t++) {
            Map<String, JsonNode> v = s.sample(5, t);
            assertEquals(v, s.sample(5, t), "trial " + t + " draws the same values every time");
            double lr = v.get("lr").asDouble();
            assertTrue(lr >= 1e-4 && lr < 1e-2, "lr " + lr);
            double d = v.get("d").asDouble();
            assertTrue(d >= 0 && d < 0.5);
            ints.add(v.get("n").asInt());
            choices.add(v.get("h").toString());
        }
        assertEquals(Set.of(1, 2, 3), ints, "both ends of an int range are drawn");
        assertEquals(Set.of("[16]", "[32,16]", "\"x\""), choices);
        assertTrue(!s.sample(5, 0).equals(s.sample(6, 0)), "another seed, other values");
        assertEquals(List.of("lr", "d", "n", "h"), List.copyOf(s.sample(5, 0).keySet()));
        assertEquals(s.toJson(), SearchSpace.parse(s.toJson().toString(), "round trip").toJson());
    }

    @Test
    void badSpacesNameTheParameter() {
        assertEquals("f.json: parameter 'lr': logUniform needs low > 0 but was [0,1]", assertThrows(
                IllegalArgumentException.class, () -> SearchSpace.parse("{\"lr\": {\"logUniform\": [0, 1]}}", "f.json"))
                .getMessage());
        assertEquals("f.json: parameter 'n': int needs integer bounds but was [1,2.5]", assertThrows(
                IllegalArgumentException.class, () -> SearchSpace.parse("{\"n\": {\"int\": [1, 2.5]}}", "f.json"))
                .getMessage());
        assertEquals("f.json: parameter 'x': unknown kind 'normal'; the kinds are uniform, logUniform, int, choice",
                assertThrows(IllegalArgumentException.class,
                        () -> SearchSpace.parse("{\"x\": {\"normal\": [0, 1]}}", "f.json")).getMessage());
        assertEquals("f.json: parameter 'h': choice needs a non-empty list of values but was []", assertThrows(
                IllegalArgumentException.class, () -> SearchSpace.parse("{\"h\": {\"choice\": []}}", "f.json")).getMessage());
        assertEquals("f.json: the search space has no parameter", assertThrows(IllegalArgumentException.class,
                () -> SearchSpace.parse("{}", "f.json")).getMessage());
    }

    @Test
    void overridesSetEveryKnownNameAndRefuseOthers() {
        PleConfig base = PleConfig.builder().inputs(InputSpec.dense(4)).task(TaskSpec.binary("a")).task(TaskSpec.binary("b"))
                .extraction(ExtractionSpec.ple(2, 1, 1, 8)).build();
        Map<String, JsonNode> p = new LinkedHashMap<>();
        p.put("learningRate", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.005));
        p.put("dropout", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.2));
        p.put("l2", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1e-4));
        p.put("levels", IntNode.valueOf(3));
        p.put("expertsPerTask", IntNode.valueOf(2));
        p.put("sharedExperts", IntNode.valueOf(4));
        p.put("expertHidden", json("[64, 32]"));
        p.put("activation", json("\"gelu\""));
        p.put("gateBias", json("true"));
        p.put("towerHidden", json("[16]"));
        p.put("batchSize", IntNode.valueOf(512));
        PleConfig c = ConfigOverrides.apply(base, p, Set.of("batchSize"));
        assertEquals(0.005, c.training().optimizer().learningRate());
        assertEquals(0.2, c.dropout());
        assertEquals(1e-4, c.l2());
        assertEquals(ExtractionSpec.builder().levels(3).expertsPerTask(2).sharedExperts(4).expertHidden(64, 32)
                .activation(io.github.ple4j.model.config.Activation.GELU).build(), c.extraction());
        assertTrue(c.gate().bias());
        assertEquals(List.of(16), c.tasks().get(1).towerHidden());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(base, Map.of("width", IntNode.valueOf(3)), Set.of("batchSize")));
        assertEquals("search space parameter 'width' is not a known hyper-parameter; the known ones are [learningRate, "
                + "optimizer, dropout, l2, levels, expertsPerTask, sharedExperts, expertHidden, activation, gateBias, "
                + "towerHidden, batchSize]", unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(base, Map.of("levels", json("\"two\"")), Set.of()));
        assertEquals("search space parameter 'levels': cannot use the value \"two\": expected an integer", bad.getMessage());
        assertEquals(512, ConfigOverrides.batchSize(p, 256));
        assertEquals(256, ConfigOverrides.batchSize(Map.of(), 256));
        assertEquals("search space parameter 'batchSize': cannot use the value 2.5: expected an integer >= 1",
                assertThrows(IllegalArgumentException.class, () -> ConfigOverrides.batchSize(Map.of("batchSize",
                        json("2.5")), 256)).getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class, () -> ConfigOverrides.apply(base,
                Map.of("expertsPerTask", IntNode.valueOf(0), "sharedExperts", IntNode.valueOf(0)), Set.of()));
        assertTrue(invalid.getMessage().endsWith("give an invalid model: extraction must have expertsPerTask >= 1 or "
                + "sharedExperts >= 1 but both were 0"), invalid.getMessage());
    }
}
