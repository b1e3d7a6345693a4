/** Feeding PLE models: iterators whose array order comes from the model's signature. */
package io.github.ple4j.datavec;
