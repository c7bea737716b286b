package dev.totpguard.benchmarks.http;

import java.util.Optional;

/**
 * What one load run against one server recorded: every completed request's latency in nanoseconds (for an
 * open-loop run from its intended send time, and separately from when it actually left), the responses that were
 * not 2xx, and the requests that failed or were never sent before the run's deadline. The arrays are the load
 * generator's own, handed over once the run has ended and never written again.
 *
 * @param latencyNanos latency of request {@code i} at index {@code i}, for the first {@code completed} entries in an
 *     open-loop run; empty for a closed-loop run
 * @param serviceNanos the same requests' time from the actual send to the end of the response
 * @param scheduled requests planned (open loop) or sent (closed loop)
 * @param completed requests with a whole response, whatever its status
 * @param non2xx completed requests whose status was not 2xx
 * @param failed requests that got no whole response (connection error, time-out) or were not sent in time
 * @param firstProblem a description of the first non-2xx status or failure, if any
 * @param elapsedNanos from the first intended send (or the start) to the last response
 * @param lastBodyBytes the body size of the last response, to show that both variants serve the same page
 */
public record LoadRun(long[] latencyNanos, long[] serviceNanos, int scheduled, int completed, int non2xx, int failed,
                      Optional<String> firstProblem, long elapsedNanos, long lastBodyBytes) {

    /** Completed requests per second over the run. */
    public double requestsPerSecond() {
        return elapsedNanos <= 0 ? 0 : completed * 1e9 / elapsedNanos;
    }

    /** Whether every planned request got a 2xx response. */
    public boolean clean() {
        return non2xx == 0 && failed == 0 && completed == scheduled;
    }
}
