package dev.totpguard.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Draws JMH results as a horizontal bar chart with {@code java.awt} (headless): first every result that
 * has a {@link References reference}, as its time relative to that reference on a log scale (TOTP Guard =
 * 1), then the others as absolute times on a log scale. Labels carry the ratio, the time and the bytes
 * allocated per operation. Stateless and thread-safe.
 */
public final class ResultChart {

    private static final int WIDTH = 1400;
    private static final int LABEL_RIGHT = 430;
    private static final int PLOT_LEFT = 440;
    private static final int PLOT_RIGHT = 1040;
    private static final int ROW = 22;
    private static final int GROUP_HEADER = 28;
    private static final int PANEL_HEADER = 46;
    private static final int AXIS = 34;
    private static final int MARGIN = 20;

    private static final Color REFERENCE_BAR = new Color(0x2e7d32);
    private static final Color OTHER_BAR = new Color(0x9e9e9e);
    private static final Color BASELINE_BAR = new Color(0x1e88e5);
    private static final Color ABSOLUTE_BAR = new Color(0x5e35b1);
    private static final Color GRID = new Color(0xe0e0e0);

    /**
     * @param title the first line of the chart, e.g. the run's parameters
     */
    public BufferedImage render(List<BenchmarkResult> results, String title) {
        References references = new References(results);
        Map<String, List<BenchmarkResult>> compared = new LinkedHashMap<>();
        Map<String, List<BenchmarkResult>> absolute = new LinkedHashMap<>();
        for (BenchmarkResult result : results) {
            Optional<BenchmarkResult> reference = references.referenceOf(result);
            String group = reference.map(r -> r.className() + "  " + r.variant()).orElse(result.className());
            (reference.isPresent() ? compared : absolute).computeIfAbsent(group, g -> new ArrayList<>()).add(result);
        }
        compared.values().forEach(rows -> rows.sort(Comparator.comparingInt(row -> rank(references, row))));

        int height = MARGIN + 30 + panelHeight(compared) + panelHeight(absolute) + MARGIN;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, MARGIN, MARGIN + 16);
            int y = MARGIN + 30;
            if (!compared.isEmpty()) {
                y = drawPanel(g, y, "Time per operation relative to TOTP Guard (log scale; 1 = TOTP Guard, lower is faster)",
                        compared, r -> references.ratioOf(r).orElseThrow(), references, true);
            }
            if (!absolute.isEmpty()) {
                drawPanel(g, y, "Other operations: time per operation (log scale)", absolute,
                        BenchmarkResult::nanosPerOp, references, false);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The reference first, then the other methods of its class, then baselines from other classes. */
    private static int rank(References references, BenchmarkResult result) {
        BenchmarkResult reference = references.referenceOf(result).orElseThrow();
        return reference == result ? 0 : reference.className().equals(result.className()) ? 1 : 2;
    }

    private static int panelHeight(Map<String, List<BenchmarkResult>> groups) {
        if (groups.isEmpty()) {
            return 0;
        }
        int rows = groups.values().stream().mapToInt(List::size).sum();
        return PANEL_HEADER + groups.size() * GROUP_HEADER + rows * ROW + AXIS;
    }

    private int drawPanel(Graphics2D g, int top, String heading, Map<String, List<BenchmarkResult>> groups,
            ToDoubleFunction<BenchmarkResult> value, References references, boolean ratios) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (List<BenchmarkResult> rows : groups.values()) {
            for (BenchmarkResult row : rows) {
                min = Math.min(min, value.applyAsDouble(row));
                max = Math.max(max, value.applyAsDouble(row));
            }
        }
        double lo = niceBelow(min / 1.1);
        double hi = niceAbove(max * 1.1);
        LogScale scale = new LogScale(lo, hi);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(heading, MARGIN, top + 26);
        int y = top + PANEL_HEADER;
        int plotTop = y;
        int plotBottom = y + groups.size() * GROUP_HEADER + groups.values().stream().mapToInt(List::size).sum() * ROW;

        // Grid lines at 1, 2 and 5 of every decade, drawn under the bars; labels where they fit, decades first.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        List<Double> ticks = new ArrayList<>();
        for (double decade = Math.pow(10, Math.floor(Math.log10(lo))); decade <= hi; decade *= 10) {
            for (int step : new int[] {1, 2, 5}) {
                double tick = decade * step;
                if (tick >= lo * 0.999 && tick <= hi * 1.001) {
                    ticks.add(tick);
                }
            }
        }
        List<int[]> labelled = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (double tick : ticks) {
                boolean decade = Math.abs(Math.log10(tick) - Math.rint(Math.log10(tick))) < 1e-9;
                if (decade != (pass == 0)) {
                    continue;
                }
                int x = scale.x(tick);
                String label = ratios ? Units.tickRatio(tick) : Units.time(tick);
                int width = g.getFontMetrics().stringWidth(label);
                int[] span = {x - width / 2 - 6, x + width / 2 + 6};
                if (labelled.stream().noneMatch(other -> span[0] < other[1] && other[0] < span[1])) {
                    labelled.add(span);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(label, x - width / 2, plotBottom + 16);
                }
            }
        }
        for (double tick : ticks) {
            g.setColor(GRID);
            g.drawLine(scale.x(tick), plotTop, scale.x(tick), plotBottom);
        }

