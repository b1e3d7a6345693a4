/** The training loop, listeners (progress, custom), early stopping and training results. */
package io.github.ple4j.model.train;
