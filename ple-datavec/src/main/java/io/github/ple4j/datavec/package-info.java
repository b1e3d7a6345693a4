/**
 * Feeding PLE models from records: iterators whose array order comes from the model's
 * {@link io.github.ple4j.model.graph.GraphSignature}.
 *
 * <ul>
 *   <li>{@link io.github.ple4j.datavec.RecordPipeline}: which columns of a DataVec record are dense features
 *       (standardised), categorical features (ids for embeddings or one-hot, with an out-of-vocabulary id 0) and
 *       task labels (binary or regression, with missing labels masked per task); columns by schema name or
 *       index. {@code fit(RecordReader)} streams once over training records.</li>
 *   <li>{@link io.github.ple4j.datavec.FittedPipeline}: the fitted, immutable result — the model's
 *       {@link io.github.ple4j.model.config.InputSpec}, the task names, a versioned JSON form, and streaming
 *       MultiDataSet iterators (optionally prefetching, {@link io.github.ple4j.datavec.PrefetchIterator}).</li>
 *   <li>{@link io.github.ple4j.datavec.InvalidDataException}: bad data, naming file, line, column, expected and
 *       found.</li>
 *   <li>{@link io.github.ple4j.datavec.ArraysIterator}: batches over in-memory arrays.</li>
 * </ul>
 *
 * <p>Readers are in {@code .records}, the column vocabulary and fitted statistics in {@code .schema}, data sets
 * (synthetic tasks, census-income) in {@code .datasets}.
 */
package io.github.ple4j.datavec;
