/** Inference: per-task predictions, gate weights and evaluation, with a stated thread-safety contract. */
package io.github.ple4j.model.infer;
