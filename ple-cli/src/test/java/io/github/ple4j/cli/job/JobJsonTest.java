package io.github.ple4j.cli.job;

import io.github.ple4j.cli.ExitCodes;
import io.github.ple4j.model.config.TaskType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job config JSON: defaults, a lossless round trip, and errors that name the JSON path. */
class JobJsonTest {
    static final String MINIMAL = """
            {"csv": {"dense": ["age"], "labels": [{"task": "click", "column": "clicked", "type": "BINARY"}]}}""";

    @Test
    void minimalConfigGetsDefaults() {
        JobConfig j = JobJson.fromJson(MINIMAL, "job.json");
        assertEquals(",", j.csv().delimiter());
        assertTrue(j.csv().header());
        assertEquals(List.of(""), j.csv().missingLabelValues());
        assertEquals(List.of("1"), j.csv().labels().get(0).positive());
        assertEquals(List.of("0"), j.csv().labels().get(0).negative());
        assertEquals(256, j.batchSize());
        assertEquals(ModelSpec.DEFAULT_EXTRACTION, j.model().extraction());
        assertEquals(10, j.model().training().epochs());
        assertEquals(42L, j.model().seed());
    }

    @Test
    void roundTripIsLosslessAndComplete() {
        JobConfig j = JobJson.fromJson(MINIMAL.replace("\"BINARY\"", "\"binary\""), "job.json");
        assertEquals(TaskType.BINARY, j.csv().labels().get(0).type(), "enum values ignore case");
        String json = JobJson.toJson(j);
        assertTrue(json.contains("\"extraction\""), json);
        assertTrue(JobJson.same(j, JobJson.fromJson(json, "again")));
    }

    private static String error(String json) {
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobJson.fromJson(json, "job.json"));
        assertEquals(ExitCodes.BAD_MODEL_OR_CONFIG, e.exitCode());
        assertTrue(e.getMessage().startsWith("job.json: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void errorsNameTheJsonPath() {
        assertTrue(error(MINIMAL.replace("\"dense\"", "\"dnese\"")).contains("at $.csv: unknown field 'dnese'; the fields are "
                + "[delimiter, header, columns, dense, ids, "));
        assertTrue(error(MINIMAL.replace("}}", "}, \"model\": {\"training\": {\"weighting\": {\"type\": \"fixed\", \"gama\": 1}}}}"))
                .contains("at $.model.training.weighting: unknown field 'gama'"));
        assertTrue(error(MINIMAL.replace("\"type\": \"BINARY\"", "\"type\": \"BINARY\", \"positive\": []"))
                .contains("at $.csv.labels[0]: positive must have at least one value"));
        assertTrue(error(MINIMAL.replace("}}", "}, \"model\": {\"extraction\": {\"levels\": 0, \"expertsPerTask\": 1, "
                        + "\"sharedExperts\": 1, \"expertHidden\": [8], \"activation\": \"RELU\"}}}"))
                .contains("at $.model.extraction: extraction.levels must be >= 1 but was 0"));
        assertTrue(error(MINIMAL.replace("}}", "}, \"batchSize\": 2.5}")).contains("at $.batchSize"));
        assertTrue(error(MINIMAL.replace("}}", "}, \"batchSize\": 0}")).contains("batchSize must be >= 1 but was 0"));
        assertTrue(error(MINIMAL.replace("}}", "}, \"model\": {\"tasks\": [{\"name\": \"clik\"}]}}"))
                .contains("model.tasks[0].name is 'clik' but the tasks (csv.labels) are [click]"));
        assertTrue(error(MINIMAL.replace("\"column\": \"clicked\"", "\"column\": \"age\""))
                .contains("the column 'age' is used twice: in dense and in labels[0] (task 'click')"));
        assertTrue(error(MINIMAL.replace("{\"dense\"", "{\"header\": false, \"dense\""))
                .contains("columns must name the file's columns when header is false"));
        assertTrue(error(MINIMAL.replace("\"task\": \"click\"", "\"task\": \"1st\"")).contains("task must start with a letter"));
        assertTrue(error(MINIMAL.replace("\"type\": \"BINARY\"", "\"type\": \"REGRESSION\", \"positive\": [\"y\"]"))
                .contains("positive and negative are for BINARY tasks"));
        assertTrue(error(MINIMAL.replace("{\"dense\"", "{\"delimiter\": \";;\", \"dense\"")).contains("delimiter must be one character"));
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertTrue(error("{\n\"csv\": {\n\"dense\": [\"age\",]\n}}").contains("not valid JSON at line 3"));
        assertTrue(error(MINIMAL.replace("{\"dense\"", "{\"dense\": [], \"dense\"")).contains("Duplicate field 'dense'"));
        assertTrue(error(MINIMAL + " trailing").contains("job.json"));
        assertTrue(error("").contains("expected a JSON object but found no JSON value"));
        assertTrue(error("null").contains("expected a JSON object"));
        assertTrue(error("[]").contains("job.json"));
    }
}
