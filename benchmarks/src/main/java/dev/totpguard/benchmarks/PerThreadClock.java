package dev.totpguard.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock whose time each thread sets for itself. A service benchmark gives every thread its own user
 * and moves that thread's time one TOTP step forward per operation, so every operation verifies a fresh,
 * valid code (a code is accepted once per step) without the threads' clocks disturbing each other.
 *
 * <p>Thread-safe: each thread only sees the time it set, or the start time.
 */
final class PerThreadClock extends Clock {

    private final long startMillis;
    private final ThreadLocal<long[]> millis;

    PerThreadClock(Instant start) {
        this.startMillis = start.toEpochMilli();
        this.millis = ThreadLocal.withInitial(() -> new long[] {startMillis});
    }

    /** Sets the calling thread's time. */
    void set(long epochMillis) {
        millis.get()[0] = epochMillis;
    }

    @Override
    public long millis() {
        return millis.get()[0];
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("A benchmark clock is always UTC");
    }
}
