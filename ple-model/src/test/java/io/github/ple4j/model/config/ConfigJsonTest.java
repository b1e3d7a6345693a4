package io.github.ple4j.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigJsonTest {

    /** A config that uses every feature. */
    static PleConfig full(LossWeighting weighting) {
        return PleConfig.builder()
                .inputs(new InputSpec(5, List.of(new CategoricalField("city", 12, 3),
                        new CategoricalField("device-type", 4, 2))))
                .task(TaskSpec.binary("click", 8, 4))
                .task(TaskSpec.binary("like", 4).withLossWeight(0.5))
                .task(TaskSpec.regression("watch_time").withLossWeight(2.0))
                .extraction(new ExtractionSpec(2, 2, 1, List.of(16, 8), Activation.ELU))
                .gate(new GateSpec(true))
                .dropout(0.2)
                .l2(1e-4)
                .seed(-7L)
                .dataType(ModelDataType.DOUBLE)
                .training(new TrainingSpec(new OptimizerSpec(OptimizerSpec.Type.NESTEROVS, 0.05), 7, weighting,
                        new EarlyStopping("watch_time.mae", 3, 1e-3, false)))
                .build();
    }

    static PleConfig full() {
        return full(new LossWeighting.DynamicDecay(0.9, Map.of("like", 0.5, "watch_time", 0.99),
                LossWeighting.DecayUnit.STEP));
    }

    private static PleConfig jsonTemplate() {
        return PleConfig.builder().denseInputs(3).task(TaskSpec.binary("a", 2))
                .extraction(ExtractionSpec.ple(2, 1, 1, 4)).build();
    }

    private static IllegalArgumentException rejected(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ConfigJson.fromJson(json, "cfg.json"));
    }

    @Test
    void roundTripDynamicDecay() {
        PleConfig c = full();
        String json = ConfigJson.toJson(c);
        PleConfig back = ConfigJson.fromJson(json, "test");
        assertEquals(c, back);
        assertEquals(json, ConfigJson.toJson(back));
        assertEquals(0.5, ((LossWeighting.DynamicDecay) back.training().weighting()).gammaFor("like"));
        assertEquals(0.9, ((LossWeighting.DynamicDecay) back.training().weighting()).gammaFor("click"));
    }

    @Test
    void roundTripUncertaintyAndFixed() {
        for (LossWeighting w : List.of(new LossWeighting.Uncertainty(-0.25), LossWeighting.fixed())) {
            PleConfig c = full(w);
            PleConfig back = ConfigJson.fromJson(ConfigJson.toJson(c), "test");
            assertEquals(c, back);
            assertEquals(w, back.training().weighting());
        }
        // Different weightings are different configs.
        assertNotEquals(full(LossWeighting.fixed()), full(new LossWeighting.Uncertainty(0)));
    }

    @Test
    void roundTripThroughFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        ConfigJson.write(full(), f);
        assertEquals(full(), ConfigJson.read(f));
    }

    @Test
    void roundTripTablesBagsAndEmbeddingOptimizer() {
        PleConfig c = PleConfig.builder()
                .inputs(new InputSpec(1, List.of(new CategoricalField("item", 50, 4),
                        new CategoricalField("history", 50, 4).withTable("item").asBag(7, Pooling.MEAN))))
                .task(TaskSpec.binary("a", 2)).extraction(ExtractionSpec.mmoe(2, 3))
                .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.rowwiseAdagrad()
                        .withLearningRate(0.02)))
                .build();
        String json = ConfigJson.toJson(c);
        assertEquals(c, ConfigJson.fromJson(json, "test"));
        assertTrue(json.replace("\r\n", "\n").contains("\"bag\" : {\n        \"maxLength\" : 7,\n        \"pooling\" : \"MEAN\"\n      }"),
                json);
        // A config written before tables and bags existed reads as single-valued fields with tables of their own.
        String old = json.replace("\"table\" : \"item\",", "").replaceAll(",\\s*\"bag\" : null", "");
        assertEquals(new CategoricalField("item", 50, 4), ConfigJson.fromJson(old, "old").inputs().categorical().get(0));
    }

    @Test
    void pinnedJsonText() {
        String json = ConfigJson.toJson(full());
        assertTrue(json.contains("\"type\" : \"dynamic-decay\""), json);
        assertTrue(json.contains("\"unit\" : \"STEP\""), json);
        assertTrue(json.contains("\"dataType\" : \"DOUBLE\""), json);
        assertTrue(json.contains("\"type\" : \"REGRESSION\""), json);
        assertTrue(json.contains("\"metric\" : \"watch_time.mae\""), json);
        assertTrue(json.contains("\"name\" : \"device-type\""), json);
        assertTrue(json.contains("\"seed\" : -7"), json);
        String fixed = ConfigJson.toJson(full(LossWeighting.fixed()));
        assertTrue(fixed.contains("\"weighting\" : {\n      \"type\" : \"fixed\"\n    }"), fixed);
        String unc = ConfigJson.toJson(full(new LossWeighting.Uncertainty(-0.25)));
        assertTrue(unc.contains("\"type\" : \"uncertainty\""), unc);
        assertTrue(unc.contains("\"initialLogVariance\" : -0.25"), unc);
    }

    @Test
    void pinnedSmallConfig() {
        String expected = """
                {
                  "inputs" : {
                    "denseSize" : 3,
                    "categorical" : [ ]
                  },
                  "tasks" : [ {
                    "name" : "a",
                    "type" : "BINARY",
                    "lossWeight" : 1.0,
                    "towerHidden" : [ 2 ]
                  } ],
                  "extraction" : {
                    "levels" : 2,
                    "expertsPerTask" : 1,
                    "sharedExperts" : 1,
                    "expertHidden" : [ 4 ],
                    "activation" : "RELU"
                  },
                  "gate" : {
                    "bias" : false
                  },
                  "dropout" : 0.0,
                  "l2" : 0.0,
                  "seed" : 42,
                  "dataType" : "FLOAT",
                  "training" : {
                    "optimizer" : {
                      "type" : "ADAM",
                      "learningRate" : 0.001
                    },
                    "epochs" : 10,
                    "weighting" : {
                      "type" : "fixed"
                    },
                    "earlyStopping" : null,
                    "embeddingOptimizer" : {
                      "type" : "DENSE",
                      "learningRate" : null
                    }
                  }
                }""";
        assertEquals(expected, ConfigJson.toJson(jsonTemplate()).replace("\r\n", "\n"));
    }

    @Test
    void unknownFieldRejectedWithPath() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"levels\" : 2", "\"levels\" : 2, \"expertz\" : 3");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.extraction.expertz: "
                + "Unrecognized field \"expertz\""), e.getMessage());
    }

    @Test
    void unknownFieldInListRejectedWithIndexedPath() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"name\" : \"a\"", "\"name\" : \"a\", \"colour\" : 1");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.tasks[0].colour: "
                + "Unrecognized field \"colour\""), e.getMessage());
    }

    @Test
    void invalidValueGivesValidationMessageWithSource() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"levels\" : 2", "\"levels\" : 0");
        assertEquals("cfg.json: invalid config: extraction.levels must be >= 1 but was 0", rejected(json).getMessage());
        String json2 = ConfigJson.toJson(jsonTemplate()).replace("\"dropout\" : 0.0", "\"dropout\" : 1.5");
        assertEquals("cfg.json: invalid config: dropout must be in [0, 1) but was 1.5", rejected(json2).getMessage());
    }

    @Test
    void malformedJsonGivesLine() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"levels\" : 2,", "\"levels\" : 2,,");
        IllegalArgumentException e = rejected(json);
        int line = 1 + (int) json.substring(0, json.indexOf("\"levels\"")).chars().filter(ch -> ch == '\n').count();
        assertEquals(13, line);
        assertTrue(e.getMessage().startsWith("cfg.json: not valid JSON at line 13: "), e.getMessage());
    }

    @Test
    void malformedTopLevelJsonGivesLine() {
        IllegalArgumentException e = rejected("{\n  \"dropout\" : 0.1,\n  ]");
        assertTrue(e.getMessage().startsWith("cfg.json: not valid JSON at line 3: "), e.getMessage());
    }

    @Test
    void truncatedJsonGivesLine() {
        String json = ConfigJson.toJson(jsonTemplate());
        String head = json.substring(0, json.indexOf("\"gate\""));
        IllegalArgumentException e = rejected(head);
        int lines = (int) head.chars().filter(ch -> ch == '\n').count() + 1;
        assertEquals(19, lines);
        assertTrue(e.getMessage().startsWith("cfg.json: not valid JSON at line 19: Unexpected end-of-input"),
                e.getMessage());
    }

    @Test
    void fractionalIntegerRejected() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"levels\" : 2", "\"levels\" : 2.7");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.extraction.levels: "), e.getMessage());
    }

    @Test
    void nullGammaInJsonNamed() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"type\" : \"fixed\"",
                "\"type\" : \"dynamic-decay\", \"gamma\" : 0.9, \"unit\" : \"EPOCH\", \"gammaByTask\" : {\"a\" : null}");
        assertEquals("cfg.json: invalid config: training.weighting.gammaByTask.a must be a finite number > 0 but was NaN",
                rejected(json).getMessage());
    }

    @Test
    void nullListElementInJsonNamed() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"tasks\" : [ {", "\"tasks\" : [ null, {");
        assertEquals("cfg.json: invalid config: tasks[0] must be set but was null", rejected(json).getMessage());
    }

    @Test
    void missingPrimitiveRejected() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"lossWeight\" : 1.0,", "");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.tasks[0].lossWeight: "), e.getMessage());
    }

    @Test
    void trailingTokensRejected() {
        IllegalArgumentException e = rejected(ConfigJson.toJson(jsonTemplate()) + " {}");
        assertTrue(e.getMessage().startsWith("cfg.json: "), e.getMessage());
        assertTrue(e.getMessage().contains("Trailing token"), e.getMessage());
    }

    @Test
    void unknownWeightingType() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"type\" : \"fixed\"", "\"type\" : \"magic\"");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.training.weighting: "
                + "Could not resolve type id 'magic'"), e.getMessage());
        assertTrue(e.getMessage().contains("known type ids = [dynamic-decay, fixed, uncertainty]"), e.getMessage());
    }

    @Test
    void unknownEnumValue() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"RELU\"", "\"SWISH\"");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.extraction.activation: "), e.getMessage());
        assertTrue(e.getMessage().contains("SWISH"), e.getMessage());
    }

    @Test
    void nullForPrimitiveRejected() {
        String json = ConfigJson.toJson(jsonTemplate()).replace("\"seed\" : 42", "\"seed\" : null");
        IllegalArgumentException e = rejected(json);
        assertTrue(e.getMessage().startsWith("cfg.json: invalid config at $.seed: "), e.getMessage());
    }

    @Test
    void readMissingFileThrows(@TempDir Path dir) {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ConfigJson.read(dir.resolve("none.json")));
    }

    @Test
    void readNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    }
}
