package io.github.ple4j.datavec.datasets;

import io.github.ple4j.datavec.RecordPipeline;
import io.github.ple4j.datavec.schema.BagColumn;
import io.github.ple4j.datavec.schema.CategoricalFeature;
import io.github.ple4j.datavec.schema.ColumnRef;
import io.github.ple4j.datavec.schema.SampleSpace;
import io.github.ple4j.model.config.Pooling;
import org.datavec.api.transform.schema.Schema;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Synthetic impression logs shaped like Ali-CCP (Taobao's click and conversion logs, the ESMM paper's data): one
 * row per impression, a click task on every row and a purchase task that exists only after a click (its sample
 * space), ID columns whose values follow a Zipf law at a chosen vocabulary size, dense statistics, and optional
 * multi-valued columns (the user's recently clicked items, the item's tags). Rows are written in time order, as
 * logs are: {@code hour} rises from 0 to 23 over the file and each user's impressions come in sessions of 8
 * consecutive rows, so training in file order is biased; the shuffle buffer is what undoes it.
 *
 * <p>Columns: {@code user_id, item_id, category_id, shop_id, hour, price, user_activity, item_ctr}, then
 * {@code history} and {@code tags} when bags are on, then {@code click, purchase}. {@code purchase} is 0 on rows
 * without a click. Click and purchase probabilities come from hidden per-id effects (a pseudo-random function of
 * the id, the same for every row that holds it and for every seed: logs written with different seeds are samples
 * of one population, so one can train on one and validate on another), the price, the hour, and whether the
 * user's history holds an item of the same category.
 *
 * <p>Zipf draws use the inverse of the continuous power law's distribution on [1, V + 1) (rank r has probability
 * about proportional to {@code r^-exponent}); a rank is scrambled into an id so that frequent ids are spread over
 * the id range. Every figure is a function of the spec: the same spec writes the same bytes.
 */
public final class AliCcpLike {
    /**
     * What to generate.
     *
     * @param rows         impressions
     * @param users        distinct user ids (the user vocabulary)
     * @param items        distinct item ids; categories are items / 100 (at least 1), shops items / 20
     * @param exponent     the Zipf exponent of user and item draws (> 1 is heavy-tailed; 1.05-1.2 is typical)
     * @param bags         whether to write the {@code history} (up to 20 items) and {@code tags} (up to 5) columns
     * @param shards       part files to split the rows over (1: one file)
     * @param gzip         write {@code .csv.gz} parts
     * @param seed         the seed
     */
    public record Spec(long rows, int users, int items, double exponent, boolean bags, int shards, boolean gzip, long seed) {
        public Spec {
            if (rows < 1 || users < 1 || items < 1 || shards < 1) {
                throw new IllegalArgumentException("rows, users, items and shards must be >= 1 but were " + rows + ", "
                        + users + ", " + items + ", " + shards);
            }
            if (!(exponent > 0) || Double.isInfinite(exponent)) {
                throw new IllegalArgumentException("exponent must be a finite number > 0 but was " + exponent);
            }
        }

        /** 100,000 rows, 10^5 users, 10^5 items, exponent 1.1, bags, one plain file, seed 2020. */
        public static Spec defaults() {
            return new Spec(100_000, 100_000, 100_000, 1.1, true, 1, false, 2020);
        }
    }

    /** The column names, in file order. */
    public static List<String> columns(boolean bags) {
        List<String> c = new ArrayList<>(List.of("user_id", "item_id", "category_id", "shop_id", "hour", "price",
                "user_activity", "item_ctr"));
        if (bags) {
            c.add("history");
            c.add("tags");
        }
        c.add("click");
        c.add("purchase");
        return List.copyOf(c);
    }

    /**
     * The pipeline of {@code docs/examples/ali-ccp-like.json} over these logs: the three statistics dense, five id
     * columns (the user hashed into {@code userBuckets}), the history sharing the item table, tags, the click task
     * on every row and the purchase task on clicked rows.
     *
     * @param bags         whether the logs have the bag columns
     * @param embeddingDim width of every table
     * @param userBuckets  hash buckets of the user column
     */
    public static RecordPipeline.Builder pipeline(boolean bags, int embeddingDim, int userBuckets) {
        Schema.Builder schema = new Schema.Builder();
        columns(bags).forEach(schema::addColumnString);
        RecordPipeline.Builder b = RecordPipeline.builder().schema(schema.build())
                .dense("price", "user_activity", "item_ctr")
                .categorical(CategoricalFeature.ids(ColumnRef.name("user_id"), embeddingDim).withBuckets(userBuckets));
        for (String c : List.of("item_id", "category_id", "shop_id", "hour")) {
            b.categorical(CategoricalFeature.ids(ColumnRef.name(c), embeddingDim));
        }
        if (bags) {
            b.categorical(CategoricalFeature.ids(ColumnRef.name("history"), embeddingDim)
                    .withBag(new BagColumn("|", 20, Pooling.MEAN)).withTable("item_id"));
            b.categorical(CategoricalFeature.ids(ColumnRef.name("tags"), embeddingDim)
                    .withBag(new BagColumn("|", 20, Pooling.MEAN)));
        }
        return b.binaryLabel("click", "click", List.of("1"), List.of("0"))
                .binaryLabel("purchase", "purchase", List.of("1"), List.of("0"))
                .sampleSpace("purchase", SampleSpace.of("click", "1"));
    }

    /** The seed of the hidden per-id effects: fixed, so that every seed samples the same population. */
    private static final long WORLD = 0x5EED_2020L;

    private final Spec spec;
    private final SplittableRandom rng;
    private final int categories;

    private AliCcpLike(Spec spec) {
        this.spec = spec;
        this.rng = new SplittableRandom(spec.seed());
        this.categories = Math.max(1, spec.items() / 100);
    }

