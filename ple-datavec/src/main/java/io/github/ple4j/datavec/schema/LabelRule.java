package io.github.ple4j.datavec.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.github.ple4j.model.config.TaskType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How a label column's text becomes a task label. Values are compared after the pipeline's trimming. A value
 * listed among the pipeline's missing-label values is never read by the rule: it gives mask 0 for that task.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LabelRule.Binary.class, name = "BINARY"),
        @JsonSubTypes.Type(value = LabelRule.Regression.class, name = "REGRESSION")})
public sealed interface LabelRule permits LabelRule.Binary, LabelRule.Regression {

    /** The ple-model task type the rule produces labels for. */
    TaskType taskType();

    /**
     * A binary label: 1 for a positive value, 0 for a negative one.
     *
     * @param positive values read as 1 (at least one; kept sorted and without duplicates)
     * @param negative values read as 0; when empty every value that is not positive is 0 (an open set),
     *                 otherwise the set is closed and any other value is an error
     */
    record Binary(List<String> positive, List<String> negative) implements LabelRule {
        public Binary {
            positive = sorted("positive", positive);
            negative = negative == null ? List.of() : sorted("negative", negative);
            if (positive.isEmpty()) {
                throw new IllegalArgumentException("binary label rule: positive must have at least one value but was empty");
            }
            for (String v : negative) {
                if (positive.contains(v)) {
                    throw new IllegalArgumentException("binary label rule: the value '" + v
                            + "' is both positive and negative");
                }
            }
        }

        /** Positive values; everything else is negative. */
        public static Binary open(String... positive) {
            return new Binary(List.of(positive), List.of());
        }

        /** Positive and negative values; anything else is an error. */
        public static Binary closed(List<String> positive, List<String> negative) {
            if (negative == null || negative.isEmpty()) {
                throw new IllegalArgumentException("binary label rule: a closed rule needs at least one negative value");
            }
            return new Binary(positive, negative);
        }

        /** Whether any value that is not positive is negative. */
        @JsonIgnore
        public boolean isOpen() {
            return negative.isEmpty();
        }

        @Override
        public TaskType taskType() {
            return TaskType.BINARY;
        }

        private static List<String> sorted(String what, List<String> values) {
            Objects.requireNonNull(values, what);
            for (String v : values) {
                if (v == null) {
                    throw new IllegalArgumentException("binary label rule: " + what + " values must not be null");
                }
            }
            return List.copyOf(new ArrayList<>(new TreeSet<>(values)));
        }
    }

    /** A real-valued label: the column is parsed as a finite number. */
    record Regression() implements LabelRule {
        @Override
        public TaskType taskType() {
            return TaskType.REGRESSION;
        }
    }
}
