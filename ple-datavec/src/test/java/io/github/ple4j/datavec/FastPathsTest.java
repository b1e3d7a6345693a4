package io.github.ple4j.datavec;

import io.github.ple4j.datavec.records.CsvCell;
import io.github.ple4j.datavec.records.CsvFileReader;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The reader's fast paths give what the plain ones give. */
class FastPathsTest {
    @TempDir
    Path dir;

    @Test
    void csvLinesSplitAsDataVecSplitsThem() throws Exception {
        String text = String.join("\n",
                "a,b,c",
                ",,",
                "x, y ,z,",
                "\"q,1\",2,\"say \"\"hi\"\"\"",
                "  \"lead\",tail ",
                "única,ünï,日本",
                "1.5,,-2") + "\n";
        Path file = Fixtures.write(dir, "lines.csv", text);
        CSVRecordReader plain = new CSVRecordReader(0, ',', '"');
        plain.initialize(new FileSplit(file.toFile()));
        List<List<String>> expected = new ArrayList<>();
        while (plain.hasNext()) {
            expected.add(plain.next().stream().map(Writable::toString).toList());
        }
        List<List<String>> actual = new ArrayList<>();
        try (CsvFileReader fast = CsvFileReader.open(file)) {
            while (fast.hasNext()) {
                List<Writable> row = fast.next();
                row.forEach(w -> assertInstanceOf(CsvCell.class, w));
                actual.add(row.stream().map(Writable::toString).toList());
            }
        }
        assertEquals(7, expected.size());
        assertEquals(expected, actual);
        assertEquals(List.of("x", " y ", "z", ""), actual.get(2));
        assertEquals(List.of("q,1", "2", "say \"hi\""), actual.get(3));
    }

    @Test
    void stringIdsFindEveryValueIncludingHashCollisionsAndMissOthers() {
        // "Aa" and "BB" have the same String hash code, as do "AaAa", "AaBB", "BBAa" and "BBBB".
        List<String> vocabulary = new ArrayList<>(List.of("Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB", ""));
        for (int i = 0; i < 5000; i++) {
            vocabulary.add("v" + i);
        }
        StringIds ids = new StringIds(vocabulary);
        for (int i = 0; i < vocabulary.size(); i++) {
            assertEquals(i + 1, ids.get(new String(vocabulary.get(i).toCharArray()), 0), vocabulary.get(i));
        }
        assertEquals(0, ids.get("v5000", 0));
        assertEquals(-7, ids.get("BBAaX", -7));
        assertEquals(0, new StringIds(List.of()).get("x", 0));
    }

    @Test
    void decimalsParseExactlyAsParseDouble() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        List<String> cases = new ArrayList<>(List.of("0", "-0", "+0.0", "-0.000", "1.", ".5", "-.5", "123456789012345",
                "1234567890123456", "0.1", "0.3", "2.675", "999999999999999", "9007199254740993", "0.000000000000000000001",
                "1e5", "-1.5E-3", "NaN", "Infinity", "0x1p3", "1.5f", "12d"));
        for (int k = 0; k < 20000; k++) {
            int intDigits = rng.nextInt(9);
            int fracDigits = rng.nextInt(9);
            StringBuilder sb = new StringBuilder(rng.nextBoolean() ? "-" : "");
            for (int j = 0; j < intDigits; j++) {
                sb.append((char) ('0' + rng.nextInt(10)));
            }
            if (fracDigits > 0 || rng.nextBoolean()) {
                sb.append('.');
            }
            for (int j = 0; j < fracDigits; j++) {
                sb.append((char) ('0' + rng.nextInt(10)));
            }
            cases.add(sb.toString());
        }
        int parsed = 0;
        for (String c : cases) {
            Double expected;
            try {
                expected = Double.parseDouble(c);
            } catch (NumberFormatException e) {
                expected = null;
            }
            if (expected == null) {
                org.junit.jupiter.api.Assertions.assertThrows(NumberFormatException.class, () -> Fields.parseDouble(c), c);
            } else {
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Fields.parseDouble(c)), c);
                parsed++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(parsed > 19000, "most cases are numbers: " + parsed);
    }
}
