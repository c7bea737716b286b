package dev.totpguard.fuzz;

import dev.totpguard.internal.config.SettingsFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.recovery.RecoveryCodes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser that takes text from a user, a QR code or a
 * configuration file: the TOTP code, a Base32 key, an otpauth URI, a recovery code and the policy settings.
 *
 * <p>Contract under test: parsers that refuse input do so only with {@link IllegalArgumentException}
 * (whose message never repeats a secret); {@code Totp.parseCode}, {@code Totp.verify} and the recovery-code
 * checks never throw at all. Any other exception escaping a target is a finding. Each target also checks a
 * property of what it accepted (round trip, range), so the fuzzer can find wrong answers, not only crashes.
 *
 * <p>Under {@code mvn verify} (regression mode) each target runs its seed corpus in
 * {@code src/test/resources/dev/totpguard/fuzz/ParserFuzzTestInputs/<target>/} plus an empty input. Then, in
 * the integration-test phase, one execution per target fuzzes it ({@code JAZZER_FUZZ=1}) for {@code maxDuration}
 * with libFuzzer's seed fixed by {@code totpguard.fuzz.seed} (core/pom.xml), so a build's result does not depend on
 * a draw. To explore further, draw the seed and repeat; the generated corpus in {@code core/.cifuzz-corpus/} (not
 * committed) carries over from one run to the next:
 * <pre>{@code for i in $(seq 30); do ./mvnw -B -pl core -am verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dtotpguard.fuzz.seed=0 || break; done}</pre>
 * A finding is written to the target's input folder as {@code crash-<sha1>}: fix the cause and keep the file,
 * renamed {@code finding-<what>}, as a regression seed. Inputs are raw bytes read as UTF-8, so the seed files are
 * plain text.
 */
class ParserFuzzTest {

