package dev.totpguard.benchmarks.report;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One row of JMH's JSON results, its score converted to nanoseconds per operation whatever the mode
 * (average time or throughput) and unit it was measured in. Immutable and thread-safe.
 */
public final class BenchmarkResult {

    private final String className;
    private final String method;
    private final SortedMap<String, String> params;
    private final int threads;
    private final double nanosPerOp;
    private final double errorNanos;
    private final Double bytesPerOp;

    /**
     * @param benchmark JMH's full name, {@code package.Class.method}
     * @param errorNanos the 99.9 % confidence half-width in ns/op, {@code NaN} when too few iterations ran
     * @param bytesPerOp {@code gc.alloc.rate.norm} from {@code -prof gc}, or {@code null} without it
     */
    public BenchmarkResult(String benchmark, Map<String, String> params, int threads, double nanosPerOp,
            double errorNanos, Double bytesPerOp) {
        Objects.requireNonNull(benchmark, "benchmark");
        int lastDot = benchmark.lastIndexOf('.');
        int classDot = benchmark.lastIndexOf('.', lastDot - 1);
        if (lastDot < 0) {
            throw new IllegalArgumentException("Not a JMH benchmark name (package.Class.method): " + benchmark);
        }
        this.className = benchmark.substring(classDot + 1, lastDot);
        this.method = benchmark.substring(lastDot + 1);
        this.params = new TreeMap<>(params);
        this.threads = threads;
        this.nanosPerOp = nanosPerOp;
        this.errorNanos = errorNanos;
        this.bytesPerOp = bytesPerOp;
    }

    /** The benchmark class's simple name, e.g. {@code TotpVerifyBenchmark}. */
    public String className() {
        return className;
    }

    public String method() {
        return method;
    }

    /** The {@code @Param} values, by name. */
    public SortedMap<String, String> params() {
        return java.util.Collections.unmodifiableSortedMap(params);
    }

    public int threads() {
        return threads;
    }

    public double nanosPerOp() {
        return nanosPerOp;
    }

    public double errorNanos() {
        return errorNanos;
    }

    /** Operations per second over all threads: {@code threads / time per operation}. */
    public double opsPerSecond() {
        return threads * 1e9 / nanosPerOp;
    }

    public OptionalDouble bytesPerOp() {
        return bytesPerOp == null ? OptionalDouble.empty() : OptionalDouble.of(bytesPerOp);
    }

    /** The params as {@code "SHA1_6 NON_MATCHING"} plus {@code "2 threads"} when more than one. */
    public String variant() {
        StringBuilder variant = new StringBuilder(String.join(" ", params.values()));
        if (threads > 1) {
            variant.append(variant.length() == 0 ? "" : " ").append(threads).append(" threads");
        }
        return variant.toString();
    }

    @Override
    public String toString() {
        return className + "." + method + (params.isEmpty() ? "" : " " + params) + " x" + threads + ": " + nanosPerOp + " ns/op";
    }
}
