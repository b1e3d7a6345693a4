/**
 * Execution of SameDiff graphs without SameDiff's session: {@link io.github.ple4j.model.exec.ExecutionPlan}
 * runs a graph (or its gradient function) as a fixed list of steps with buffers it owns and reuses, one step
 * per op. Most steps call libnd4j's op; where libnd4j's kernel is slow or copies needlessly, a step runs the
 * plan's own kernel (one file per kernel, each falling back to libnd4j's op for inputs it does not handle).
 * {@link io.github.ple4j.model.exec.NativeMemory} guards the off-heap memory of training and inference.
 */
package io.github.ple4j.model.exec;