    /** RFC 6238 Appendix A SHA-1 seed; at 1111111109 s the 6-digit code is 081804. */
    private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1111111109L), ZoneOffset.UTC);
    private static final List<Totp> TOTPS = List.of(totp(6), totp(7), totp(8));

    private static final RecoveryCodes RECOVERY = RecoveryCodes.builder().iterations(RecoveryCodes.MIN_ITERATIONS)
            .random(new SecureRandom()).build();
    /** Two fixed codes of the real alphabet (the seed corpus holds them in several spellings) and their hashes. */
    private static final List<String> KNOWN_CODES = List.of("abcde-fghjk", "k2m3n-4p5q6");
    private static final List<String> KNOWN_HASHES = List.of(RECOVERY.hash(KNOWN_CODES.get(0)), RECOVERY.hash(KNOWN_CODES.get(1)));

    private static Totp totp(int digits) {
        return Totp.builder()
                .parameters(TotpParameters.builder().algorithm(HmacAlgorithm.SHA1).digits(digits).build())
                .window(1)
                .clock(CLOCK)
                .build();
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    @FuzzTest(maxDuration = "10s")
    void codeInputNeverThrowsAndMatchesOnlyAWindowCode(byte[] data) {
        String typed = text(data);
        for (Totp totp : TOTPS) {
            int digits = totp.parameters().digits();
            int parsed = Totp.parseCode(typed, digits);
            assertTrue(parsed >= -1 && parsed < Math.pow(10, digits), "parseCode out of range");
            boolean inWindow = false;
            long current = totp.currentStep();
            for (long step = current - 1; step <= current + 1; step++) {
                inWindow |= parsed >= 0 && Integer.parseInt(totp.generateAtStep(KEY, step)) == parsed;
            }
            OptionalLong fresh = totp.verify(KEY, typed);
            assertEquals(inWindow, fresh.isPresent(), "verify disagrees with the window codes");
            // After the highest step of the window has been used, nothing in the window is usable.
            assertFalse(totp.verify(KEY, typed, current + 1).isPresent(), "a used step was accepted again");
            if (parsed >= 0) {
                // Well-formed means ASCII digits with single inner spaces only.
                assertTrue(typed.chars().allMatch(c -> c == ' ' || (c >= '0' && c <= '9')), "non-digit accepted");
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void base32KeyInputIsRefusedOnlyWithIllegalArgument(byte[] data) {
        String typed = text(data);
        Secret secret;
        try {
            secret = Secret.fromBase32(typed);
        } catch (IllegalArgumentException refused) {
            assertMessageHidesInput(refused, typed);
            return;
        }
        assertTrue(secret.length() >= Secret.MIN_BYTES && secret.length() <= Secret.MAX_BYTES, "key length out of range");
        assertEquals(secret, Secret.fromBase32(secret.toBase32()), "Base32 round trip changed the key");
        assertEquals(secret, Secret.fromBase32(secret.toGroupedBase32()), "grouped Base32 round trip changed the key");
    }

    @FuzzTest(maxDuration = "10s")
    void otpauthUriIsRefusedOnlyWithIllegalArgument(byte[] data) {
        String uri = text(data);
        OtpAuthUri parsed;
        try {
            parsed = OtpAuthUri.parse(uri);
        } catch (IllegalArgumentException refused) {
            String secret = secretParameter(uri);
            // Only a value that could be a key counts: the message may well name fixed words like "otpauth://".
            // Other parameters' values may be echoed, so the check holds when the key occurs only once.
            if (secret != null && secret.length() >= 16 && secret.matches("[A-Za-z2-7 =-]+")
                    && uri.indexOf(secret) == uri.lastIndexOf(secret)) {
                assertFalse(refused.getMessage().contains(secret), "error message repeats the secret");
            }
            return;
        }
        assertEquals(parsed, OtpAuthUri.parse(parsed.toUriString()), "otpauth URI round trip changed it");
        String key = parsed.secret().toBase32();
        // toString shows issuer and account by design; the key may appear only where the input put it there.
        if (!parsed.issuer().contains(key) && !parsed.account().contains(key)) {
            assertFalse(parsed.toString().contains(key), "toString shows the secret");
        }
    }

    @FuzzTest(maxDuration = "10s")
    void recoveryCodeInputNeverThrowsAndMatchesOnlyItsCode(byte[] data) {
        String typed = text(data);
        String normalised = RecoveryCodes.normalise(typed);
        if (normalised != null) {
            assertTrue(normalised.matches("[a-z0-9]{10}"), "normalised code has an unexpected form");
        }
        String typedCanonical = readLookAlikes(normalised);
        int expected = -1;
        for (int i = 0; i < KNOWN_CODES.size(); i++) {
            if (typedCanonical != null && typedCanonical.equals(readLookAlikes(RecoveryCodes.normalise(KNOWN_CODES.get(i))))) {
                expected = i;
            }
        }
        assertEquals(expected, RECOVERY.match(typed, KNOWN_HASHES), "match disagrees with normalise");
    }

    /**
     * The documented reading of a normalised code: codes use Crockford's alphabet, so a typed o is 0, i and l
     * are 1, and a u (never in a code) cannot match. The fuzzer found this rule when the oracle lacked it.
     */
    private static String readLookAlikes(String normalised) {
        if (normalised == null || normalised.indexOf('u') >= 0) {
            return null;
        }
        return normalised.replace('o', '0').replace('i', '1').replace('l', '1');
    }

    /**
     * Settings as typed into a properties file or init-params: lines {@code name=value}, the name without
     * the {@code totpguard.} prefix (seeds name the real keys; mutations invent others).
     */
    @FuzzTest(maxDuration = "10s")
    void policySettingsAreRefusedOnlyWithIllegalArgumentNamingTheKey(byte[] data) {
        Map<String, String> settings = new HashMap<>();
        for (String line : text(data).split("\n", 64)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                settings.put("totpguard." + line.substring(0, eq), line.substring(eq + 1));
            }
        }
        TwoFactorPolicy policy;
        try {
            policy = SettingsFactory.policy(Settings.of(settings, "setting"));
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage() != null && refused.getMessage().contains("totpguard."),
                    "configuration error does not name the key: " + refused.getMessage());
            return;
        }
        assertTrue(policy.maxFailures() >= 1 && policy.maxFailures() <= TwoFactorPolicy.MAX_FAILURES_LIMIT, "lockout limit out of range");
        assertTrue(policy.stepsBack() <= Totp.MAX_WINDOW && policy.stepsAhead() <= Totp.MAX_WINDOW, "window out of range");
        assertTrue(policy.secretBytes() >= Secret.MIN_BYTES, "secret shorter than 128 bits");
        assertTrue(policy.lockoutMax().compareTo(policy.lockoutBase()) >= 0, "lockout cap below its base");
    }

    private static void assertMessageHidesInput(IllegalArgumentException refused, String typed) {
        String message = refused.getMessage();
        if (typed.strip().length() >= 8) {
            assertFalse(message != null && message.contains(typed.strip()), "error message repeats the key");
        }
    }

    private static String secretParameter(String uri) {
        int at = uri.toLowerCase(java.util.Locale.ROOT).indexOf("secret=");
        if (at < 0) {
            return null;
        }
        int end = uri.indexOf('&', at);
        return uri.substring(at + "secret=".length(), end < 0 ? uri.length() : end);
    }
}
