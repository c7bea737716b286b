package dev.totpguard.benchmarks.http;

import java.util.Arrays;

/**
 * Percentiles of recorded latencies, computed exactly from a sorted copy (no histogram buckets, so no bucket
 * rounding in a 1 % comparison), and the median of per-round figures. Stateless.
 */
public final class Latencies {

    private Latencies() {
    }

    /**
     * The {@code percentile}-th percentile of the first {@code count} values by the nearest-rank method: the
     * smallest recorded value such that at least {@code percentile} % of the values are at or below it. The
     * array is not changed.
     *
     * @param percentile greater than 0 and at most 100
     */
    public static long percentile(long[] values, int count, double percentile) {
        return percentiles(values, count, percentile)[0];
    }

    /** Several percentiles of the first {@code count} values, in the order asked, from one sort. */
    public static long[] percentiles(long[] values, int count, double... percentiles) {
        if (count <= 0 || count > values.length) {
            throw new IllegalArgumentException("need 1 to " + values.length + " values, not " + count);
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        long[] result = new long[percentiles.length];
        for (int i = 0; i < percentiles.length; i++) {
            result[i] = sorted[rankIndex(count, percentiles[i])];
        }
        return result;
    }

    /** The zero-based index of the nearest rank {@code ceil(p / 100 * n)}. */
    static int rankIndex(int count, double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("a percentile is greater than 0 and at most 100, not " + percentile);
        }
        // The product is rounded to 9 decimals first: 0.29 * 100 must be rank 29, not 29.000000000000004 -> 30.
        double rank = Math.ceil(Math.round(percentile / 100.0 * count * 1e9) / 1e9);
        return (int) Math.max(1, Math.min(count, rank)) - 1;
    }

    /** The median: the middle value, or the mean of the two middle values for an even count. */
    public static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
