package dev.totpguard.benchmarks.http;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} at {@code start + i / rate}, no
 * matter how long earlier requests took. Latency is measured from this intended time, not from when the request
 * actually left, so a server stall delays (and is charged to) every request scheduled during it instead of
 * silently pausing the load ("coordinated omission"). Immutable.
 *
 * @param startNanos the intended send time of request 0, on the {@link System#nanoTime()} scale
 * @param ratePerSecond requests per second, positive
 * @param count the number of requests, positive
 */
public record OpenLoopSchedule(long startNanos, double ratePerSecond, int count) {

    public OpenLoopSchedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number of requests per second, not " + ratePerSecond);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("the count must be positive, not " + count);
        }
    }

    /** A schedule of {@code rate x seconds} requests (at least one) starting at {@code startNanos}. */
    public static OpenLoopSchedule forDuration(long startNanos, double ratePerSecond, double seconds) {
        long count = Math.max(1, Math.round(ratePerSecond * seconds));
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many requests for one round: " + count);
        }
        return new OpenLoopSchedule(startNanos, ratePerSecond, (int) count);
    }

    /**
     * The intended send time of request {@code index}. Computed from the index rather than by adding an interval
     * again and again, so rounding never accumulates: the last request is due exactly {@code (count - 1) / rate}
     * after the first.
     */
    public long sendTimeNanos(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("request " + index + " of " + count);
        }
        return startNanos + Math.round(index * 1e9 / ratePerSecond);
    }

    /** The intended send time of the last request. */
    public long lastSendTimeNanos() {
        return sendTimeNanos(count - 1);
    }
}
