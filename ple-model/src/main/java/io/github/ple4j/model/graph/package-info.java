/**
 * SameDiff assembly of the PLE family: expert banks, gates, extraction levels, towers, and the
 * {@link io.github.ple4j.model.graph.GraphSignature} that owns every name and the array order.
 */
package io.github.ple4j.model.graph;
