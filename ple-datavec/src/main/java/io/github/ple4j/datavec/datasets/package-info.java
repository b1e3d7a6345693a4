/**
 * Data sets for multi-task recommendation experiments.
 *
 * <p>{@link io.github.ple4j.datavec.datasets.SyntheticTasks} generates the synthetic two-task
 * regression data with a controlled task correlation introduced by Ma et al., <i>Modeling Task
 * Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts</i> (KDD 2018, section
 * 3.2), and reused by Tang et al., <i>Progressive Layered Extraction (PLE)</i> (RecSys 2020). The
 * generator is configured by an immutable, validated
 * {@link io.github.ple4j.datavec.datasets.SyntheticTasksSpec}.
 *
 * <p>Everything in this package is pure Java and fully deterministic given its seeds.
 */
package io.github.ple4j.datavec.datasets;
