package dev.totpguard.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Turns a JMH JSON result file into a chart (PNG) and a Markdown table, without a display and without any
 * tool outside the JDK:
 *
 * <pre>java -cp benchmarks.jar dev.totpguard.benchmarks.report.BenchmarkReport results.json chart.png table.md [title]</pre>
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("Usage: BenchmarkReport <jmh-results.json> <chart.png> <table.md> [title]");
            System.exit(2);
        }
        // Draws into an image in memory: no window system is needed or wanted.
        System.setProperty("java.awt.headless", "true");
        Path json = Path.of(args[0]);
        Path chart = Path.of(args[1]);
        Path table = Path.of(args[2]);
        String title = args.length == 4 ? args[3] : "TOTP Guard benchmarks: " + json.getFileName();

        List<BenchmarkResult> results = JmhResults.read(json);
        if (results.isEmpty()) {
            System.err.println("No results in " + json + ": did the JMH run fail?");
            System.exit(1);
        }
        if (!ImageIO.write(new ResultChart().render(results, title), "png", chart.toFile())) {
            throw new IOException("This Java runtime has no PNG writer");
        }
        Files.writeString(table, new MarkdownTable().render(results), StandardCharsets.UTF_8);
        System.out.println("Wrote " + chart + " and " + table + " from " + results.size() + " results");
    }
}
