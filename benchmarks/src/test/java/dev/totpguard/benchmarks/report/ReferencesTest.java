package dev.totpguard.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferencesTest {

    private static final String VERIFY = "dev.totpguard.benchmarks.TotpVerifyBenchmark.";
    private static final String BASELINE = "dev.totpguard.benchmarks.HmacBaselineBenchmark.";

    private static BenchmarkResult result(String name, Map<String, String> params, double nanos) {
        return new BenchmarkResult(name, params, 1, nanos, Double.NaN, null);
    }

    private final BenchmarkResult guardWorst = result(VERIFY + "totpGuard", Map.of("totpCase", "SHA1_6", "codeCase", "NON_MATCHING"), 800);
    private final BenchmarkResult guardMatch = result(VERIFY + "totpGuard", Map.of("totpCase", "SHA1_6", "codeCase", "MATCHING"), 400);
    private final BenchmarkResult guardSha256 = result(VERIFY + "totpGuard", Map.of("totpCase", "SHA256_8", "codeCase", "NON_MATCHING"), 1000);
    private final BenchmarkResult otpWorst = result(VERIFY + "javaOtp", Map.of("totpCase", "SHA1_6", "codeCase", "NON_MATCHING"), 1600);
    private final BenchmarkResult otpMatch = result(VERIFY + "javaOtp", Map.of("totpCase", "SHA1_6", "codeCase", "MATCHING"), 1200);
    private final BenchmarkResult doFinal = result(BASELINE + "preKeyedDoFinal", Map.of("totpCase", "SHA256_8"), 250);
    private final BenchmarkResult qr = result("dev.totpguard.benchmarks.QrCodeBenchmark.png250", Map.of(), 1e6);
    private final References references = new References(List.of(guardWorst, guardMatch, guardSha256, otpWorst, otpMatch, doFinal, qr));

    @Test
    void anotherLibraryIsComparedWithTotpGuardAtTheSameParams() {
        assertSame(guardWorst, references.referenceOf(otpWorst).orElseThrow());
        assertEquals(2.0, references.ratioOf(otpWorst).orElseThrow(), 1e-9);
        assertSame(guardMatch, references.referenceOf(otpMatch).orElseThrow());
        assertEquals(3.0, references.ratioOf(otpMatch).orElseThrow(), 1e-9);
    }

    @Test
    void totpGuardIsItsOwnReference() {
        assertSame(guardWorst, references.referenceOf(guardWorst).orElseThrow());
        assertEquals(1.0, references.ratioOf(guardWorst).orElseThrow(), 1e-9);
    }

    @Test
    void aBaselineIsComparedWithTheWorstCaseVerifyOfTheSameAlgorithm() {
        assertSame(guardSha256, references.referenceOf(doFinal).orElseThrow());
        assertEquals(0.25, references.ratioOf(doFinal).orElseThrow(), 1e-9);
        assertEquals("TotpVerifyBenchmark.totpGuard NON_MATCHING SHA256_8", references.describeReference(doFinal).orElseThrow());
    }

    @Test
    void anOperationWithoutACounterpartHasNoRatio() {
        assertTrue(references.ratioOf(qr).isEmpty());
    }
}
