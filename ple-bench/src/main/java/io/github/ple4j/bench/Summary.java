package io.github.ple4j.bench;

import java.util.Arrays;

/**
 * Median, minimum and maximum of a few measurements.
 *
 * @param median the middle value (mean of the two middle values for an even count)
 * @param min    the smallest value
 * @param max    the largest value
 */
public record Summary(double median, double min, double max) {
    /**
     * Summarises values.
     *
     * @throws IllegalArgumentException when there are none
     */
    public static Summary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Summary(median, s[0], s[n - 1]);
    }

    /** Every value multiplied by a factor (a non-negative one keeps the order). */
    public Summary scale(double factor) {
        return new Summary(median * factor, min * factor, max * factor);
    }
}
