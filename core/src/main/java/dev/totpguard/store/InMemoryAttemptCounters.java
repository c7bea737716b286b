package dev.totpguard.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link AttemptCounters} in this JVM's memory: the limits hold per node and are forgotten on restart. For tests, a
 * single node, or a custom {@link CredentialStore} without counters of its own. Thread-safe.
 */
public final class InMemoryAttemptCounters implements AttemptCounters {

    /** One key's window. */
    private record Window(Instant start, int attempts) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    @Override
    public boolean reserve(String key, int limit, Duration window, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        AtomicBoolean reserved = new AtomicBoolean();
        windows.compute(key, (ignored, current) -> {
            if (current == null || !current.start().plus(window).isAfter(now)) {
                reserved.set(limit > 0);
                return new Window(now, reserved.get() ? 1 : 0);
            }
            if (current.attempts() >= limit) {
                return current;
            }
            reserved.set(true);
            return new Window(current.start(), current.attempts() + 1);
        });
        return reserved.get();
    }

    @Override
    public void release(String key) {
        windows.computeIfPresent(Objects.requireNonNull(key, "key"),
                (ignored, current) -> current.attempts() > 0 ? new Window(current.start(), current.attempts() - 1) : current);
    }

    @Override
    public int purge(Instant startedBefore) {
        Objects.requireNonNull(startedBefore, "startedBefore");
        AtomicInteger removed = new AtomicInteger();
        windows.forEach((key, current) -> {
            if (!current.start().isAfter(startedBefore) && windows.remove(key, current)) {
                removed.incrementAndGet();
            }
        });
        return removed.get();
    }

    @Override
    public String toString() {
        return "InMemoryAttemptCounters[" + windows.size() + " keys]";
    }
}
