package dev.totpguard.benchmarks.http;

import static dev.totpguard.benchmarks.http.HttpLoopbackResults.FILTER_OFF;
import static dev.totpguard.benchmarks.http.HttpLoopbackResults.FILTER_ON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.benchmarks.http.HttpLoopbackResults.Probe;
import dev.totpguard.benchmarks.http.HttpLoopbackResults.Round;
import dev.totpguard.benchmarks.http.HttpLoopbackResults.Setup;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpLoopbackResultsTest {

    private static final Setup SETUP = new Setup("2026-11-22T21:00:00Z", "Linux 6.18 amd64, 2 cores", "OpenJDK 17.0.15",
            "server on CPU 0, client on CPU 1 (taskset)", "/admin/help", List.of("-Xms512m", "-Xmx512m"), 8, 12, 3, 16, 0.5, 3000, 2, 3,
            "0.10 0.20 0.30", "1.00 0.50 0.40", 80.5);

    private static Round round(String variant, int round, long p50, long p99, int non2xx) {
        return new Round(variant, round, 3000, 9000, 9000, non2xx, 0, p50, p99, p99 * 3, p50 - 10_000, 2999.5, 0.42, 0.2, 6123);
    }

    private static List<Probe> probes() {
        return List.of(new Probe(FILTER_OFF, 8, 3, 18000, 0, 0, 6000, 0.99, 0.22), new Probe(FILTER_ON, 8, 3, 17700, 0, 0, 5900, 0.99, 0.23));
    }

    /** Off: p50 200 and 210 us (median 205); on: 206 and 208 (median 207): on / off = 1.0098, inside 1 %. */
    private static List<Round> rounds() {
        return List.of(round(FILTER_OFF, 1, 200_000, 2_000_000, 0), round(FILTER_ON, 1, 206_000, 2_200_000, 0),
                round(FILTER_OFF, 2, 210_000, 4_000_000, 0), round(FILTER_ON, 2, 208_000, 3_000_000, 0));
    }

    @Test
    void theSummaryIsTheMedianOfEachVariantsRoundsAndTheirRatio() {
        HttpLoopbackResults.Summary summary = HttpLoopbackResults.of(SETUP, probes(), rounds()).summary();
        assertEquals(205_000, summary.offMedianP50Nanos());
        assertEquals(207_000, summary.onMedianP50Nanos());
        assertEquals(207.0 / 205.0, summary.p50Ratio(), 1e-12);
        assertEquals(3_000_000, summary.offMedianP99Nanos());
        assertEquals(2_600_000, summary.onMedianP99Nanos());
        assertEquals(2999.5, summary.offMedianRequestsPerSecond());
        assertEquals(210.0 / 200.0, summary.offP50SpreadRatio(), 1e-12);
        assertEquals(1.01, summary.targetP50Ratio());
        assertTrue(summary.p50TargetMet());
        assertFalse(summary.p50Resolvable(), "the filter-off rounds alone differ by 5 %, more than the 1 % asked");
        assertEquals(0, summary.non2xx());
    }

    @Test
    void theTargetIsMissedByASlowerFilterRunAndByAnyNon2xxResponse() {
        List<Round> slower = new ArrayList<>(rounds());
        slower.set(1, round(FILTER_ON, 1, 220_000, 2_200_000, 0));
        slower.set(3, round(FILTER_ON, 2, 214_000, 3_000_000, 0));
        HttpLoopbackResults.Summary summary = HttpLoopbackResults.of(SETUP, probes(), slower).summary();
        assertEquals(217.0 / 205.0, summary.p50Ratio(), 1e-12);
        assertFalse(summary.p50TargetMet(), "3.4 % slower");

        List<Round> with302 = new ArrayList<>(rounds());
        with302.set(3, round(FILTER_ON, 2, 208_000, 3_000_000, 1));
        HttpLoopbackResults.Summary refused = HttpLoopbackResults.of(SETUP, probes(), with302).summary();
        assertEquals(1, refused.non2xx());
        assertFalse(refused.p50TargetMet(), "a run with a non-2xx response meets nothing, however fast");
        List<Probe> failedProbe = List.of(new Probe(FILTER_OFF, 8, 3, 17999, 0, 1, 6000, 0.99, 0.2));
        assertEquals(1, HttpLoopbackResults.of(SETUP, failedProbe, rounds()).summary().failed());
    }

    @Test
    void aRunIsResolvableWhenTheFilterOffRoundsAgreeWithinTheMargin() {
        List<Round> steady = List.of(round(FILTER_OFF, 1, 200_000, 2_000_000, 0), round(FILTER_ON, 1, 201_000, 2_200_000, 0),
                round(FILTER_OFF, 2, 201_000, 4_000_000, 0), round(FILTER_ON, 2, 203_000, 3_000_000, 0));
        HttpLoopbackResults.Summary summary = HttpLoopbackResults.of(SETUP, probes(), steady).summary();
        assertTrue(summary.p50Resolvable());
        assertTrue(summary.p50TargetMet());
        assertEquals("met", HttpLoopbackReport.verdict(summary));
        assertEquals("117.6 ms", HttpLoopbackReport.micros(117_611_500));
        assertEquals("9,999.9 µs", HttpLoopbackReport.micros(9_999_900));
    }

    @Test
    void theJsonFileReadsBackAsTheSameResults(@TempDir Path dir) throws IOException {
        HttpLoopbackResults results = HttpLoopbackResults.of(SETUP, probes(), rounds());
        Path json = dir.resolve("http-loopback.json");
        results.write(json);
        String text = Files.readString(json);
        assertTrue(text.contains("\"p50Ratio\": 1.0097"), text);
        assertTrue(text.contains("\"variant\": \"filter on\""), text);
        assertEquals(results, HttpLoopbackResults.read(json));
    }

    @Test
    void aFileThatIsNoResultFileIsAnError(@TempDir Path dir) throws IOException {
        Path jmh = dir.resolve("results.json");
        Files.writeString(jmh, "[{\"benchmark\": \"x\"}]");
        assertThrows(IOException.class, () -> HttpLoopbackResults.read(jmh));
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertThrows(IOException.class, () -> HttpLoopbackResults.read(empty));
    }

    @Test
    void theReportWritesATableAndAChartFromTheJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("http-loopback.json");
        HttpLoopbackResults.of(SETUP, probes(), rounds()).write(json);
        Path png = dir.resolve("http-loopback.png");
        Path md = dir.resolve("http-loopback.md");

        HttpLoopbackReport.main(new String[] {json.toString(), png.toString(), md.toString()});

        BufferedImage chart = ImageIO.read(png.toFile());
        assertNotNull(chart, "a PNG that ImageIO reads back");
        List<String> lines = Files.readAllLines(md);
        assertTrue(lines.contains("| 1 | filter off | 9000 | 200.0 µs | 2,000.0 µs | 6,000.0 µs | 190.0 µs | 3,000 | 42 % | 20 % | 0 | 0 |"),
                String.join("\n", lines));
        assertTrue(lines.contains("| p50 | 205.0 µs | 207.0 µs | 1.010 |"), String.join("\n", lines));
        assertTrue(lines.get(0).endsWith("response body 6,123 B without the filter, 6,123 B with it."), lines.get(0));
        assertTrue(lines.contains("| filter off | 8 | 6,000 | 99 % | 22 % | 0 | 0 |"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Target: p50 with the filter <= 1.01 x without: **met by the number, but not "
                + "resolvable: filter-off rounds varied 5 %** (1.010; non-2xx 0")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("spread of the filter-off p50: 1.050 (largest / smallest): the same server varies by "
                + "more than the target's margin")), String.join("\n", lines));
    }
}
