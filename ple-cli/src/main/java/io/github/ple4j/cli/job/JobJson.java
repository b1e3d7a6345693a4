package io.github.ple4j.cli.job;

import io.github.ple4j.model.config.ConfigJson;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a {@link JobConfig}. Strict: unknown fields, duplicate keys, trailing text, nulls for numbers and
 * fractions for integers are rejected; enum values ignore case. Errors name the source, the JSON path and the
 * problem, e.g. {@code job.json: invalid job config at $.csv.labels[0]: positive must have at least one value}.
 */
public final class JobJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JobJson() {
    }

    /** The mapper (strict, for records). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses and validates a job config.
     *
     * @param json   the text
     * @param source where it came from, for messages
     * @throws JobConfigException naming the source, the JSON path and the problem
     */
    public static JobConfig fromJson(String json, String source) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            String unknown = UnknownFields.find(tree, JobConfig.class, "$");
            if (unknown != null) {
                throw new JobConfigException(source + ": invalid job config at " + unknown, null);
            }
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new JobConfigException(source + ": expected a JSON object but found "
                        + (tree != null && tree.isNull() ? "null" : "no JSON value"), null);
            }
            JobConfig job = MAPPER.treeToValue(tree, JobConfig.class);
            return job;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new JobConfigException(source + ": invalid job config at " + ConfigJson.jsonPath(e) + ": " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            StreamReadException syntax = ConfigJson.syntaxCause(e);
            if (syntax != null) {
                throw notJson(source, syntax, e);
            }
            throw new JobConfigException(source + ": invalid job config at " + ConfigJson.jsonPath(e) + ": "
                    + oneLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw notJson(source, e, e);
        }
    }

    /** The complete JSON form (every default filled in). */
    public static String toJson(JobConfig job) {
        try {
            return MAPPER.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the job config as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Whether two jobs are the same (compared as complete JSON trees). */
    public static boolean same(JobConfig a, JobConfig b) {
        try {
            JsonNode x = MAPPER.readTree(toJson(a));
            JsonNode y = MAPPER.readTree(toJson(b));
            return x.equals(y);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JobConfigException notJson(String source, JsonProcessingException syntax, Exception e) {
        return new JobConfigException(source + ": not valid JSON at line "
                + (syntax.getLocation() == null ? "?" : syntax.getLocation().getLineNr()) + ": "
                + oneLine(syntax.getOriginalMessage()), e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
