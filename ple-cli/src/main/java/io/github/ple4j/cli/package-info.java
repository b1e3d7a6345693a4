/**
 * The {@code ple} command line ({@link io.github.ple4j.cli.PleCli}): {@code train}, {@code evaluate},
 * {@code predict}, {@code inspect}.
 *
 * <p><b>Files.</b> A model file is a ple-model bundle with three attachments: {@code preprocessing} (the fitted
 * ple-datavec pipeline), {@code job} (the complete job config, for the CSV layout) and {@code columns} (the training
 * file's column names), plus {@code data-files} (fingerprints of the training and validation files) and ple-model's
 * {@code fit-state} ({@link io.github.ple4j.model.train.FitState}). Checkpoints are the same bundles with optimiser
 * state, in {@code OUT.checkpoints/step-NNNNNNNNNNNN.ple}, written by ple-model's
 * {@link io.github.ple4j.model.train.CheckpointDirectory}: the command maps its options onto
 * {@link io.github.ple4j.model.train.FitOptions} and trains with the library's own loop.
 *
 * <p><b>Reliability contracts.</b>
 * <ul>
 *   <li>Every file the commands write (model, checkpoints, predictions, reject file, metrics JSON) is written to a
 *       temporary file in the same directory and renamed into place: it is complete or absent.</li>
 *   <li>A run resumed from any checkpoint ({@code train --resume}) ends with the same weights, bit for bit, as an
 *       uninterrupted run: the data are read in file order, the consumed batches of the current epoch are skipped,
 *       and the optimiser state, counters and dropout seeds continue. The training (and validation) file must be the
 *       same; a fingerprint (size and SHA-256) is checked.</li>
 *   <li>A non-finite loss or gradient stops training before the step is applied (exit code 1); the checkpoints
 *       written so far are kept.</li>
 *   <li>Loading a model parses only JSON and .npy arrays in Java (no Java deserialisation, nothing extracted to disk,
 *       entry names and sizes checked, CRC-32 of every entry verified, NaN/infinite parameters refused).</li>
 *   <li>{@link io.github.ple4j.cli.Scorer} is safe to call from many threads; forward passes are serialised.</li>
 * </ul>
 */
package io.github.ple4j.cli;
