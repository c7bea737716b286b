package dev.totpguard.benchmarks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the benchmarks' set-up and each operation once, without JMH and without timing: the comparison is
 * only worth running if every library is configured to give the same answer, and that is checked here at
 * build time rather than at the start of a ten-minute run.
 */
class BenchmarkSetupTest {

    @ParameterizedTest
    @EnumSource(TotpCase.class)
    void everyLibraryAcceptsTheCurrentCode(TotpCase totpCase) throws Exception {
        TotpVerifyBenchmark benchmark = verifyBenchmark(totpCase, CodeCase.MATCHING);

        assertTrue(benchmark.totpGuard().isPresent());
        assertTrue(benchmark.javaOtp());
        assertTrue(benchmark.googleAuth());
        assertTrue(benchmark.javaTotp());
    }

    @ParameterizedTest
    @EnumSource(TotpCase.class)
    void everyLibraryRefusesACodeOutsideTheWindow(TotpCase totpCase) throws Exception {
        TotpVerifyBenchmark benchmark = verifyBenchmark(totpCase, CodeCase.NON_MATCHING);

        assertFalse(benchmark.totpGuard().isPresent());
        assertFalse(benchmark.javaOtp());
        assertFalse(benchmark.googleAuth());
        assertFalse(benchmark.javaTotp());
    }

    @ParameterizedTest
    @EnumSource(TotpCase.class)
    void everyHmacBaselineComputesTheSameMac(TotpCase totpCase) throws Exception {
        HmacBaselineBenchmark benchmark = new HmacBaselineBenchmark();
        benchmark.totpCase = totpCase;
        benchmark.setUp();

        byte[] expected = benchmark.macGetInstanceInitDoFinal();
        assertEquals(totpCase.algorithm().recommendedKeyBytes(), expected.length);
        assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(benchmark.threadMacInitDoFinal()));
        assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(benchmark.preKeyedDoFinal()));
    }

    @Test
    void qrCodeOperationsRenderTheKeyUri() throws Exception {
        QrCodeBenchmark benchmark = new QrCodeBenchmark();
        benchmark.setUp();

        assertTrue(benchmark.encodeMatrix().getWidth() > 21);
        byte[] png = benchmark.png250();
        assertEquals((byte) 0x89, png[0]);
        assertTrue(benchmark.svg().startsWith("<svg"));
    }

    @Test
    void recoveryCodeMatchFindsTheTypedCode() {
        RecoveryCodesBenchmark benchmark = new RecoveryCodesBenchmark();
        assertDoesNotThrow(benchmark::setUp);

        assertEquals(9, benchmark.matchOneOfTen());
        assertEquals(10, benchmark.generateTen().size());
    }

    @ParameterizedTest
    @EnumSource(TwoFactorServiceBenchmark.StoreKind.class)
    void everyServiceOperationAcceptsTheNextStepsCode(TwoFactorServiceBenchmark.StoreKind store) throws Exception {
        TwoFactorServiceBenchmark benchmark = new TwoFactorServiceBenchmark();
        benchmark.store = store;
        benchmark.setUp();
        try {
            TwoFactorServiceBenchmark.Login login = new TwoFactorServiceBenchmark.Login();
            login.enroll(benchmark);
            for (int i = 0; i < 3; i++) {
                assertTrue(benchmark.verify(login).isAccepted());
            }
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void filterBenchmarkSessionsGetTheAnswersTheyMeasure() throws Exception {
        TotpFilterBenchmark benchmark = new TotpFilterBenchmark();
        benchmark.setUp();
        try {
            assertTrue(benchmark.withFilter().startsWith("HTTP/1.1 200"));
            assertTrue(benchmark.withFilter().endsWith("ok"));
            assertTrue(benchmark.withoutFilter().endsWith("ok"));
            String redirect = benchmark.unverifiedRedirect();
            assertTrue(redirect.contains("/with/totpguard/token"), redirect);
            for (int i = 0; i < 3; i++) {
                String response = benchmark.tokenPageAndVerifyPost();
                // No page was saved in this session, so the filter sends the user to its default target.
                assertTrue(response.contains("/with/admin/"), response);
            }
        } finally {
            benchmark.tearDown();
        }
    }

    private static TotpVerifyBenchmark verifyBenchmark(TotpCase totpCase, CodeCase codeCase) throws Exception {
        TotpVerifyBenchmark benchmark = new TotpVerifyBenchmark();
        benchmark.totpCase = totpCase;
        benchmark.codeCase = codeCase;
        // Throws if the libraries disagree on the answer.
        benchmark.setUp();
        return benchmark;
    }
}
