package io.github.ple4j.datavec.records;

import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaDataLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shuffle buffer and sharded inputs: orders are permutations, a function of seed and epoch, and reproducible. */
class ShuffleAndShardsTest {
    @TempDir
    Path dir;

    /** Three parts of 30, 0 and 20 rows with a header; row values 0..49 in file order. */
    private List<Path> parts() throws IOException {
        Path d = Files.createDirectories(dir.resolve("logs"));
        StringBuilder a = new StringBuilder("id,x\n");
        for (int i = 0; i < 30; i++) {
            a.append(i).append(",a\n");
        }
        StringBuilder c = new StringBuilder("id,x\n");
        for (int i = 30; i < 50; i++) {
            c.append(i).append(",c\n");
        }
        Files.writeString(d.resolve("part-00000.csv"), a);
        Files.writeString(d.resolve("part-00001.csv"), "id,x\n");
        Files.writeString(d.resolve("part-00002.csv"), c);
        Files.writeString(d.resolve("_SUCCESS"), "");
        Files.writeString(d.resolve(".part-00000.csv.crc"), "");
        return Shards.resolve(d);
    }

    private static List<Integer> ids(org.datavec.api.records.reader.RecordReader r) {
        List<Integer> out = new ArrayList<>();
        while (r.hasNext()) {
            out.add(Integer.parseInt(r.nextRecord().getRecord().get(0).toString()));
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void directoriesAndGlobsResolveToSortedPartsAndRecordsNameTheirPart() throws IOException {
        List<Path> parts = parts();
        assertEquals(List.of("part-00000.csv", "part-00001.csv", "part-00002.csv"),
                parts.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(parts.subList(0, 2), Shards.resolve(dir.resolve("logs/part-0000[01].csv")));
        ShardedCsvReader r = new ShardedCsvReader(parts, ',', 1, null);
        assertEquals(range(50), ids(r));
        r.reset();
        for (int i = 0; i < 31; i++) {
            r.nextRecord();
        }
        Record rec = r.nextRecord();
        // Row 31 is line 3 of the third part (its header is line 1); the empty part in between is skipped.
        RecordMetaDataLine meta = (RecordMetaDataLine) rec.getMetaData();
        assertEquals(parts.get(2).toUri(), meta.getURI());
        assertEquals(2, meta.getLineNumber());
    }

    @Test
    void badInputsNameTheDirectoryOrPattern() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Shards.resolve(empty));
        assertEquals(empty + ": the directory holds no .csv or .csv.gz part file (it is empty)", e.getMessage());
        Files.writeString(empty.resolve("part-0.parquet"), "");
        e = assertThrows(UncheckedIOException.class, () -> Shards.resolve(empty));
        assertEquals(empty + ": the directory holds no .csv or .csv.gz part file (it holds 1 other file(s), e.g. "
                + "'part-0.parquet')", e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> Shards.resolve(empty.resolve("part-*.csv")));
        assertEquals(empty.resolve("part-*.csv") + ": no file in " + empty + " matches the pattern 'part-*.csv'",
                e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> Shards.resolve(dir.resolve("missing.csv")));
        assertEquals("cannot read " + dir.resolve("missing.csv") + ": no such file", e.getMessage());
    }

    @Test
    void shuffleIsAPermutationFixedBySeedAndEpochAndDifferentAcrossSeedsAndEpochs() throws IOException {
        List<Path> parts = parts();
        ShuffledRecordReader a = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, 7L), 16, 7);
        List<Integer> epoch0 = ids(a);
        assertEquals(new HashSet<>(range(50)), new HashSet<>(epoch0));
        assertEquals(50, epoch0.size());
        assertNotEquals(range(50), epoch0);
        a.reset();
        List<Integer> epoch1 = ids(a);
        assertNotEquals(epoch0, epoch1, "another epoch, another order");
        a.startEpoch(0);
        assertEquals(epoch0, ids(a), "epoch 0 again: the same order");
        ShuffledRecordReader same = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, 7L), 16, 7);
        assertEquals(epoch0, ids(same), "a new reader with the same seed");
        same.startEpoch(1);
        assertEquals(epoch1, ids(same), "epoch 1 of a new reader: what a resumed run sees");
        ShuffledRecordReader other = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, 8L), 16, 8);
        assertNotEquals(epoch0, ids(other), "another seed");
        ShuffledRecordReader one = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, null), 1, 7);
        assertEquals(range(50), ids(one), "a buffer of one record keeps the file order");
    }

    @Test
    void aSmallBufferMixesOnlyNearbyRecords() throws IOException {
        List<Path> parts = parts();
        // With 4 records buffered, the k-th record handed out is one of the first k + 4 of the source.
        ShuffledRecordReader r = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, null), 4, 3);
        List<Integer> order = ids(r);
        for (int k = 0; k < order.size(); k++) {
            assertTrue(order.get(k) < k + 4, "record " + k + " is " + order.get(k));
        }
        assertNotEquals(range(50), order);
    }

    @Test
    void shardOrderIsReshuffledPerEpochWithASeed() throws IOException {
        List<Path> parts = parts();
        ShardedCsvReader r = new ShardedCsvReader(parts, ',', 1, 5L);
        List<List<Path>> orders = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            r.startEpoch(e);
            orders.add(r.order());
            assertEquals(new HashSet<>(parts), new HashSet<>(r.order()));
        }
        assertTrue(new HashSet<>(orders).size() > 1, "the order changes across epochs: " + orders);
        r.startEpoch(3);
        assertEquals(orders.get(3), r.order());
        assertEquals(parts, new ShardedCsvReader(parts, ',', 1, null).order(), "no seed: the order given");
    }
}
