package io.github.ple4j.bench;

import io.github.ple4j.datavec.datasets.AliCcpLike;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Writes Ali-CCP-like impression logs ({@link AliCcpLike}): {@code OUT/train/part-*.csv.gz} and
 * {@code OUT/valid.csv.gz}, for {@code docs/examples/ali-ccp-like.json} and the reader benchmark.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Write Ali-CCP-like logs (clicks, purchases after clicks, Zipf ids, bags) as gzip part files.")
public final class LogsCommand implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "200000", description = "Training rows. Default: ${DEFAULT-VALUE}")
    long rows;
    @Option(names = "--valid-rows", description = "Validation rows. Default: a tenth of --rows")
    Long validRows;
    @Option(names = "--vocab", defaultValue = "100000", description = "Distinct users and items. Default: ${DEFAULT-VALUE}")
    int vocab;
    @Option(names = "--exponent", defaultValue = "1.1", description = "Zipf exponent of user and item draws. Default: ${DEFAULT-VALUE}")
    double exponent;
    @Option(names = "--shards", defaultValue = "8", description = "Training part files. Default: ${DEFAULT-VALUE}")
    int shards;
    @Option(names = "--no-bags", description = "Without the history and tags columns")
    boolean noBags;
    @Option(names = "--plain", description = "Plain .csv instead of .csv.gz")
    boolean plain;
    @Option(names = "--seed", defaultValue = "2020", description = "Seed. Default: ${DEFAULT-VALUE}")
    long seed;
    @Option(names = "--out", defaultValue = "target/logs", description = "Directory. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() {
        long valid = validRows != null ? validRows : Math.max(1, rows / 10);
        List<Path> train = AliCcpLike.write(new AliCcpLike.Spec(rows, vocab, vocab, exponent, !noBags, shards, !plain, seed),
                out, "train");
        List<Path> v = AliCcpLike.write(new AliCcpLike.Spec(valid, vocab, vocab, exponent, !noBags, 1, !plain, seed + 1),
                out, "valid");
        System.out.printf(Locale.ROOT, "wrote %,d training rows in %d part(s) under %s and %,d validation rows to %s%n", rows,
                train.size(), train.size() > 1 ? out.resolve("train") : train.get(0), valid, v.get(0));
        System.out.println("columns: " + String.join(",", AliCcpLike.columns(!noBags)));
        return 0;
    }
}
