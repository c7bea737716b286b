package dev.totpguard.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {

    /** RFC 6238 Appendix A seeds: each algorithm has its own key, as long as its output (20, 32, 64 bytes). */
    static final byte[] SEED_SHA1 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SEED_SHA256 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SEED_SHA512 = "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238 Appendix B, copied verbatim (through ../shared/security-requirements.md section 2). */
    private static final String APPENDIX_B = """
              +-------------+--------------+------------------+----------+--------+
              |  Time (sec) |   UTC Time   | Value of T (hex) |   TOTP   |  Mode  |
              +-------------+--------------+------------------+----------+--------+
              |      59     |  1970-01-01  | 0000000000000001 | 94287082 |  SHA1  |
              |             |   00:00:59   |                  |          |        |
              |      59     |  1970-01-01  | 0000000000000001 | 46119246 | SHA256 |
              |             |   00:00:59   |                  |          |        |
              |      59     |  1970-01-01  | 0000000000000001 | 90693936 | SHA512 |
              |             |   00:00:59   |                  |          |        |
              |  1111111109 |  2005-03-18  | 00000000023523EC | 07081804 |  SHA1  |
              |             |   01:58:29   |                  |          |        |
              |  1111111109 |  2005-03-18  | 00000000023523EC | 68084774 | SHA256 |
              |             |   01:58:29   |                  |          |        |
              |  1111111109 |  2005-03-18  | 00000000023523EC | 25091201 | SHA512 |
              |             |   01:58:29   |                  |          |        |
              |  1111111111 |  2005-03-18  | 00000000023523ED | 14050471 |  SHA1  |
              |             |   01:58:31   |                  |          |        |
              |  1111111111 |  2005-03-18  | 00000000023523ED | 67062674 | SHA256 |
              |             |   01:58:31   |                  |          |        |
              |  1111111111 |  2005-03-18  | 00000000023523ED | 99943326 | SHA512 |
              |             |   01:58:31   |                  |          |        |
              |  1234567890 |  2009-02-13  | 000000000273EF07 | 89005924 |  SHA1  |
              |             |   23:31:30   |                  |          |        |
              |  1234567890 |  2009-02-13  | 000000000273EF07 | 91819424 | SHA256 |
              |             |   23:31:30   |                  |          |        |
              |  1234567890 |  2009-02-13  | 000000000273EF07 | 93441116 | SHA512 |
              |             |   23:31:30   |                  |          |        |
              |  2000000000 |  2033-05-18  | 0000000003F940AA | 69279037 |  SHA1  |
              |             |   03:33:20   |                  |          |        |
              |  2000000000 |  2033-05-18  | 0000000003F940AA | 90698825 | SHA256 |
              |             |   03:33:20   |                  |          |        |
              |  2000000000 |  2033-05-18  | 0000000003F940AA | 38618901 | SHA512 |
              |             |   03:33:20   |                  |          |        |
              | 20000000000 |  2603-10-11  | 0000000027BC86AA | 65353130 |  SHA1  |
              |             |   11:33:20   |                  |          |        |
              | 20000000000 |  2603-10-11  | 0000000027BC86AA | 77737706 | SHA256 |
              |             |   11:33:20   |                  |          |        |
              | 20000000000 |  2603-10-11  | 0000000027BC86AA | 47863826 | SHA512 |
              |             |   11:33:20   |                  |          |        |
              +-------------+--------------+------------------+----------+--------+
            """;

    /** The 18 rows of Appendix B: time, UTC date and time, T, TOTP, mode. */
    static Stream<Arguments> appendixB() {
        List<Arguments> rows = new ArrayList<>();
        List<String> lines = APPENDIX_B.lines().map(String::trim).filter(l -> l.startsWith("|")).toList();
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = cells(lines.get(i));
            if (!cells[0].matches("\\d+")) {
                continue;
            }
            String[] next = cells(lines.get(i + 1));
            rows.add(Arguments.of(Long.parseLong(cells[0]), cells[1] + " " + next[1], cells[2], cells[3], HmacAlgorithm.valueOf(cells[4])));
        }
        assertEquals(18, rows.size(), "Appendix B has 18 rows");
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} s {4} -> {3}")
    @MethodSource("appendixB")
    void rfc6238AppendixBEightDigitValues(long time, String utc, String stepHex, String totp, HmacAlgorithm mode) {
        Instant at = Instant.ofEpochSecond(time);
        assertEquals(utc, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(at));
        TotpParameters parameters = TotpParameters.builder().algorithm(mode).digits(8).build();
        Totp generator = Totp.builder().parameters(parameters).build();

        assertEquals(Long.parseLong(stepHex, 16), parameters.timeStep(at));
        assertEquals(totp, generator.generate(seed(mode), at));
    }

    @ParameterizedTest(name = "{0} s {4}: {3} verifies at step {2}")
    @MethodSource("appendixB")
    void rfc6238AppendixBValuesVerifyAtTheirTime(long time, String utc, String stepHex, String totp, HmacAlgorithm mode) {
        Totp verifier = Totp.builder()
                .parameters(TotpParameters.builder().algorithm(mode).digits(8).build())
                .window(0)
                .clock(fixedAt(time))
                .build();

        assertEquals(OptionalLong.of(Long.parseLong(stepHex, 16)), verifier.verify(seed(mode), totp));
    }

    /** Not in the RFC: the six low digits of the SHA-1 rows, what a default authenticator app shows. */
    static Stream<Arguments> derivedSixDigitRows() {
        return Stream.of(
                Arguments.of(59L, "287082"),
                Arguments.of(1111111109L, "081804"),
                Arguments.of(1111111111L, "050471"),
                Arguments.of(1234567890L, "005924"),
                Arguments.of(2000000000L, "279037"),
                Arguments.of(20000000000L, "353130"));
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @MethodSource("derivedSixDigitRows")
    void sixDigitSha1Values(long time, String code) {
        Totp totp = Totp.builder().clock(fixedAt(time)).build();

        assertEquals(code, totp.generate(SEED_SHA1));
        assertEquals(code, totp.generate(SEED_SHA1, Instant.ofEpochSecond(time)));
        assertTrue(totp.verify(SEED_SHA1, code).isPresent());
    }

    @Test
    void libpamTotpVector() {
        // 80-bit key from google-authenticator-libpam's tests: raw bytes, since Secret refuses under 128 bits.
        byte[] key = new Base32().decode("2SH3V3GDW7ZNMGYE");
        Totp totp = Totp.builder().window(0).clock(fixedAt(10_000L * 30)).build();

        assertEquals("050548", totp.generateAtStep(key, 10_000));
        assertEquals(OptionalLong.of(10_000), totp.verify(key, "050548"));
        assertEquals(OptionalLong.empty(), totp.verify(key, "50548"), "the code without its leading zero");
        assertEquals(OptionalLong.empty(), totp.verify(key, "0050548"), "the code with one zero too many");
    }

    @Test
    void stepsBeyondThirtyTwoBitsAreComputed() {
        long time = 20_000_000_000L;
        Totp totp = Totp.builder().window(0).clock(fixedAt(time)).build();

        assertTrue(time > 0xFFFF_FFFFL, "the time itself does not fit 32 bits");
        assertEquals(0x27BC86AAL, totp.currentStep());
        assertEquals(OptionalLong.of(0x27BC86AAL), totp.verify(SEED_SHA1, "353130"));
        // A step above 2^32 must not wrap around to a small one.
        long bigStep = (1L << 32) + 0x27BC86AAL;
        assertNotEquals(totp.generateAtStep(SEED_SHA1, 0x27BC86AAL), totp.generateAtStep(SEED_SHA1, bigStep));
        Totp later = Totp.builder().window(0).clock(fixedAt(bigStep * 30)).build();
        assertEquals(OptionalLong.of(bigStep), later.verify(SEED_SHA1, later.generateAtStep(SEED_SHA1, bigStep)));
    }

    // ---- window -------------------------------------------------------------------------------------

    private static final long NOW = 1_234_567_890L;
    private static final long STEP = NOW / 30;

    private static String codeAt(long step) {
        return new Hotp(HmacAlgorithm.SHA1, 6).generateString(SEED_SHA1, step);
    }

    @Test
    void currentAndPreviousStepAreAcceptedByDefault() {
        Totp totp = Totp.builder().clock(fixedAt(NOW)).build();

        assertEquals(OptionalLong.of(STEP), totp.verify(SEED_SHA1, codeAt(STEP)));
        assertEquals(OptionalLong.of(STEP - 1), totp.verify(SEED_SHA1, codeAt(STEP - 1)));
    }

    @Test
    void nextStepIsAcceptedOnlyWhenTheWindowLooksAhead() {
        Totp oneAhead = Totp.builder().window(1, 1).clock(fixedAt(NOW)).build();
        Totp noneAhead = Totp.builder().window(1, 0).clock(fixedAt(NOW)).build();

        assertEquals(OptionalLong.of(STEP + 1), oneAhead.verify(SEED_SHA1, codeAt(STEP + 1)));
        assertEquals(OptionalLong.empty(), noneAhead.verify(SEED_SHA1, codeAt(STEP + 1)));
        assertEquals(OptionalLong.of(STEP - 1), noneAhead.verify(SEED_SHA1, codeAt(STEP - 1)));
    }

    @Test
    void stepsTwoAwayAreRefusedByTheDefaultWindow() {
        Totp totp = Totp.builder().clock(fixedAt(NOW)).build();

        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP - 2)));
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP + 2)));
    }

    @Test
    void widerWindowReachesFurtherButNotBeyond() {
        Totp totp = Totp.builder().window(2).clock(fixedAt(NOW)).build();

        assertEquals(OptionalLong.of(STEP - 2), totp.verify(SEED_SHA1, codeAt(STEP - 2)));
        assertEquals(OptionalLong.of(STEP + 2), totp.verify(SEED_SHA1, codeAt(STEP + 2)));
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP - 3)));
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP + 3)));
    }

    @Test
    void windowZeroAcceptsOnlyTheCurrentStep() {
        Totp totp = Totp.builder().window(0).clock(fixedAt(NOW)).build();

        assertEquals(OptionalLong.of(STEP), totp.verify(SEED_SHA1, codeAt(STEP)));
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP - 1)));
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP + 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11, Integer.MAX_VALUE})
    void windowOutsideZeroToTenIsRefused(int steps) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Totp.builder().window(steps));
        assertTrue(refused.getMessage().contains("from 0 to 10"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Totp.builder().window(1, steps));
    }

    @Test
    void clockDecidesTheStepAcrossItsBoundary() {
        // 1111111109 is one second before a step boundary (T 0x23523EC); 1111111111 is one second after it.
        Totp before = Totp.builder().window(0).clock(fixedAt(1_111_111_109L)).build();
        Totp after = Totp.builder().window(0).clock(fixedAt(1_111_111_111L)).build();

        assertEquals(OptionalLong.empty(), before.verify(SEED_SHA1, "050471"));
        assertEquals(OptionalLong.of(0x23523EDL), after.verify(SEED_SHA1, "050471"));
    }

    @Test
    void periodAndT0AreHonoured() {
        TotpParameters parameters = TotpParameters.builder().periodSeconds(60).t0(Instant.ofEpochSecond(30)).build();
        Totp totp = Totp.builder().parameters(parameters).window(0).clock(fixedAt(30 + 60 * 1000 + 59)).build();

        assertEquals(1000, totp.currentStep());
        assertEquals(OptionalLong.of(1000), totp.verify(SEED_SHA1, codeAt(1000)));
    }

    // ---- replay: last used step ----------------------------------------------------------------------

    @Test
    void replayInTheSameStepIsRefused() {
        Totp totp = Totp.builder().clock(fixedAt(NOW)).build();
        String code = codeAt(STEP);

        long used = totp.verify(SEED_SHA1, code).orElseThrow();

        assertEquals(STEP, used);
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, code, used));
    }

    @Test
    void previousStepIsRefusedAfterTheCurrentOneWasAccepted() {
        Totp totp = Totp.builder().clock(fixedAt(NOW)).build();

        long used = totp.verify(SEED_SHA1, codeAt(STEP)).orElseThrow();

        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, codeAt(STEP - 1), used));
        assertEquals(OptionalLong.of(STEP + 1), totp.verify(SEED_SHA1, codeAt(STEP + 1), used), "a later step still works");
    }

    @Test
    void sameCodeInTwoStepsOfTheWindowIsAcceptedOnlyOnce() {
        // With the RFC SHA-1 seed, steps 50424280 and 50424281 both give 070562 (found by search).
        long lower = 50_424_280L;
        assertEquals("070562", codeAt(lower));
        assertEquals("070562", codeAt(lower + 1));
        Totp totp = Totp.builder().clock(fixedAt(lower * 30)).build();

        long used = totp.verify(SEED_SHA1, "070562").orElseThrow();

        assertEquals(lower + 1, used, "the higher step wins, so the lower one cannot be used afterwards");
        assertEquals(OptionalLong.empty(), totp.verify(SEED_SHA1, "070562", used));
    }

    // ---- strict parsing ------------------------------------------------------------------------------

    /** At 1111111109 s the six-digit SHA-1 code is 081804. */
    private static final Totp AT_1111111109 = Totp.builder().clock(fixedAt(1_111_111_109L)).build();

    static Stream<String> malformedCodes() {
        return Stream.of(
                "",
                null,
                "81804",
                "0050548",
                "0081804",
                " 081804",
                "081804 ",
                "+81804",
                "-81804",
                "081804\n",
                "08l804",
                "٠٨١٨٠٤",
                "١٢٣٤٥٦",
                "０８１８０４",
                "081  804",
                "0 8 1 8 0 4 ",
                "081\t804",
                "081\u00a0804",
                "0".repeat(10 * 1024 * 1024));
    }

    @ParameterizedTest
    @MethodSource("malformedCodes")
    void malformedCodeIsANonMatchNotAnException(String code) {
        assertEquals(OptionalLong.empty(), AT_1111111109.verify(SEED_SHA1, code));
        assertEquals(-1, Totp.parseCode(code, 6));
    }

    @Test
    void codeIsComparedAsAFixedWidthString() {
        assertEquals(OptionalLong.of(0x23523ECL), AT_1111111109.verify(SEED_SHA1, "081804"));
        assertEquals(OptionalLong.empty(), AT_1111111109.verify(SEED_SHA1, "81804"), "the number without its zero");
    }

    @Test
    void singleSpacesBetweenDigitsAreAccepted() {
        assertEquals(OptionalLong.of(0x23523ECL), AT_1111111109.verify(SEED_SHA1, "081 804"));
        assertEquals(OptionalLong.of(0x23523ECL), AT_1111111109.verify(SEED_SHA1, "0 8 1 8 0 4"));
        assertEquals(123456, Totp.parseCode("123 456", 6));
        assertEquals(-1, Totp.parseCode("12  3456", 6));
        assertEquals(12345678, Totp.parseCode("1234 5678", 8));
        assertEquals(-1, Totp.parseCode("123 456", 8));
    }

    @Test
    void stringBuilderInputIsAccepted() {
        assertEquals(OptionalLong.of(0x23523ECL), AT_1111111109.verify(SEED_SHA1, new StringBuilder("081804")));
    }

    // ---- concurrency ---------------------------------------------------------------------------------

    @Test
    void oneInstanceGivesEveryThreadTheRightAnswer() throws Exception {
        int threads = 12;
        int rounds = 300;
        Totp shared = Totp.builder()
                .parameters(TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).build())
                .clock(fixedAt(NOW))
                .build();
        SecureRandom random = new SecureRandom();
        byte[][] keys = new byte[threads][];
        String[][] codes = new String[threads][3];
        String[] wrong = new String[threads];
        Hotp reference = new Hotp(HmacAlgorithm.SHA256, 6);
        for (int t = 0; t < threads; t++) {
            // Different key lengths too, so a Mac keyed by one thread and used by another would show.
            keys[t] = new byte[16 + t * 4];
            random.nextBytes(keys[t]);
            for (int d = 0; d < 3; d++) {
                codes[t][d] = reference.generateString(keys[t], STEP - 1 + d);
            }
            wrong[t] = wrongCode(reference, keys[t]);
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                failures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int wrongAnswers = 0;
                    for (int round = 0; round < rounds; round++) {
                        int d = round % 3;
                        if (shared.verify(keys[thread], codes[thread][d]).orElse(-1) != STEP - 1 + d) {
                            wrongAnswers++;
                        }
                        if (shared.verify(keys[thread], wrong[thread]).isPresent()) {
                            wrongAnswers++;
                        }
                        if (!codes[thread][d].equals(shared.generateAtStep(keys[thread], STEP - 1 + d))) {
                            wrongAnswers++;
                        }
                    }
                    return wrongAnswers;
                }));
            }
            for (Future<Integer> failure : failures) {
                assertEquals(0, failure.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void builderDefaultsAreTheInteroperableOnes() {
        Totp totp = Totp.builder().build();

        assertEquals(TotpParameters.DEFAULT, totp.parameters());
        assertEquals(1, totp.stepsBack());
        assertEquals(1, totp.stepsAhead());
        assertEquals(Duration.ofSeconds(30), totp.parameters().period());
        assertEquals(HmacAlgorithm.SHA1, totp.parameters().algorithm());
        assertEquals(6, totp.parameters().digits());
    }

    /** A code that matches none of the three steps of the window. */
    private static String wrongCode(Hotp hotp, byte[] key) {
        List<String> right = List.of(hotp.generateString(key, STEP - 1), hotp.generateString(key, STEP), hotp.generateString(key, STEP + 1));
        for (int candidate = 0; ; candidate++) {
            String code = hotp.format(candidate);
            if (!right.contains(code)) {
                return code;
            }
        }
    }

    static byte[] seed(HmacAlgorithm algorithm) {
        return switch (algorithm) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
    }

    static Clock fixedAt(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    private static String[] cells(String line) {
        String[] raw = line.substring(1, line.length() - 1).split("\\|");
        String[] cells = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            cells[i] = raw[i].trim();
        }
        return cells;
    }
}
