package dev.totpguard.benchmarks.report;

import java.util.Locale;

/** Human-readable times and sizes for tables and chart labels. */
final class Units {

    private Units() {
    }

    /** {@code 812 ns}, {@code 1.73 µs}, {@code 4.20 ms}, {@code 1.05 s}. */
    static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "n/a";
        }
        if (nanos < 1e3) {
            return format(nanos, "ns");
        }
        if (nanos < 1e6) {
            return format(nanos / 1e3, "µs");
        }
        if (nanos < 1e9) {
            return format(nanos / 1e6, "ms");
        }
        return format(nanos / 1e9, "s");
    }

    /** {@code 216 B}, {@code 11.9 KB}, {@code 2.31 MB} (1 KB = 1024 B). */
    static String bytes(double bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        if (bytes < 1024 * 1024) {
            return format(bytes / 1024, "KB");
        }
        return format(bytes / (1024 * 1024), "MB");
    }

    /** {@code 1,234,567} or {@code 12.3} for small rates. */
    static String rate(double perSecond) {
        return perSecond >= 100
                ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** {@code 0.18x}, {@code 1.00x}, {@code 43.1x}. */
    static String ratio(double ratio) {
        return ratio >= 10
                ? String.format(Locale.ROOT, "%.1fx", ratio)
                : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** An axis label: {@code 0.001x}, {@code 0.5x}, {@code 1x}, {@code 20x}, {@code 1000x}. */
    static String tickRatio(double ratio) {
        return new java.math.BigDecimal(ratio).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString() + "x";
    }

    private static String format(double value, String unit) {
        String pattern = value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, pattern, value, unit);
    }
}