    /**
     * Writes the logs: one file {@code name.csv[.gz]} in {@code dir}, or {@code spec.shards()} parts
     * {@code part-00000.csv[.gz]} ... in {@code dir/name/}, each with a header line.
     *
     * @return the files written, in order
     */
    public static List<Path> write(Spec spec, Path dir, String name) {
        String ext = spec.gzip() ? ".csv.gz" : ".csv";
        List<Path> files = new ArrayList<>();
        try {
            if (spec.shards() == 1) {
                Files.createDirectories(dir);
                files.add(dir.resolve(name + ext));
            } else {
                Path d = dir.resolve(name);
                Files.createDirectories(d);
                for (int s = 0; s < spec.shards(); s++) {
                    files.add(d.resolve(String.format(Locale.ROOT, "part-%05d%s", s, ext)));
                }
            }
            AliCcpLike g = new AliCcpLike(spec);
            long perShard = (spec.rows() + spec.shards() - 1) / spec.shards();
            long done = 0;
            for (Path f : files) {
                long n = Math.min(perShard, spec.rows() - done);
                try (Writer w = open(f, spec.gzip())) {
                    w.write(String.join(",", columns(spec.bags())));
                    w.write('\n');
                    g.rows(w, done, n);
                }
                done += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the logs under " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(files);
    }

    private static Writer open(Path f, boolean gzip) throws IOException {
        OutputStream out = Files.newOutputStream(f);
        if (gzip) {
            out = new GZIPOutputStream(out, 1 << 16);
        }
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Rows {@code first .. first + n - 1}, in time order, in sessions of 8 rows of one user. */
    private void rows(Writer w, long first, long n) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        List<Integer> history = new ArrayList<>();
        for (long r = first; r < first + n; r++) {
            int user = scramble(zipf(new SplittableRandom(mix(spec.seed(), r / 8)), spec.users()), spec.users());
            int item = scramble(zipf(rng, spec.items()), spec.items());
            int category = item % categories;
            int hour = (int) (24 * r / spec.rows());
            double price = Math.exp(2.5 + 0.8 * gaussian(rng));
            double activity = Math.max(0, 3 + effect(1, user) + 0.5 * gaussian(rng));
            double ctr = 0.05 * Math.exp(0.5 * effect(2, item));
            boolean sameCategory = false;
            history.clear();
            if (spec.bags()) {
                int len = rng.nextInt(21);
                for (int j = 0; j < len; j++) {
                    int h = scramble(zipf(rng, spec.items()), spec.items());
                    history.add(h);
                    sameCategory |= h % categories == category;
                }
            }
            double clickLogit = -2.2 + 0.8 * effect(3, user) + 0.8 * effect(4, item) - 0.3 * Math.log(price / 12)
                    + (hour >= 19 && hour <= 22 ? 0.3 : 0) + (sameCategory ? 1.0 : 0);
            boolean click = rng.nextDouble() < sigmoid(clickLogit);
            double buyLogit = -1.8 + 0.9 * effect(5, item) + 0.5 * effect(6, user) - 0.6 * Math.log(price / 12)
                    + (sameCategory ? 0.5 : 0);
            boolean purchase = click && rng.nextDouble() < sigmoid(buyLogit);
            sb.setLength(0);
            sb.append('u').append(user).append(",i").append(item).append(",c").append(category).append(",s")
                    .append(item % Math.max(1, spec.items() / 20)).append(',').append(hour).append(',')
                    .append(String.format(Locale.ROOT, "%.2f,%.3f,%.4f", price, activity, ctr));
            if (spec.bags()) {
                sb.append(',');
                for (int j = 0; j < history.size(); j++) {
                    sb.append(j == 0 ? "i" : "|i").append(history.get(j));
                }
                sb.append(',');
                int tags = 1 + (int) (Integer.toUnsignedLong((int) mix(7, item)) % 5);
                for (int j = 0; j < tags; j++) {
                    sb.append(j == 0 ? "t" : "|t").append(Integer.toUnsignedLong((int) mix(8 + j, item)) % 1000);
                }
            }
            sb.append(',').append(click ? '1' : '0').append(',').append(purchase ? '1' : '0').append('\n');
            w.append(sb);
        }
    }

    /** A rank in [1, v] drawn from the continuous power law with the spec's exponent. */
    private int zipf(SplittableRandom r, int v) {
        double s = spec.exponent();
        double u = r.nextDouble();
        double x;
        if (Math.abs(s - 1) < 1e-9) {
            x = Math.exp(u * Math.log(v + 1.0));
        } else {
            double a = Math.pow(v + 1.0, 1 - s);
            x = Math.pow(1 + u * (a - 1), 1 / (1 - s));
        }
        return (int) Math.min(v, Math.max(1, Math.floor(x)));
    }

    /** Rank 1..v to an id in [0, v): a bijection (multiplication by a number coprime to v, modulo v). */
    static int scramble(int rank, int v) {
        long m = 2_654_435_761L % v;
        while (gcd(m, v) != 1) {
            m++;
        }
        return (int) (((rank - 1) * m) % v);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** A fixed standard-normal-ish effect of an id (the sum of three uniforms, scaled). */
    private double effect(int kind, int id) {
        long h = mix(WORLD * 31 + kind, id);
        double u1 = (h >>> 43) / (double) (1L << 21);
        double u2 = ((h >>> 22) & ((1L << 21) - 1)) / (double) (1L << 21);
        double u3 = (h & ((1L << 21) - 1)) / (double) (1L << 21);
        return (u1 + u2 + u3 - 1.5) * 2;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** SplitMix64's finaliser of a seed and a value. */
    private static long mix(long seed, long value) {
        long z = seed * 0x9E3779B97F4A7C15L + value * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
