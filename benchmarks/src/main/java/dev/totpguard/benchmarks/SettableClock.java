package dev.totpguard.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that a benchmark moves forward, seen alike by every thread, including the server threads
 * that handle requests sent through Jetty's {@code LocalConnector}. Thread-safe.
 */
final class SettableClock extends Clock {

    private volatile long millis;

    SettableClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    void set(long epochMillis) {
        millis = epochMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
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
