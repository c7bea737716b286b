package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void percentilesAreTheNearestRankOfTheSortedValues() {
        long[] oneToHundred = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray();
        assertEquals(50, Latencies.percentile(oneToHundred, 100, 50));
        assertEquals(99, Latencies.percentile(oneToHundred, 100, 99));
        assertEquals(100, Latencies.percentile(oneToHundred, 100, 100));
        assertEquals(1, Latencies.percentile(oneToHundred, 100, 0.5));
        assertEquals(29, Latencies.percentile(oneToHundred, 100, 29), "0.29 x 100 is rank 29, not 30 by floating-point error");
        assertArrayEquals(new long[] {50, 99, 100}, Latencies.percentiles(oneToHundred, 100, 50, 99, 100));
    }

    @Test
    void theMedianOfAnEvenCountIsTheLowerMiddleValueByNearestRank() {
        assertEquals(2, Latencies.percentile(new long[] {4, 1, 3, 2}, 4, 50));
        assertEquals(7, Latencies.percentile(new long[] {7}, 1, 50));
        assertEquals(7, Latencies.percentile(new long[] {7}, 1, 99));
    }

    @Test
    void onlyTheFirstCountValuesCountAndTheArrayIsLeftAsItWas() {
        long[] values = {30, 10, 20, 999, 999};
        assertEquals(30, Latencies.percentile(values, 3, 100), "the two values after count are not recorded ones");
        assertArrayEquals(new long[] {30, 10, 20, 999, 999}, values);
    }

    @Test
    void aMissingOrImpossiblePercentileIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 0, 50));
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 2, 50));
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 1, 100.5));
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 1, Double.NaN));
    }

    @Test
    void theMedianOfRoundsIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(3.0, Latencies.median(5, 1, 3));
        assertEquals(2.5, Latencies.median(4, 1, 3, 2));
        assertEquals(200.0, Latencies.median(200, 200, 1e9, 100), "one bad round moves the median of four by half a step at most");
        assertEquals(42.0, Latencies.median(42));
        double[] rounds = {3, 1, 2};
        Latencies.median(rounds);
        assertArrayEquals(new double[] {3, 1, 2}, rounds, "the caller's array is not sorted");
        assertThrows(IllegalArgumentException.class, () -> Latencies.median());
    }
}
