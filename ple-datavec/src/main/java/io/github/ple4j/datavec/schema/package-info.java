/**
 * The vocabulary of a record pipeline: which columns are inputs and labels and how
 * ({@link io.github.ple4j.datavec.schema.ColumnRef}, {@link io.github.ple4j.datavec.schema.CategoricalFeature},
 * {@link io.github.ple4j.datavec.schema.LabelColumn}, {@link io.github.ple4j.datavec.schema.LabelRule}), and what
 * fitting learnt from the training data ({@link io.github.ple4j.datavec.schema.DenseStats},
 * {@link io.github.ple4j.datavec.schema.FittedCategorical}, {@link io.github.ple4j.datavec.schema.TaskLabel},
 * {@link io.github.ple4j.datavec.schema.FitSummary}). All are immutable records; the fitted ones are the JSON form
 * of a {@link io.github.ple4j.datavec.FittedPipeline}.
 *
 * <p>Column indices are 0-based as in DataVec; messages number columns from 1, like lines.
 */
package io.github.ple4j.datavec.schema;
