/**
 * PLE4J: Progressive Layered Extraction (Tang et al., RecSys 2020) and its baselines on SameDiff. Start at
 * {@link io.github.ple4j.model.PleModel} and {@link io.github.ple4j.model.config.PleConfig}.
 */
package io.github.ple4j.model;
