package io.github.ple4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Data files, job configs and in-process runs of the command line. */
final class Fixtures {
    static final String HEADER = "id,age,hours,occupation,region,click,dwell";

    private Fixtures() {
    }

    /**
     * A CSV file with a learnable binary task (click) and a regression task (dwell, missing in about 20% of rows):
     * columns id, age, hours (numbers), occupation (5 values, ids), region (3 values, one-hot), click (0/1), dwell.
     */
    static Path data(Path dir, String name, int rows, long seed) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        SplittableRandom r = new SplittableRandom(seed);
        String[] occ = {"a", "b", "c", "d", "e"};
        String[] reg = {"north", "south", "east"};
        for (int i = 0; i < rows; i++) {
            double age = 18 + 52 * r.nextDouble();
            double hours = 60 * r.nextDouble();
            String o = occ[r.nextInt(occ.length)];
            String g = reg[r.nextInt(reg.length)];
            double z = 0.05 * (age - 40) + 0.03 * (hours - 30) + ("ab".contains(o) ? 0.8 : -0.5);
            int click = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            String dwell = r.nextDouble() < 0.2 ? "" : String.format(Locale.ROOT, "%.3f",
                    2 + 0.1 * hours + r.nextGaussian() + (g.equals("north") ? 1 : 0));
            sb.append(String.format(Locale.ROOT, "%d,%.2f,%.2f,%s,%s,%d,%s%n", i, age, hours, o, g, click, dwell));
        }
        return write(dir, name, sb.toString());
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    /** The standard job: dense age/hours, ids occupation, one-hot region, tasks click (binary) and dwell (regression). */
    static String job(int epochs, int batchSize, String trainingExtra) {
        return """
                {
                  "csv": {
                    "dense": ["age", "hours"],
                    "ids": ["occupation"],
                    "oneHot": ["region"],
                    "labels": [
                      {"task": "click", "column": "click", "type": "binary"},
                      {"task": "dwell", "column": "dwell", "type": "regression"}
                    ]
                  },
                  "model": {
                    "towerHidden": [4],
                    "extraction": {"levels": 2, "expertsPerTask": 1, "sharedExperts": 1, "expertHidden": [8], "activation": "relu"},
                    "dropout": 0.1,
                    "seed": 11,
                    "training": {"optimizer": {"type": "adam", "learningRate": 0.01}, "epochs": %d%s}
                  },
                  "batchSize": %d
                }
                """.formatted(epochs, trainingExtra == null ? "" : ", " + trainingExtra, batchSize);
    }

    static Path job(Path dir, int epochs, int batchSize, String trainingExtra) throws IOException {
        return write(dir, "job.json", job(epochs, batchSize, trainingExtra));
    }

    /** Runs the command line in-process. */
    static PleCli.Result run(Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].toString();
        }
        return PleCli.capture(a);
    }

    /** Runs and asserts the exit code, showing the output on failure. */
    static PleCli.Result expect(int code, Object... args) {
        PleCli.Result r = run(args);
        assertEquals(code, r.exitCode(), () -> "exit code; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        return r;
    }

    /** Errors are clean: no stack trace, and each message is one line starting with "error: ". */
    static void assertCleanError(PleCli.Result r) {
        assertFalse(r.err().contains("\tat "), () -> "stack trace on stderr:\n" + r.err());
        assertFalse(r.err().contains("Exception in thread"), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        org.junit.jupiter.api.Assertions.assertTrue(last.startsWith("error: "), () -> "last stderr line: " + r.err());
    }
}
