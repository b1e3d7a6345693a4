/**
 * PLE inside DL4J: {@link io.github.ple4j.dl4j.PleLayer} (the PLE network as one SameDiff layer, defined by the
 * same code as the SameDiff model), {@link io.github.ple4j.dl4j.PleComputationGraph} (a ComputationGraph with one
 * output per task, for fit, early stopping, ModelSerializer, ParallelWrapper, ParallelInference and Spark),
 * {@link io.github.ple4j.dl4j.PleTaskLoss} (the masked, count-normalised task loss), and
 * {@link io.github.ple4j.dl4j.WeightMapping} with {@link io.github.ple4j.dl4j.ParamKeys} to move weights between
 * the graph and {@code PleModel}.
 */
package io.github.ple4j.dl4j;
