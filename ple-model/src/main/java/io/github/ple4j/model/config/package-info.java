/**
 * Immutable, validated model configuration: {@link io.github.ple4j.model.config.PleConfig} and its parts,
 * presets for the paper's models, and the JSON form.
 */
package io.github.ple4j.model.config;
