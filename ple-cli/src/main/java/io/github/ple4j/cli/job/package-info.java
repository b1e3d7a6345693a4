/**
 * The job config of {@code ple train} ({@link io.github.ple4j.cli.job.JobConfig}, JSON through
 * {@link io.github.ple4j.cli.job.JobJson}): the CSV layout and column roles ({@link io.github.ple4j.cli.job.CsvSpec}),
 * the tasks and their labels ({@link io.github.ple4j.cli.job.LabelSpec}), the model and training sections
 * ({@link io.github.ple4j.cli.job.ModelSpec}) and the batch size. Reading is strict: an unknown field, a wrong type
 * or a bad value is refused with the JSON path, what was expected and what was found
 * ({@link io.github.ple4j.cli.job.JobConfigException}).
 */
package io.github.ple4j.cli.job;
