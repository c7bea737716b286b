package dev.totpguard.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.ExternalRequirement;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with an independent implementation: Debian's {@code oathtool} (OATH Toolkit) computes
 * the codes for random secrets and times, and TOTP Guard must generate and accept exactly those codes.
 */
class OathtoolInteropTest {

    private static final int SAMPLES_PER_CASE = 4;
    /** Up to year 2603, well past 2038 and 2106, where 32-bit time would wrap. */
    private static final long LATEST_TIME = 20_000_000_000L;
    private static final DateTimeFormatter OATHTOOL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void oathtoolIsInstalled() {
        ExternalRequirement.assumeCommand("oathtool", "oathtool");
    }

    static Stream<Arguments> parameterCombinations() {
        List<Arguments> cases = new ArrayList<>();
        for (HmacAlgorithm algorithm : HmacAlgorithm.values()) {
            for (int digits : new int[] {6, 8}) {
                for (int period : new int[] {30, 60}) {
                    cases.add(Arguments.of(algorithm, digits, period));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1} digits, {2} s")
    @MethodSource("parameterCombinations")
    void randomSecretsAndTimesGiveOathtoolsCodes(HmacAlgorithm algorithm, int digits, int period) {
        TotpParameters parameters = TotpParameters.builder().algorithm(algorithm).digits(digits).periodSeconds(period).build();
        for (int sample = 0; sample < SAMPLES_PER_CASE; sample++) {
            Secret secret = Secret.generate(random, 16 + random.nextInt(49));
            long time = (long) (random.nextDouble() * LATEST_TIME);
            // Half the samples give oathtool the key as hex, half as the Base32 a user would type.
            boolean base32 = sample % 2 == 1;
            String expected = oathtool(algorithm, digits, period, time, secret, base32);
            String context = parameters + " at " + time + " with key " + HexFormat.of().formatHex(secret.bytes());

            Totp totp = Totp.builder().parameters(parameters).window(0).clock(fixedAt(time)).build();

            assertEquals(expected, totp.generate(secret.bytes(), Instant.ofEpochSecond(time)), context);
            assertEquals(OptionalLong.of(parameters.timeStep(Instant.ofEpochSecond(time))), totp.verify(secret.bytes(), expected), context);
        }
    }

    @Test
    void rfcSeedWithEightDigitsAndSixtySecondStepsAgrees() {
        // oathtool --totp -d 8 --time-step-size=60s --now '2009-02-13 23:31:30 UTC' <hexkey>
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        String expected = ExternalRequirement.run("oathtool", "--totp", "-d", "8", "--time-step-size=60s",
                "--now", "2009-02-13 23:31:30 UTC", HexFormat.of().formatHex(key)).strip();
        TotpParameters parameters = TotpParameters.builder().digits(8).periodSeconds(60).build();

        String ours = Totp.builder().parameters(parameters).build().generate(key, Instant.ofEpochSecond(1_234_567_890L));

        assertTrue(expected.matches("\\d{8}"), expected);
        assertEquals(expected, ours);
    }

    @Test
    void rfc6238Sha512RowAgreesWithOathtool() {
        byte[] key = TotpTest.SEED_SHA512;
        String expected = ExternalRequirement.run("oathtool", "--totp=sha512", "-d", "8",
                "--now", "2603-10-11 11:33:20 UTC", HexFormat.of().formatHex(key)).strip();

        assertEquals("47863826", expected, "oathtool itself reproduces RFC 6238 Appendix B");
        assertEquals(expected, Totp.builder().parameters(TotpParameters.builder().algorithm(HmacAlgorithm.SHA512).digits(8).build())
                .build().generate(key, Instant.ofEpochSecond(20_000_000_000L)));
    }

    private static String oathtool(HmacAlgorithm algorithm, int digits, int period, long time, Secret secret, boolean base32) {
        List<String> command = new ArrayList<>(List.of(
                "oathtool",
                "--totp=" + algorithm.uriName().toLowerCase(Locale.ROOT),
                "--digits=" + digits,
                "--time-step-size=" + period + "s",
                "--now=" + OATHTOOL_TIME.format(Instant.ofEpochSecond(time))));
        if (base32) {
            command.add("--base32");
            command.add(secret.toBase32());
        } else {
            command.add(HexFormat.of().formatHex(secret.bytes()));
        }
        String output = ExternalRequirement.run(command.toArray(new String[0])).strip();
        assertTrue(output.matches("\\d{" + digits + "}"), "oathtool printed " + output);
        return output;
    }

    private static Clock fixedAt(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }
}
