package io.github.ple4j.datavec;

import io.github.ple4j.model.config.ConfigJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * JSON form of a fitted pipeline. Strict: unknown fields, nulls for numbers and trailing text are rejected;
 * the format name and version are checked before anything else, and a newer version is refused.
 */
final class PreprocessorJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PreprocessorJson() {
    }

    /**
     * Version 1 had no sample spaces, hashed, multi-valued or shared-table columns and no truncation counts: the
     * fields version 2 added get the values that mean "none".
     */
    private static void upgradeFromVersion1(com.fasterxml.jackson.databind.node.ObjectNode root) {
        root.put("formatVersion", 2);
        forEach(root.get("tasks"), t -> t.putNull("sampleSpace"));
        forEach(root.get("categorical"), c -> {
            c.put("maxSize", 0);
            c.put("buckets", 0);
            c.putNull("bag");
            c.putNull("table");
        });
        if (root.get("summary") instanceof com.fasterxml.jackson.databind.node.ObjectNode summary) {
            summary.putObject("truncatedBags");
        }
    }

    private static void forEach(JsonNode array, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> f) {
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    f.accept(o);
                }
            }
        }
    }

    static String write(PreprocessorState state) {
        try {
            return MAPPER.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the pipeline as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static PreprocessorState read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object but found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        JsonNode format = root.get("format");
        if (format == null || !FittedPipeline.FORMAT.equals(format.asText())) {
            throw new IllegalArgumentException(source + ": expected \"format\": \"" + FittedPipeline.FORMAT
                    + "\" but found " + (format == null ? "no format field" : format.toString()));
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt()) {
            throw new IllegalArgumentException(source + ": expected an integer \"formatVersion\" but found "
                    + (version == null ? "none" : version.toString()));
        }
        if (version.asInt() > FittedPipeline.FORMAT_VERSION) {
            throw new IllegalArgumentException(source + ": formatVersion " + version.asInt()
                    + " is newer than this version of ple-datavec reads (" + FittedPipeline.FORMAT_VERSION
                    + "); use a newer ple-datavec");
        }
        if (version.asInt() == 1) {
            upgradeFromVersion1((com.fasterxml.jackson.databind.node.ObjectNode) root);
        }
        try {
            return MAPPER.treeToValue(root, PreprocessorState.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(source + ": invalid pipeline at " + ConfigJson.jsonPath(e) + ": " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(source + ": invalid pipeline at " + ConfigJson.jsonPath(e) + ": "
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": invalid pipeline: " + e.getOriginalMessage(), e);
        }
    }
}
