package io.github.ple4j.bench;

import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.schema.BagColumn;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.Pooling;
import io.github.ple4j.model.config.TaskSpec;
import org.datavec.api.transform.schema.Schema;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * CSV logs in the input layout of a bench config, and the pipeline that reads them back into exactly the config's
 * inputs: dense columns {@code d0..d(F-1)} (Gaussian, four decimals), one column per single-valued field holding
 * its id as text ({@code "u123"}-style: the field's first letter and the id), one column per bag field holding
 * {@code |}-separated ids (lengths as {@link BenchData} draws them), one 0/1 column per task. Ids are drawn as
 * {@link BenchData.Ids} says. The pipeline hashes every id column into the field's vocabulary size, so its
 * {@code InputSpec} equals the config's (hashing is also how 10^7-row tables are fed in practice: nothing to fit).
 */
final class BenchLogs {
    private BenchLogs() {
    }

    /** Column names: dense, fields in input order, tasks. */
    static List<String> columns(PleConfig config) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < config.inputs().denseSize(); i++) {
            c.add("d" + i);
        }
        config.inputs().categorical().forEach(f -> c.add(f.name()));
        config.tasks().forEach(t -> c.add(t.name()));
        return c;
    }

    /** Writes {@code rows} rows in {@code shards} gzip parts {@code part-00000.csv.gz}, ... under {@code dir}. */
    static List<Path> write(PleConfig config, long rows, int shards, BenchData.Ids ids, long seed, Path dir) {
        InputSpec in = config.inputs();
        Random rng = new Random(seed);
        BenchData.IdSampler sampler = new BenchData.IdSampler(ids, rng);
        List<Path> files = new ArrayList<>();
        long perShard = (rows + shards - 1) / shards;
        long done = 0;
        try {
            Files.createDirectories(dir);
            StringBuilder sb = new StringBuilder(512);
            for (int s = 0; s < shards && done < rows; s++) {
                Path f = dir.resolve(String.format(Locale.ROOT, "part-%05d.csv.gz", s));
                files.add(f);
                long n = Math.min(perShard, rows - done);
                try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(f), 1 << 16),
                        StandardCharsets.UTF_8), 1 << 16)) {
                    w.write(String.join(",", columns(config)));
                    w.write('\n');
                    for (long r = 0; r < n; r++) {
                        sb.setLength(0);
                        for (int i = 0; i < in.denseSize(); i++) {
                            sb.append(Math.round(rng.nextGaussian() * 1e4) / 1e4).append(',');
                        }
                        for (CategoricalField c : in.categorical()) {
                            char prefix = c.name().charAt(0);
                            if (c.multiValued()) {
                                int min = c.bag().pooling() == Pooling.MEAN ? 1 : 0;
                                int len = min + rng.nextInt(c.bag().maxLength() - min + 1);
                                for (int j = 0; j < len; j++) {
                                    sb.append(j == 0 ? "" : "|").append(prefix).append(sampler.draw(c.vocabularySize()));
                                }
                            } else {
                                sb.append(prefix).append(sampler.draw(c.vocabularySize()));
                            }
                            sb.append(',');
                        }
                        for (int t = 0; t < config.tasks().size(); t++) {
                            sb.append(rng.nextBoolean() ? '1' : '0').append(t + 1 < config.tasks().size() ? ',' : '\n');
                        }
                        w.append(sb);
                    }
                }
                done += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the logs under " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(files);
    }

    /** The pipeline whose inputs are the config's: dense standardised, every id column hashed into its table's rows. */
    static RecordPipeline pipeline(PleConfig config) {
        Schema.Builder schema = new Schema.Builder();
        columns(config).forEach(schema::addColumnString);
        RecordPipeline.Builder b = RecordPipeline.builder().schema(schema.build());
        for (int i = 0; i < config.inputs().denseSize(); i++) {
            b.dense("d" + i);
        }
        for (CategoricalField c : config.inputs().categorical()) {
            CategoricalFeature f = CategoricalFeature.ids(ColumnRef.name(c.name()), c.embeddingDim())
                    .withBuckets(c.vocabularySize());
            if (!c.table().equals(c.name())) {
                f = f.withTable(c.table());
            }
            if (c.multiValued()) {
                f = f.withBag(new BagColumn("|", c.bag().maxLength(), c.bag().pooling()));
            }
            b.categorical(f);
        }
        for (TaskSpec t : config.tasks()) {
            b.binaryLabel(t.name(), t.name(), List.of("1"), List.of("0"));
        }
        return b.build();
    }
}
