package io.github.ple4j.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON form of {@link PleConfig}. Unknown fields are rejected so a typo cannot pass silently. */
public final class ConfigJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ConfigJson() {
    }

    /** The shared mapper (configured for records and strict reading). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serialises a config. */
    public static String toJson(PleConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write config as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses and validates a config.
     *
     * @param json   the JSON text
     * @param source where it came from, for error messages (a file name, "bundle config.json", ...)
     * @throws IllegalArgumentException naming the source, the JSON path and the problem
     */
    public static PleConfig fromJson(String json, String source) {
        try {
            return MAPPER.readValue(json, PleConfig.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(source + ": invalid config: " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            StreamReadException syntax = syntaxCause(e);
            if (syntax != null) {
                throw notJson(source, syntax, e);
            }
            throw new IllegalArgumentException(source + ": invalid config at " + jsonPath(e) + ": "
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw notJson(source, e, e);
        }
    }

    private static IllegalArgumentException notJson(String source, JsonProcessingException syntax, Exception e) {
        return new IllegalArgumentException(source + ": not valid JSON at line "
                + (syntax.getLocation() == null ? "?" : syntax.getLocation().getLineNr()) + ": "
                + syntax.getOriginalMessage(), e);
    }

    /** Reads a config file. */
    public static PleConfig read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Writes a config file. */
    public static void write(PleConfig config, Path file) {
        try {
            Files.writeString(file, toJson(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write config to " + file, e);
        }
    }

    /**
     * A syntax error that Jackson reports wrapped in a mapping exception (it does so for errors inside
     * nested objects), or null when the exception is not about syntax.
     */
    public static StreamReadException syntaxCause(JsonMappingException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof StreamReadException syntax) {
                return syntax;
            }
        }
        return null;
    }

    /** Where a mapping error happened, as a JSON path: {@code $.tasks[0].name}. */
    public static String jsonPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
