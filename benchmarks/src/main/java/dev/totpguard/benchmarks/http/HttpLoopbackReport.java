package dev.totpguard.benchmarks.http;

import dev.totpguard.benchmarks.http.HttpLoopbackResults.Round;
import dev.totpguard.benchmarks.http.HttpLoopbackResults.Summary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Turns {@code http-loopback.json} into a Markdown table and a small PNG chart (p50 of every round, filter off next
 * to filter on, with both medians), headless, with {@code java.awt} only:
 *
 * <pre>java -cp benchmarks.jar dev.totpguard.benchmarks.http.HttpLoopbackReport http-loopback.json http-loopback.png http-loopback.md</pre>
 *
 * Stateless.
 */
public final class HttpLoopbackReport {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 460;
    private static final int LEFT = 90;
    private static final int RIGHT = 960;
    private static final int TOP = 100;
    private static final int BOTTOM = 390;
    private static final Color OFF = new Color(0x9e9e9e);
    private static final Color ON = new Color(0x2e7d32);

    private HttpLoopbackReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("Usage: HttpLoopbackReport <http-loopback.json> <chart.png> <table.md>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        HttpLoopbackResults results = HttpLoopbackResults.read(Path.of(args[0]));
        writeChart(results, Path.of(args[1]));
        Files.writeString(Path.of(args[2]), markdown(results), StandardCharsets.UTF_8);
    }

    static void writeChart(HttpLoopbackResults results, Path png) throws IOException {
        if (!ImageIO.write(chart(results), "png", png.toFile())) {
            throw new IOException("This Java runtime has no PNG writer");
        }
    }

    /** The setup, every round, the probes and the summary with the target, as Markdown. */
    static String markdown(HttpLoopbackResults results) {
        HttpLoopbackResults.Setup setup = results.setup();
        Summary summary = results.summary();
        StringBuilder md = new StringBuilder();
        md.append("GET ").append(setup.path()).append(" on a signed-in, TOTP-verified session; ")
                .append(format("%.0f", setup.rate())).append(" req/s open loop (")
                .append(format("%.0f %%", setup.rateFraction() * 100)).append(" of the filter-off saturation), ")
                .append(setup.roundsPerVariant()).append(" x ").append(format("%.0f s", setup.roundSeconds()))
                .append(" per variant, alternating; ").append(setup.pinning()).append("; response body ")
                .append(bodyBytes(results, HttpLoopbackResults.FILTER_OFF)).append(" B without the filter, ")
                .append(bodyBytes(results, HttpLoopbackResults.FILTER_ON)).append(" B with it.\n\n");
        md.append("| Round | Variant | Sent | p50 | p99 | max | p50 from actual send | req/s | server CPU | client CPU | non-2xx | failed |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Round round : results.rounds()) {
            md.append("| ").append(round.round()).append(" | ").append(round.variant())
                    .append(" | ").append(round.scheduled())
                    .append(" | ").append(micros(round.p50Nanos()))
                    .append(" | ").append(micros(round.p99Nanos()))
                    .append(" | ").append(micros(round.maxNanos()))
                    .append(" | ").append(micros(round.serviceP50Nanos()))
                    .append(" | ").append(format("%,.0f", round.requestsPerSecond()))
                    .append(" | ").append(percent(round.serverCpuShare()))
                    .append(" | ").append(percent(round.clientCpuShare()))
                    .append(" | ").append(round.non2xx())
                    .append(" | ").append(round.failed())
                    .append(" |\n");
        }
        md.append("\n| Saturation probe (closed loop) | Connections | req/s | server CPU | client CPU | non-2xx | failed |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (HttpLoopbackResults.Probe probe : results.probes()) {
            md.append("| ").append(probe.variant()).append(" | ").append(probe.threads())
                    .append(" | ").append(format("%,.0f", probe.requestsPerSecond()))
                    .append(" | ").append(percent(probe.serverCpuShare()))
                    .append(" | ").append(percent(probe.clientCpuShare()))
                    .append(" | ").append(probe.non2xx()).append(" | ").append(probe.failed()).append(" |\n");
        }
        md.append("\n| Median over the rounds | filter off | filter on | on / off |\n");
        md.append("|---|---:|---:|---:|\n");
        md.append("| p50 | ").append(micros(summary.offMedianP50Nanos())).append(" | ").append(micros(summary.onMedianP50Nanos()))
                .append(" | ").append(format("%.3f", summary.p50Ratio())).append(" |\n");
        md.append("| p99 | ").append(micros(summary.offMedianP99Nanos())).append(" | ").append(micros(summary.onMedianP99Nanos()))
                .append(" | ").append(format("%.3f", summary.p99Ratio())).append(" |\n");
        md.append("| req/s | ").append(format("%,.0f", summary.offMedianRequestsPerSecond())).append(" | ")
                .append(format("%,.0f", summary.onMedianRequestsPerSecond())).append(" | ")
                .append(format("%.3f", summary.onMedianRequestsPerSecond() / summary.offMedianRequestsPerSecond())).append(" |\n");
        md.append("\nTarget: p50 with the filter <= ").append(format("%.2f", summary.targetP50Ratio()))
                .append(" x without: **").append(verdict(summary)).append("** (")
                .append(format("%.3f", summary.p50Ratio())).append("; non-2xx ").append(summary.non2xx()).append(", failed ")
                .append(summary.failed()).append("). Round-to-round spread of the filter-off p50: ")
                .append(format("%.3f", summary.offP50SpreadRatio())).append(" (largest / smallest)");
        if (!summary.p50Resolvable()) {
            md.append(": the same server varies by more than the target's margin from round to round, so this run cannot resolve")
                    .append(" a difference that small either way");
        }
        md.append(".\n");
        return md.toString();
    }

