package io.github.ple4j.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ple4j.datavec.CloseableMultiDataSetIterator;
import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.datasets.AliCcpLike;
import io.github.ple4j.datavec.records.ShardedCsvReader;
import io.github.ple4j.datavec.records.ShuffledRecordReader;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.config.EmbeddingOptimizerSpec;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TrainingSpec;
import io.github.ple4j.model.train.FitOptions;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Does the reader keep up with training? On gzip part-file logs, Ali-CCP-like ones ({@link AliCcpLike}) and ones in
 * the input layout of each sparse bench config ({@link BenchLogs}), it times: fitting the preprocessing (one pass);
 * the pipeline alone (parse, encode, shuffle buffer, batches; no model); the model alone on the same batches held in
 * memory (the bench config's model, or the paddle-census PLE on the Ali-CCP pipeline's inputs); and both together
 * through the prefetching iterator, as {@code ple train} runs them. The ratio reader / model says how far
 * ahead the reader is; the end-to-end figure shows whether prefetching hides it.
 */
@Command(name = "reader", mixinStandardHelpOptions = true,
        description = "Time the data pipeline alone on Ali-CCP-like logs against the model's training speed.")
public final class ReaderCommand implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "200000", description = "Rows of generated logs per vocabulary. Default: ${DEFAULT-VALUE}")
    int rows;
    @Option(names = "--config", split = ",", defaultValue = "ali-ccp,ids-1e5,ids-1e6,ids-1e7,criteo,bags",
            description = "Logs: ali-ccp, or a throughput config whose input layout the logs take. Default: ${DEFAULT-VALUE}")
    List<String> configs;
    @Option(names = "--vocab", defaultValue = "1000000", description = "Users and items of the ali-ccp logs. Default: ${DEFAULT-VALUE}")
    int vocab;
    @Option(names = "--ids", defaultValue = "ZIPF", description = "Id draws of the config-layout logs: UNIFORM or ZIPF. "
            + "Default: ${DEFAULT-VALUE}")
    BenchData.Ids ids;
    @Option(names = "--batch", defaultValue = "256", description = "Batch size. Default: ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--shards", defaultValue = "4", description = "Gzip part files. Default: ${DEFAULT-VALUE}")
    int shards;
    @Option(names = "--buffer", defaultValue = "10000", description = "Shuffle buffer rows. Default: ${DEFAULT-VALUE}")
    int buffer;
    @Option(names = "--runs", defaultValue = "3", description = "Timed passes of the reader and of the model. Default: ${DEFAULT-VALUE}")
    int runs;
    @Option(names = "--embedding-dim", defaultValue = "16", description = "Width of every table. Default: ${DEFAULT-VALUE}")
    int embeddingDim;
    @Option(names = "--logs", defaultValue = "target/reader-logs",
            description = "Directory for the generated logs (rewritten). Default: ${DEFAULT-VALUE}")
    Path logs;

    @Mixin
    ReportOptions report;

    /** The Ali-CCP-like logs and their model, besides the bench configs. */
    static final String ALI_CCP = "ali-ccp";

    @Override
    public Integer call() throws IOException {
        if (rows < batch || batch < 1 || shards < 1 || buffer < 1 || runs < 1 || vocab < 1) {
            throw new IllegalArgumentException("--rows must be >= --batch >= 1; --shards, --buffer, --runs and --vocab >= 1");
        }
        configs.stream().filter(c -> !c.equals(ALI_CCP)).forEach(BenchConfigs::get);   // unknown names fail here
        int threads = report.start();
        ObjectNode json = Provenance.report("reader");
        ObjectNode prov = Provenance.of(json);
        prov.put("threads", threads);
        prov.put("rows", rows);
        prov.put("batchSize", batch);
        prov.put("shards", shards);
        prov.put("shuffleBufferRows", buffer);
        prov.put("runs", runs);
        prov.put("ids", ids.name());
        prov.put(ALI_CCP, "Ali-CCP-like logs (AliCcpLike) with " + vocab + " users and items, the pipeline of "
                + "docs/examples/ali-ccp-like.json, the paddle-census PLE (2 levels, 3 task + 2 shared experts of 16, towers "
                + "[8]) on its inputs, lazy Adam tables of width " + embeddingDim);
        prov.put("benchConfigs", "logs in the config's input layout (BenchLogs), ids drawn " + ids + ", every id column "
                + "hashed into its table's rows, so the pipeline's inputs are the config's; the config's model");
        List<String> md = new ArrayList<>();
        md.add("# Reader vs training");
        md.add("");
        md.add(String.format(Locale.ROOT, "CPU %s (%s), %d model thread(s); %,d rows in %d gzip parts per config, batch %d, "
                + "shuffle buffer %,d rows; medians of %d passes after a warm-up pass. Command: `ple-bench reader`.",
                prov.get("cpu").get("model").asText(), prov.get("cpu").get("flags").toString(), threads, rows, shards, batch,
                buffer, runs));
        md.add("");
        md.add("| logs | columns | fit rows/s | reader rows/s | model train samples/s | reader / model | end to end samples/s |");
        md.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        System.out.println(md.get(md.size() - 2));
        ArrayNode results = json.putArray("results");
        for (String name : configs) {
            Path dir = logs.resolve(name);
            List<Path> parts;
            RecordPipeline pipeline;
            java.util.function.Function<FittedPipeline, PleConfig> model;
            int columns;
            if (name.equals(ALI_CCP)) {
                parts = AliCcpLike.write(new AliCcpLike.Spec(rows, vocab, vocab, 1.1, true, shards, true, 2020), dir, "train");
                pipeline = AliCcpLike.pipeline(true, embeddingDim, vocab).build();
                model = f -> PleConfig.builder().inputs(f.inputSpec())
                        .task(TaskSpec.binary("click", 8)).task(TaskSpec.binary("purchase", 8))
                        .extraction(ExtractionSpec.ple(2, 3, 2, 16))
                        .training(TrainingSpec.defaults().withEmbeddingOptimizer(EmbeddingOptimizerSpec.lazyAdam()))
                        .build();
                columns = AliCcpLike.columns(true).size();
            } else {
                PleConfig cfg = BenchConfigs.get(name);
                parts = BenchLogs.write(cfg, rows, shards, ids, BenchData.SEED, dir);
                pipeline = BenchLogs.pipeline(cfg);
                model = f -> {
                    f.checkInputs(cfg.inputs());
                    return cfg;
                };
                columns = BenchLogs.columns(cfg).size();
            }
            String line = measure(name, columns, parts, pipeline, model, results.addObject());
            md.add(line);
            System.out.println(line);
        }
        md.add("");
        md.add("Logs: `" + ALI_CCP + "` is Ali-CCP-like impressions (" + vocab + " users hashed into as many buckets, items "
                + "fitted, a history bag sharing the item table, tags, purchase on clicked rows only) read by the pipeline of "
                + "`docs/examples/ali-ccp-like.json`, feeding a paddle-census PLE; the others are logs in the input layout of "
                + "that `ple-bench throughput` config, ids drawn " + ids.name().toLowerCase(Locale.ROOT) + " and hashed into "
                + "the config's tables, feeding the config's own model. "
                + "Reader: parsing (`CsvFileReader` over gzip parts: DataVec's CSVRecordReader, lines without quotes split "
                + "directly), encoding (standardisation, vocabulary and hash lookups, bags, sample-space masks), the shuffle "
                + "buffer and batch arrays, on one thread, no model. Model: `fitBatch` over the same batches held in memory "
                + "(the warm-up pass's), after 100 warm-up steps. Fit: one pass of `RecordPipeline.fit`. End to end: "
                + "`PleModel.fit` over the prefetching iterator (reader on a background thread), one epoch, after 100 "
                + "warm-up steps of the same model.");
        List<Path> files = report.write("reader", json, md);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1));
        return 0;
    }

    private String measure(String name, int columns, List<Path> parts, RecordPipeline pipeline,
                           java.util.function.Function<FittedPipeline, PleConfig> model, ObjectNode o) {
        long t0 = System.nanoTime();
        FittedPipeline fitted = pipeline.fit(new ShardedCsvReader(parts, ',', 1, null));
        double fitRate = rows / ((System.nanoTime() - t0) / 1e9);
        PleConfig config = model.apply(fitted);
        double[] readerRates = new double[runs];
        long[] rowsRead = new long[runs];
        List<MultiDataSet> batches = null;
        // one untimed pass first: the JIT compiles the reader
        for (int r = -1; r < runs; r++) {
            ThroughputCommand.collectGarbage();
            List<MultiDataSet> kept = r == -1 ? new ArrayList<>() : null;
            long s0 = System.nanoTime();
            long n = 0;
            try (CloseableMultiDataSetIterator it = fitted.iterator(shuffled(parts, r + 1), config, batch, false)) {
                while (it.hasNext()) {
                    MultiDataSet d = it.next();
                    n += d.getFeatures(0).size(0);
                    if (kept != null) {
                        kept.add(d);
                    }
                }
            }
            if (r >= 0) {
                readerRates[r] = n / ((System.nanoTime() - s0) / 1e9);
                rowsRead[r] = n;
            }
            batches = kept != null ? kept : batches;
        }
        double[] trainRates = new double[runs];
        try (PleModel m = PleModel.create(config)) {
            for (int w = 0; w < Math.min(batches.size(), 100); w++) {
                m.fitBatch(batches.get(w));
            }
            for (int r = 0; r < runs; r++) {
                ThroughputCommand.collectGarbage();
                long s0 = System.nanoTime();
                long n = 0;
                for (MultiDataSet d : batches) {
                    m.fitBatch(d);
                    n += d.getFeatures(0).size(0);
                }
                trainRates[r] = n / ((System.nanoTime() - s0) / 1e9);
            }
        }
        batches = null;
        ThroughputCommand.collectGarbage();
        double endToEnd;
        try (PleModel m = PleModel.create(config);
             CloseableMultiDataSetIterator it = fitted.iterator(shuffled(parts, 0), config, batch, true)) {
            try (CloseableMultiDataSetIterator warm = fitted.iterator(shuffled(parts, 1), config, batch, false)) {
                for (int w = 0; w < 100 && warm.hasNext(); w++) {
                    m.fitBatch(warm.next());
                }
            }
            ThroughputCommand.collectGarbage();
            long s0 = System.nanoTime();
            m.fit(it, null, FitOptions.builder().epochs(1).build());
            endToEnd = rows / ((System.nanoTime() - s0) / 1e9);
        }
        ThroughputCommand.collectGarbage();
        double reader = median(readerRates);
        double train = median(trainRates);
        o.put("logs", name);
        o.put("columns", columns);
        o.set("inputs", io.github.ple4j.model.config.ConfigJson.mapper().valueToTree(fitted.inputSpec()));
        o.put("fitRowsPerSecond", fitRate);
        o.set("readerRowsPerSecond", array(readerRates));
        var read = o.putArray("readerRowsPerPass");
        for (long n : rowsRead) {
            read.add(n);
        }
        o.set("modelTrainSamplesPerSecond", array(trainRates));
        o.put("readerOverModel", reader / train);
        o.put("endToEndSamplesPerSecond", endToEnd);
        return String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %.2f | %,.0f |", name, columns, fitRate, reader,
                train, reader / train, endToEnd);
    }

    private ShuffledRecordReader shuffled(List<Path> parts, int epoch) {
        ShuffledRecordReader r = new ShuffledRecordReader(new ShardedCsvReader(parts, ',', 1, 2020L), buffer, 2020);
        r.startEpoch(epoch);
        return r;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static ArrayNode array(double[] x) {
        ArrayNode a = io.github.ple4j.model.config.ConfigJson.mapper().createArrayNode();
        for (double v : x) {
            a.add(v);
        }
        return a;
    }
}
