package dev.totpguard.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OtpAuthUriTest {

    private static final Secret RFC_SEED = Secret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    private static final String RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void buildsTheExactKeyUriForAKnownSecret() {
        OtpAuthUri uri = OtpAuthUri.of("TOTP Guard", "alice@example.com", RFC_SEED, TotpParameters.DEFAULT);

        assertEquals("otpauth://totp/TOTP%20Guard:alice%40example.com?secret=" + RFC_SEED_BASE32
                + "&issuer=TOTP%20Guard&algorithm=SHA1&digits=6&period=30", uri.toUriString());
    }

    @Test
    void spaceIsPercentTwentyNeverPlus() {
        String uri = OtpAuthUri.of("Acme Web Shop", "bob smith", RFC_SEED, TotpParameters.DEFAULT).toUriString();

        assertTrue(uri.startsWith("otpauth://totp/Acme%20Web%20Shop:bob%20smith?"), uri);
        assertTrue(uri.contains("&issuer=Acme%20Web%20Shop&"), uri);
        assertFalse(uri.contains("+"), uri);
    }

    @Test
    void plusAndNonAsciiSurviveTheRoundTrip() {
        OtpAuthUri original = OtpAuthUri.of("C++ Zürich", "josé+2fa@example.com", RFC_SEED, TotpParameters.DEFAULT);

        String text = original.toUriString();
        OtpAuthUri parsed = OtpAuthUri.parse(text);

        assertTrue(text.contains("C%2B%2B%20Z%C3%BCrich"), text);
        assertEquals("C++ Zürich", parsed.issuer());
        assertEquals("josé+2fa@example.com", parsed.account());
        assertEquals(original, parsed);
    }

    @Test
    void colonInIssuerOrAccountIsRefusedWithAClearMessage() {
        IllegalArgumentException issuer = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of("Acme:Corp", "alice", RFC_SEED, TotpParameters.DEFAULT));
        IllegalArgumentException account = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of("Acme", "corp:alice", RFC_SEED, TotpParameters.DEFAULT));

        assertEquals("The issuer of an otpauth URI must not contain a colon", issuer.getMessage());
        assertEquals("The account of an otpauth URI must not contain a colon", account.getMessage());
    }

    @Test
    void emptyOrControlCharacterNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of(" ", "alice", RFC_SEED, TotpParameters.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("Acme", "", RFC_SEED, TotpParameters.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("Acme", "alice\nbob", RFC_SEED, TotpParameters.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("Acme", "a".repeat(257), RFC_SEED, TotpParameters.DEFAULT));
    }

    static Stream<TotpParameters> parameterSets() {
        return Stream.of(
                TotpParameters.DEFAULT,
                TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build(),
                TotpParameters.builder().algorithm(HmacAlgorithm.SHA512).digits(7).periodSeconds(45).build());
    }

    @ParameterizedTest
    @MethodSource("parameterSets")
    void buildThenParseGivesTheSameUri(TotpParameters parameters) {
        Secret secret = Secret.generate(new SecureRandom(), parameters.algorithm().recommendedKeyBytes());
        OtpAuthUri original = OtpAuthUri.of("TOTP Guard", "admin", secret, parameters);

        OtpAuthUri parsed = OtpAuthUri.parse(original.toUriString());

        assertEquals(original, parsed);
        assertEquals(parameters, parsed.parameters());
        assertEquals(secret, parsed.secret());
        assertEquals(original.toUriString(), parsed.toUriString());
    }

    @Test
    void nonDefaultParametersAreWritten() {
        TotpParameters parameters = TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build();

        String uri = OtpAuthUri.of("Acme", "alice", RFC_SEED, parameters).toUriString();

        assertTrue(uri.endsWith("&algorithm=SHA256&digits=8&period=60"), uri);
    }

    @Test
    void missingParametersTakeTheDefaults() {
        OtpAuthUri parsed = OtpAuthUri.parse("otpauth://totp/Acme:alice?secret=" + RFC_SEED_BASE32);

        assertEquals("Acme", parsed.issuer());
        assertEquals("alice", parsed.account());
        assertEquals(TotpParameters.DEFAULT, parsed.parameters());
        assertEquals(RFC_SEED, parsed.secret());
    }

    @Test
    void issuerMayComeFromTheParameterAlone() {
        OtpAuthUri parsed = OtpAuthUri.parse("otpauth://totp/alice?secret=" + RFC_SEED_BASE32 + "&issuer=Acme%20Corp");

        assertEquals("Acme Corp", parsed.issuer());
        assertEquals("alice", parsed.account());
    }

    /** Found by fuzzing: a label without prefix kept a leading space that the written label then lost. */
    @Test
    void surroundingWhitespaceIsDroppedSoTheRoundTripHolds() {
        OtpAuthUri parsed = OtpAuthUri.parse("otpauth://totp/%20email.com?secret=" + RFC_SEED_BASE32 + "&issuer=ACME%20CHA1");
        OtpAuthUri built = OtpAuthUri.of(" Acme ", "  alice ", RFC_SEED, TotpParameters.DEFAULT);

        assertEquals("email.com", parsed.account());
        assertEquals(parsed, OtpAuthUri.parse(parsed.toUriString()));
        assertEquals("Acme", built.issuer());
        assertEquals("alice", built.account());
        assertEquals(built, OtpAuthUri.parse(built.toUriString()));
        assertEquals(built, OtpAuthUri.parse("otpauth://totp/Acme%20:%20alice?secret=" + RFC_SEED_BASE32 + "&issuer=%20Acme"));
    }

    @Test
    void issuerParameterThatDisagreesWithTheLabelIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.parse("otpauth://totp/Acme:alice?secret=" + RFC_SEED_BASE32 + "&issuer=Evil"));

        assertTrue(refused.getMessage().contains("disagree"), refused.getMessage());
    }

    static Stream<String> malformedUris() {
        String secret = "secret=" + RFC_SEED_BASE32;
        return Stream.of(
                "",
                "hello",
                "http://totp/Acme:alice?" + secret,
                "otpauth://hotp/Acme:alice?" + secret + "&counter=1",
                "otpauth://totp/Acme:alice",
                "otpauth://totp/Acme:alice?issuer=Acme",
                "otpauth://totp/Acme:alice?secret=",
                "otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP",
                "otpauth://totp/Acme:alice?secret=NOT*BASE32*AT*ALL*NOT*BASE32*AT*",
                "otpauth://totp/Acme:alice?" + secret + "&" + secret,
                "otpauth://totp/Acme:alice?" + secret + "&digits=9",
                "otpauth://totp/Acme:alice?" + secret + "&digits=5",
                "otpauth://totp/Acme:alice?" + secret + "&digits=six",
                "otpauth://totp/Acme:alice?" + secret + "&digits=",
                "otpauth://totp/Acme:alice?" + secret + "&digits=99999999999999999999",
                "otpauth://totp/Acme:alice?" + secret + "&digits=-6",
                "otpauth://totp/Acme:alice?" + secret + "&period=0",
                "otpauth://totp/Acme:alice?" + secret + "&period=3601",
                "otpauth://totp/Acme:alice?" + secret + "&algorithm=MD5",
                "otpauth://totp/Acme:alice?" + secret + "&algorithm=",
                "otpauth://totp/Ac%zzme:alice?" + secret,
                "otpauth://totp/Acme:alice?" + secret + "&issuer=%E0%A4",
                "otpauth://totp/Acme:alice?" + secret + "&issuer=%",
                "otpauth://totp/Acme:?" + secret,
                "otpauth://totp/:alice?" + secret,
                "otpauth://totp/?" + secret,
                "otpauth://totp/alice?" + secret,
                "otpauth://totp/Acme:al%3Aice?" + secret,
                "otpauth://totp/Acme:al%0Aice?" + secret,
                "otpauth://totp/Acme:alice?" + secret + "&issuer=Acme&x=" + "y".repeat(8200));
    }

    @ParameterizedTest
    @MethodSource("malformedUris")
    void malformedUriGivesIllegalArgumentExceptionOnly(String uri) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.parse(uri));

        assertFalse(refused.getMessage().contains(RFC_SEED_BASE32), "message repeats the secret: " + refused.getMessage());
    }

    @Test
    void theLongestUriThisClassWritesIsReadBack() {
        // Non-ASCII names grow ninefold when percent-encoded; the parser's length bound must allow for that.
        String name = "\u00e9\u4e2d".repeat(128);
        OtpAuthUri uri = OtpAuthUri.of(name, name, Secret.generate(new SecureRandom(), Secret.MAX_BYTES),
                TotpParameters.DEFAULT);

        assertEquals(uri, OtpAuthUri.parse(uri.toUriString()));
    }

    @Test
    void toStringHidesTheSecret() {
        OtpAuthUri uri = OtpAuthUri.of("Acme", "alice", RFC_SEED, TotpParameters.DEFAULT);

        assertFalse(uri.toString().contains(RFC_SEED_BASE32), uri.toString());
        assertTrue(uri.toString().contains("Acme:alice"), uri.toString());
    }
}