        for (Map.Entry<String, List<BenchmarkResult>> group : groups.entrySet()) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString(group.getKey(), MARGIN, y + 19);
            y += GROUP_HEADER;
            for (BenchmarkResult row : group.getValue()) {
                double v = value.applyAsDouble(row);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.setColor(Color.BLACK);
                String name = ratios ? row.method() + (references.referenceOf(row).get().className().equals(row.className()) ? "" : " (" + row.className() + ")")
                        : row.method() + (row.variant().isEmpty() ? "" : "  " + row.variant());
                g.drawString(name, LABEL_RIGHT - g.getFontMetrics().stringWidth(name), y + 15);
                g.setColor(barColour(references, row, ratios));
                g.fillRect(PLOT_LEFT, y + 4, Math.max(1, scale.x(v) - PLOT_LEFT), ROW - 8);
                g.setColor(Color.BLACK);
                StringBuilder label = new StringBuilder();
                if (ratios) {
                    label.append(Units.ratio(v)).append("  ");
                }
                label.append(Units.time(row.nanosPerOp())).append("/op");
                row.bytesPerOp().ifPresent(b -> label.append("  ").append(Units.bytes(b)).append("/op"));
                g.drawString(label.toString(), Math.min(scale.x(v), PLOT_RIGHT) + 6, y + 15);
                y += ROW;
            }
        }
        if (ratios) {
            g.setColor(REFERENCE_BAR);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            int x = scale.x(1.0);
            g.drawLine(x, plotTop, x, plotBottom);
            g.setStroke(new BasicStroke());
        }
        return plotBottom + AXIS;
    }

    private static Color barColour(References references, BenchmarkResult row, boolean ratios) {
        if (!ratios) {
            return ABSOLUTE_BAR;
        }
        BenchmarkResult reference = references.referenceOf(row).orElseThrow();
        if (reference == row) {
            return REFERENCE_BAR;
        }
        return reference.className().equals(row.className()) ? OTHER_BAR : BASELINE_BAR;
    }

    /** The largest 1, 2 or 5 times a power of ten at or below {@code value}. */
    static double niceBelow(double value) {
        double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (int step : new int[] {5, 2, 1}) {
            if (decade * step <= value) {
                return decade * step;
            }
        }
        return decade;
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}. */
    static double niceAbove(double value) {
        double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (int step : new int[] {1, 2, 5, 10}) {
            if (decade * step >= value) {
                return decade * step;
            }
        }
        return decade * 10;
    }

    /** Maps a positive value to an x pixel between the plot's edges, logarithmically. */
    private static final class LogScale {
        private final double logLo;
        private final double logHi;

        LogScale(double lo, double hi) {
            this.logLo = Math.log10(lo);
            this.logHi = Math.log10(hi) > Math.log10(lo) ? Math.log10(hi) : Math.log10(lo) + 1;
        }

        int x(double value) {
            double fraction = (Math.log10(value) - logLo) / (logHi - logLo);
            return PLOT_LEFT + (int) Math.round(fraction * (PLOT_RIGHT - PLOT_LEFT));
        }
    }
}
