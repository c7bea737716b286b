package dev.totpguard.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReportTest {

    @Test
    void writesAReadablePngChartAndAMarkdownTableFromJmhJson(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("chart.png");
        Path table = dir.resolve("table.md");

        BenchmarkReport.main(new String[] {JmhResultsTest.sample().toString(), chart.toString(), table.toString(), "test run"});

        BufferedImage image = ImageIO.read(chart.toFile());
        assertNotNull(image, "the chart is a PNG that ImageIO can read back");
        assertEquals(1400, image.getWidth());
        assertTrue(image.getHeight() > 200, "one row per result plus headers and axes");

        List<String> lines = Files.readAllLines(table);
        assertEquals(2 + 4, lines.size(), "header, separator and one row per result");
        assertTrue(lines.get(2).startsWith("| TotpVerifyBenchmark.totpGuard | NON_MATCHING SHA1_6 | 800 ns | 40.0 ns | 1,250,000 | 216 B | 1.00x |"), lines.get(2));
        assertTrue(lines.get(3).contains("| 2.00 µs | n/a |") && lines.get(3).contains("| 2.50x | totpGuard |"), lines.get(3));
        assertTrue(lines.get(4).contains("| 0.25x | TotpVerifyBenchmark.totpGuard NON_MATCHING SHA1_6 |"), lines.get(4));
        assertTrue(lines.get(5).contains("| 200 µs |") && lines.get(5).contains("2 threads"), lines.get(5));
    }
}
