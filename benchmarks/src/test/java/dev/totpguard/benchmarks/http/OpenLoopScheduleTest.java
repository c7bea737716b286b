package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    @Test
    void requestsAreDueAtTheStartPlusTheirIndexOverTheRate() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(5_000, 1000, 4);
        assertEquals(5_000, schedule.sendTimeNanos(0));
        assertEquals(5_000 + 1_000_000, schedule.sendTimeNanos(1));
        assertEquals(5_000 + 3_000_000, schedule.sendTimeNanos(3));
        assertEquals(schedule.sendTimeNanos(3), schedule.lastSendTimeNanos());
    }

    @Test
    void anIntervalThatIsNoWholeNumberOfNanosecondsDoesNotDrift() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 3000, 30_000);
        // 1 / 3000 s = 333,333.33 ns: adding a rounded interval 29,999 times would be 10 us off by the end.
        assertEquals(9_999_666_667L, schedule.sendTimeNanos(29_999));
        assertEquals(10_000_000_000L / 3 * 2 + 1, schedule.sendTimeNanos(20_000));
        for (int i = 1; i < schedule.count(); i++) {
            long gap = schedule.sendTimeNanos(i) - schedule.sendTimeNanos(i - 1);
            assertTrue(gap == 333_333 || gap == 333_334, "gap " + gap + " before request " + i);
        }
    }

    @Test
    void aRoundOfSomeSecondsHoldsRateTimesSecondsRequests() {
        assertEquals(3 * 1234, OpenLoopSchedule.forDuration(0, 1234, 3).count());
        assertEquals(1, OpenLoopSchedule.forDuration(0, 0.1, 1).count(), "at least one request");
        assertEquals(9_285, OpenLoopSchedule.forDuration(0, 3095, 3).count());
    }

    @Test
    void indexesOutsideTheScheduleAndImpossibleRatesAreRefused() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 10, 5);
        assertThrows(IndexOutOfBoundsException.class, () -> schedule.sendTimeNanos(5));
        assertThrows(IndexOutOfBoundsException.class, () -> schedule.sendTimeNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, Double.NaN, 5));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, Double.POSITIVE_INFINITY, 5));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> OpenLoopSchedule.forDuration(0, 1e9, 10));
    }
}
