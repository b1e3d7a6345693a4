package io.github.ple4j.datavec;

import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Files and model signatures for tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    public static byte[] gzip(String content) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    public static Path writeGzip(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, gzip(content));
        return p;
    }

    public static PleConfig config(InputSpec inputs, TaskSpec... tasks) {
        PleConfig.Builder b = PleConfig.builder().inputs(inputs).extraction(ExtractionSpec.mmoe(2, 4));
        for (TaskSpec t : tasks) {
            b.task(t);
        }
        return b.build();
    }

    public static GraphSignature signature(InputSpec inputs, TaskSpec... tasks) {
        return new GraphSignature(config(inputs, tasks));
    }

    /** Asserts two batch lists have the same shapes and bit-identical values, array by array. */
    public static void assertSameBatches(List<MultiDataSet> expected, List<MultiDataSet> actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.size(), actual.size(), "number of batches");
        for (int i = 0; i < expected.size(); i++) {
            assertSameArrays(expected.get(i).getFeatures(), actual.get(i).getFeatures());
            assertSameArrays(expected.get(i).getLabels(), actual.get(i).getLabels());
            assertSameArrays(expected.get(i).getLabelsMaskArrays(), actual.get(i).getLabelsMaskArrays());
        }
    }

    private static void assertSameArrays(org.nd4j.linalg.api.ndarray.INDArray[] a, org.nd4j.linalg.api.ndarray.INDArray[] b) {
        if (a == null || b == null) {
            org.junit.jupiter.api.Assertions.assertSame(a, b);
            return;
        }
        org.junit.jupiter.api.Assertions.assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a[i].shape(), b[i].shape());
            org.junit.jupiter.api.Assertions.assertEquals(a[i].dataType(), b[i].dataType());
            org.junit.jupiter.api.Assertions.assertArrayEquals(a[i].toFloatMatrix(), b[i].toFloatMatrix());
        }
    }

    /** Every batch, from the iterator's current position. */
    public static List<MultiDataSet> drain(MultiDataSetIterator it) {
        List<MultiDataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}
