/**
 * PLE on Spark: {@link io.github.ple4j.spark.PleSparkTrainer} (parameter averaging with dl4j-spark over the PLE
 * ComputationGraph), DataVec CSV parsing ({@link io.github.ple4j.spark.CsvLayout},
 * {@link io.github.ple4j.spark.RecordToMultiDataSet}), and {@link io.github.ple4j.spark.PleSparkMain}, the
 * {@code spark-submit} entry point.
 */
package io.github.ple4j.spark;
