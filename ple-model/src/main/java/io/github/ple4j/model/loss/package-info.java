/** Masked per-task losses (paper Eq. 9) and their weighting into one scalar loss (Eq. 8, 10). */
package io.github.ple4j.model.loss;
