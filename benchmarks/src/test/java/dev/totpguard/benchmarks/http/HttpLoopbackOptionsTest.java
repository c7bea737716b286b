package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpLoopbackOptionsTest {

    @Test
    void theDefaultsMeasureTheHelpPageInFourRoundsPerVariantAtHalfTheSaturation() {
        HttpLoopbackOptions options = HttpLoopbackOptions.parse();
        assertEquals(HttpLoopbackOptions.defaults(), options);
        assertEquals("/admin/help", options.path());
        assertEquals(4, options.rounds());
        assertEquals(0.5, options.rateFraction());
        assertEquals(0, options.rate(), "the rate comes from the filter-off probe");
        assertTrue(options.pin());
        assertEquals(Path.of("example-webapp/target/totpguard-example.jar"), options.jar());
        assertEquals(HttpLoopbackBenchmark.SERVER_JVM_OPTIONS, options.serverJvmOptions());
    }

    @Test
    void flagsTakeTheirValueAfterASpaceOrAnEqualsSign() {
        HttpLoopbackOptions options = HttpLoopbackOptions.parse("--rounds", "6", "--round-seconds=2.5", "--rate", "1500", "--no-pin",
                "--out", "/tmp/r", "--server-jvm-options", "-Xmx1g  -XX:+UseParallelGC", "--path=/admin/");
        assertEquals(6, options.rounds());
        assertEquals(2.5, options.roundSeconds());
        assertEquals(1500, options.rate());
        assertFalse(options.pin());
        assertEquals(Path.of("/tmp/r"), options.out());
        assertEquals(List.of("-Xmx1g", "-XX:+UseParallelGC"), options.serverJvmOptions());
        assertEquals("/admin/", options.path());
    }

    @Test
    void unknownFlagsMissingValuesAndUnboundedRunsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--round", "4"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--rounds"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--rounds", "four"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--rounds", "0"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--round-seconds", "3600"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--rate-fraction", "1.5"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--path", "admin"));
        assertThrows(IllegalArgumentException.class, () -> HttpLoopbackOptions.parse("--connections", "0"));
    }
}
