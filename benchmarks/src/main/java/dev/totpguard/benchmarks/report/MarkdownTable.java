package dev.totpguard.benchmarks.report;

import java.util.List;

/**
 * Writes JMH results as a Markdown table, one row per result in the order JMH ran them: time per
 * operation with its 99.9 % error, operations per second over all threads, bytes allocated per operation
 * and the ratio to the row's {@link References reference}. Stateless and thread-safe.
 */
public final class MarkdownTable {

    public String render(List<BenchmarkResult> results) {
        References references = new References(results);
        StringBuilder table = new StringBuilder();
        table.append("| Benchmark | Variant | Time/op | ± (99.9 %) | Ops/s | Alloc/op | Ratio | Reference |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (BenchmarkResult result : results) {
            table.append("| ").append(result.className()).append('.').append(result.method())
                    .append(" | ").append(result.variant())
                    .append(" | ").append(Units.time(result.nanosPerOp()))
                    .append(" | ").append(Double.isNaN(result.errorNanos()) ? "n/a" : Units.time(result.errorNanos()))
                    .append(" | ").append(Units.rate(result.opsPerSecond()))
                    .append(" | ").append(result.bytesPerOp().isPresent() ? Units.bytes(result.bytesPerOp().getAsDouble()) : "n/a")
                    .append(" | ").append(references.ratioOf(result).map(Units::ratio).orElse(""))
                    .append(" | ").append(references.describeReference(result).orElse(""))
                    .append(" |\n");
        }
        return table.toString();
    }
}
