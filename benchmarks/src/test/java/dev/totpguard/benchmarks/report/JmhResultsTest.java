package dev.totpguard.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JmhResultsTest {

    static Path sample() throws URISyntaxException {
        return Path.of(JmhResultsTest.class.getResource("/sample-jmh-results.json").toURI());
    }

    @Test
    void readsNamesParamsScoresAndAllocationOfEveryRow() throws Exception {
        List<BenchmarkResult> results = JmhResults.read(sample());

        assertEquals(4, results.size());
        BenchmarkResult first = results.get(0);
        assertEquals("TotpVerifyBenchmark", first.className());
        assertEquals("totpGuard", first.method());
        assertEquals(Map.of("codeCase", "NON_MATCHING", "totpCase", "SHA1_6"), first.params());
        assertEquals(800.0, first.nanosPerOp(), 1e-9);
        assertEquals(40.0, first.errorNanos(), 1e-9);
        assertEquals(216.0, first.bytesPerOp().getAsDouble(), 1e-9);
        assertEquals(1_250_000.0, first.opsPerSecond(), 1e-6);
        assertEquals("NON_MATCHING SHA1_6", first.variant());
    }

    @Test
    void convertsMicrosecondsAndReadsTheOldMiddleDotMetricName() throws Exception {
        BenchmarkResult googleAuth = JmhResults.read(sample()).get(1);

        assertEquals(2000.0, googleAuth.nanosPerOp(), 1e-9);
        assertTrue(Double.isNaN(googleAuth.errorNanos()), "a single iteration has no error bar");
        assertEquals(12168.0, googleAuth.bytesPerOp().getAsDouble(), 1e-9);
    }

    @Test
    void turnsThroughputOverTwoThreadsIntoTimePerOperationOfOneThread() throws Exception {
        BenchmarkResult service = JmhResults.read(sample()).get(3);

        assertEquals(2, service.threads());
        assertEquals(200_000.0, service.nanosPerOp(), 1e-6);
        assertEquals(10_000.0, service.opsPerSecond(), 1e-6);
        assertEquals("2 threads", service.variant());
        assertTrue(service.bytesPerOp().isEmpty(), "run without -prof gc");
    }

    @ParameterizedTest
    @CsvSource({"1, ns/op, 1", "1, us/op, 1000", "1, ms/op, 1000000", "1, s/op, 1000000000",
        "1000, ops/s, 1000000", "2, ops/us, 500", "1000, ops/ms, 1000"})
    void convertsEveryJmhUnitToNanosecondsPerOperation(double score, String unit, double nanos) {
        assertEquals(nanos, JmhResults.toNanosPerOp(score, unit, 1), nanos * 1e-12);
    }

    @Test
    void refusesWhatIsNotAJmhResultFile() {
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(JsonParser.parseString("{\"a\": 1}")));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JmhResults.parse(JsonParser.parseString("[{\"benchmark\": \"a.B.c\"}]")));
        assertTrue(missing.getMessage().contains("primaryMetric"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JmhResults.toNanosPerOp(1, "furlongs", 1));
    }
}
