/**
 * {@code ple-bench}: the paper's comparisons and the library's measurements, as commands of
 * {@link io.github.ple4j.bench.PleBench} that print tables and write JSON (with provenance: versions, CPU, native
 * build) and Markdown next to each other.
 * <ul>
 *   <li>{@code synthetic} (the default job): single-task, shared-bottom, MMoE, CGC and PLE on correlated synthetic
 *       tasks (MMoE paper §3.2), gain against task correlation, the seesaw and expert utilisation charts;</li>
 *   <li>{@code census}: the census-income comparison of the paper's Table 5;</li>
 *   <li>{@code throughput}: training and inference samples/s, GFLOP/s and peak memory of named configs
 *       ({@link io.github.ple4j.bench.BenchConfigs});</li>
 *   <li>{@code jmh}: the same step under JMH.</li>
 * </ul>
 */
package io.github.ple4j.bench;
