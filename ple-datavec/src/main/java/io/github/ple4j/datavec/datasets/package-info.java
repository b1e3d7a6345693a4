/**
 * Data sets for multi-task recommendation experiments.
 *
 * <p>{@link io.github.ple4j.datavec.datasets.SyntheticTasks} generates the synthetic two-task
 * regression data with a controlled task correlation introduced by Ma et al., <i>Modeling Task
 * Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts</i> (KDD 2018, section
 * 3.2), and reused by Tang et al., <i>Progressive Layered Extraction (PLE)</i> (RecSys 2020). The
 * generator is configured by an immutable, validated
 * {@link io.github.ple4j.datavec.datasets.SyntheticTasksSpec}; {@link io.github.ple4j.datavec.datasets.SyntheticDataSets}
 * turns a sample into model input. Everything about it is pure Java and fully deterministic given its seeds.
 *
 * <p>{@link io.github.ple4j.datavec.datasets.CensusIncome} is the UCI Census-Income (KDD) data set with the MMoE/PLE
 * protocol (tasks income and never-married; train file for training, test file split 1:1 into validation and test),
 * streamed from its .gz files through DataVec, with checksums ({@link io.github.ple4j.datavec.datasets.GzipContent})
 * and a download from UCI. {@link io.github.ple4j.datavec.datasets.CensusData} holds the fitted pipeline and gives
 * iterators.
 */
package io.github.ple4j.datavec.datasets;
