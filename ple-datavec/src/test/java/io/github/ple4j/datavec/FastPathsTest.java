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
}
