/**
 * Hyper-parameter search over PLE configs: a declared {@link io.github.ple4j.model.tune.SearchSpace}, random search or
 * successive halving ({@link io.github.ple4j.model.tune.Tuner}), repeated seeds, budgets in trials or minutes, a
 * resumable journal, JSON results and a Markdown leaderboard.
 */
package io.github.ple4j.model.tune;
