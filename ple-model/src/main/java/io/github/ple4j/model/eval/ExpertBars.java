package io.github.ple4j.model.eval;

import io.github.ple4j.model.graph.PleNetwork;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bars of one level of the expert-utilisation chart (paper Fig. 8): the level's experts on the x axis and,
 * per gate, the mean weight it gives each expert with its standard deviation as error bar. A gate that does
 * not mix an expert (a task gate and another task's expert) has a zero bar there.
 *
 * @param level   extraction level, 0-based
 * @param experts expert labels: task groups in task order, then the shared experts
 * @param series  one per gate of the level, in gate order
 */
public record ExpertBars(int level, List<String> experts, List<Series> series) {
    /**
     * One gate's bars.
     *
     * @param name gate name for the legend ("task1 gate", "shared gate")
     * @param mean mean weight per expert of {@link ExpertBars#experts()}
     * @param std  standard deviation per expert
     */
    public record Series(String name, List<Double> mean, List<Double> std) {
        public Series {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }
    }

    public ExpertBars {
        experts = List.copyOf(experts);
        series = List.copyOf(series);
    }

    /** Groups gate statistics by level, in level order. */
    public static List<ExpertBars> byLevel(List<GateUsage> gates) {
        Map<Integer, List<GateUsage>> levels = new TreeMap<>();
        for (GateUsage g : gates) {
            levels.computeIfAbsent(g.level(), l -> new ArrayList<>()).add(g);
        }
        List<ExpertBars> out = new ArrayList<>();
        levels.forEach((level, gs) -> out.add(of(level, gs)));
        return out;
    }

    private static ExpertBars of(int level, List<GateUsage> gates) {
        // Group order: gate owners in gate order (tasks first), the shared group last.
        Map<String, Integer> rank = new LinkedHashMap<>();
        for (GateUsage g : gates) {
            if (!g.owner().equals(PleNetwork.SHARED)) {
                rank.putIfAbsent(g.owner(), rank.size());
            }
        }
        List<String> experts = new ArrayList<>();
        for (GateUsage g : gates) {
            for (String e : g.experts()) {
                if (!experts.contains(e)) {
                    experts.add(e);
                }
            }
        }
        experts.sort(Comparator.comparingInt((String e) -> groupRank(e, rank)).thenComparingInt(ExpertBars::index));
        List<Series> series = new ArrayList<>();
        for (GateUsage g : gates) {
            List<Double> mean = new ArrayList<>();
            List<Double> std = new ArrayList<>();
            for (String e : experts) {
                mean.add(g.meanOf(e));
                std.add(g.stdOf(e));
            }
            series.add(new Series(g.owner() + " gate", mean, std));
        }
        return new ExpertBars(level, experts, series);
    }

    private static int groupRank(String expert, Map<String, Integer> rank) {
        String group = group(expert);
        return group.equals(PleNetwork.SHARED) ? Integer.MAX_VALUE : rank.getOrDefault(group, Integer.MAX_VALUE - 1);
    }

    private static String group(String expert) {
        int slash = expert.lastIndexOf('/');
        return slash < 0 ? expert : expert.substring(0, slash);
    }

    private static int index(String expert) {
        int slash = expert.lastIndexOf('/');
        try {
            return slash < 0 ? 0 : Integer.parseInt(expert.substring(slash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
