/**
 * Pure-Java evaluation utilities for multi-task recommendation models.
 *
 * <p>Everything in this package works on plain {@code double[]} arrays and has no
 * dependency on ND4J or DeepLearning4J, so it can be used to evaluate any model
 * output (and is trivial to unit test):
 * <ul>
 *   <li>{@link io.github.ple4j.model.eval.Metrics} &ndash; per-task metrics (exact tie-aware
 *       ROC AUC, log loss, accuracy, MSE, MAE, positive rate) with optional 0/1 masks, so
 *       samples that have no label for a task can be ignored;</li>
 *   <li>{@link io.github.ple4j.model.eval.TaskMetrics} &ndash; an immutable summary of one
 *       task's metrics, with lookup by metric name;</li>
 *   <li>{@link io.github.ple4j.model.eval.MultiTaskGain} &ndash; the "MTL gain" of a
 *       multi-task model over its single-task counterpart (Tang et al., RecSys 2020, Eq. 11);</li>
 *   <li>{@link io.github.ple4j.model.eval.RankingScore} &ndash; the multiplicative fusion of
 *       per-task predictions into a single ranking score (same paper, Eq. 1).</li>
 * </ul>
 *
 * <p>Conventions shared by all classes: a {@code mask} may be {@code null} (every sample is
 * used) or must have one entry per sample, each exactly {@code 0} (ignore the sample) or
 * {@code 1} (use it). Only unmasked samples are checked for invalid values, so masked
 * samples may carry placeholder labels such as {@code NaN}. Invalid input raises an
 * {@link java.lang.IllegalArgumentException} whose message names the offending array,
 * index and value.
 */
package io.github.ple4j.model.eval;
