package io.github.ple4j.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs the JMH benchmarks ({@link PleBenchmarks}) with JMH's own command line, e.g.
 * {@code java -jar ple-bench.jar jmh -p config=large -p batch=256 -f 1}; {@code jmh -h} lists JMH's options.
 * Equivalent to {@code java -cp 'ple-bench.jar:lib/*' org.openjdk.jmh.Main ...}.
 */
@Command(name = "jmh", description = "Run the JMH benchmarks; all arguments go to JMH (try: jmh -h, jmh -l).")
public final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