    /** Grouped bars: the p50 of each round pair, off then on, with dashed lines at the two medians. */
    static BufferedImage chart(HttpLoopbackResults results) {
        List<Round> rounds = results.rounds();
        Summary summary = results.summary();
        int pairs = rounds.stream().mapToInt(Round::round).max().orElse(0);
        double max = rounds.stream().mapToDouble(Round::p50Nanos).max().orElse(1) * 1.15;
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("HTTP over loopback: p50 per round, filter on / off = " + format("%.3f", summary.p50Ratio()), 20, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString("Target <= " + format("%.2f", summary.targetP50Ratio()) + ": " + verdict(summary), 20, 48);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("GET " + results.setup().path() + ", " + format("%.0f", results.setup().rate()) + " req/s open loop, "
                    + results.setup().pinning() + "; p99 medians " + micros(summary.offMedianP99Nanos()) + " off, "
                    + micros(summary.onMedianP99Nanos()) + " on; non-2xx " + summary.non2xx(), 20, 68);
            // Axis and grid: five steps from 0.
            for (int i = 0; i <= 5; i++) {
                double value = max * i / 5;
                int y = y(value, max);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(LEFT, y, RIGHT, y);
                g.setColor(Color.DARK_GRAY);
                String label = micros(value);
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            }
            int slot = pairs == 0 ? 0 : (RIGHT - LEFT) / pairs;
            int bar = Math.max(4, Math.min(60, slot / 3));
            for (Round round : rounds) {
                boolean on = round.variant().equals(HttpLoopbackResults.FILTER_ON);
                int x = LEFT + (round.round() - 1) * slot + slot / 2 + (on ? 2 : -bar - 2);
                int top = y(round.p50Nanos(), max);
                g.setColor(on ? ON : OFF);
                g.fillRect(x, top, bar, BOTTOM - top);
                g.setColor(Color.BLACK);
                String label = micros(round.p50Nanos());
                g.drawString(label, x + bar / 2 - g.getFontMetrics().stringWidth(label) / 2, top - 4);
            }
            g.setColor(Color.DARK_GRAY);
            for (int pair = 1; pair <= pairs; pair++) {
                String label = "round " + pair;
                g.drawString(label, LEFT + (pair - 1) * slot + slot / 2 - g.getFontMetrics().stringWidth(label) / 2, BOTTOM + 18);
            }
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.setColor(OFF.darker());
            g.drawLine(LEFT, y(summary.offMedianP50Nanos(), max), RIGHT, y(summary.offMedianP50Nanos(), max));
            g.setColor(ON);
            g.drawLine(LEFT, y(summary.onMedianP50Nanos(), max), RIGHT, y(summary.onMedianP50Nanos(), max));
            g.setStroke(new BasicStroke());
            // Legend.
            int legendY = HEIGHT - 30;
            g.setColor(OFF);
            g.fillRect(LEFT, legendY - 10, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString("filter off (median " + micros(summary.offMedianP50Nanos()) + ", dashed)", LEFT + 20, legendY);
            g.setColor(ON);
            g.fillRect(LEFT + 330, legendY - 10, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString("filter on (median " + micros(summary.onMedianP50Nanos()) + ", dashed)", LEFT + 350, legendY);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The body size of the variant's last round: the same page is served by both, so the two should be equal. */
    private static String bodyBytes(HttpLoopbackResults results, String variant) {
        return results.rounds().stream().filter(r -> r.variant().equals(variant)).reduce((first, second) -> second)
                .map(r -> format("%,d", r.bodyBytes())).orElse("n/a");
    }

    private static String percent(double share) {
        return share < 0 ? "n/a" : format("%.0f %%", share * 100);
    }

    private static int y(double value, double max) {
        return BOTTOM - (int) Math.round(value / max * (BOTTOM - TOP));
    }

    /** "met", "not met", or either with "but not resolvable" when the filter-off rounds varied by more than the margin. */
    static String verdict(Summary summary) {
        String met = summary.p50TargetMet() ? "met" : "not met";
        return summary.p50Resolvable() ? met : met + " by the number, but not resolvable: filter-off rounds varied "
                + format("%.0f %%", (summary.offP50SpreadRatio() - 1) * 100);
    }

    /**
     * {@code 183.4 µs}: one decimal, since a 1 % difference at these latencies is about 1-3 µs; from 10 ms on
     * {@code 117.6 ms}.
     */
    static String micros(double nanos) {
        if (Double.isNaN(nanos)) {
            return "n/a";
        }
        return nanos >= 1e7 ? format("%,.1f ms", nanos / 1e6) : format("%,.1f µs", nanos / 1e3);
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
