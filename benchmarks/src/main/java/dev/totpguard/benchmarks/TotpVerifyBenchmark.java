package dev.totpguard.benchmarks;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.warrenstrange.googleauth.GoogleAuthenticator;
import com.warrenstrange.googleauth.GoogleAuthenticatorConfig;
import com.warrenstrange.googleauth.HmacHashFunction;
import com.warrenstrange.googleauth.KeyRepresentation;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.DefaultCodeVerifier;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.totpguard.otp.Totp;
import java.security.InvalidKeyException;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying a typed TOTP code (RFC 6238) with a window of one step back and one ahead: TOTP Guard
 * ({@link Totp#verify}) side by side with the libraries a user would pick instead, each called the way its
 * documentation shows, all configured with the same algorithm, digits, step and key and all asked at the
 * same fixed instant ({@link TotpCase#NOW}).
 *
 * <ul>
 *   <li>{@code javaOtp}: com.eatthepath:java-otp 0.4.0 only generates codes, so the caller parses the typed
 *       code and compares it with the codes of the three steps (all three, like TOTP Guard).
 *   <li>{@code googleAuth}: com.warrenstrange:googleauth {@code authorize(secret, code, time)}, window size 3
 *       (= +-1), caller parses the typed code to an {@code int} as the API requires.
 *   <li>{@code javaTotp}: dev.samstevens.totp:totp {@code DefaultCodeVerifier.isValidCode}, allowed
 *       discrepancy 1, with a {@code TimeProvider} fixed at the same instant.
 * </ul>
 *
 * <p>The trial {@link #setUp() set-up} asks every library once and fails the benchmark unless all give the
 * expected answer, so a misconfigured comparison cannot produce numbers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TotpVerifyBenchmark {

    @Param({"SHA1_6", "SHA256_8"})
    public TotpCase totpCase;

    @Param({"MATCHING", "NON_MATCHING"})
    public CodeCase codeCase;

    /** The code as typed in the form: every library gets it as text and does its own parsing. */
    private String typedCode;

    private byte[] key;
    private Totp totpGuard;

    private Clock clock;
    private Key javaOtpKey;
    private TimeBasedOneTimePasswordGenerator javaOtp;

    private String base32Key;
    private GoogleAuthenticator googleAuth;

    private DefaultCodeVerifier javaTotp;

    @Setup
    public void setUp() throws InvalidKeyException {
        clock = Clock.fixed(TotpCase.NOW, ZoneOffset.UTC);
        key = totpCase.key();
        base32Key = totpCase.base32Key();

        totpGuard = Totp.builder().parameters(totpCase.parameters()).window(1).clock(clock).build();

        javaOtpKey = new SecretKeySpec(key, totpCase.algorithm().macName());
        javaOtp = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(TotpCase.PERIOD_SECONDS),
                totpCase.digits(), totpCase.algorithm().macName());

        googleAuth = new GoogleAuthenticator(new GoogleAuthenticatorConfig.GoogleAuthenticatorConfigBuilder()
                .setHmacHashFunction(switch (totpCase.algorithm()) {
                    case SHA1 -> HmacHashFunction.HmacSHA1;
                    case SHA256 -> HmacHashFunction.HmacSHA256;
                    case SHA512 -> HmacHashFunction.HmacSHA512;
                })
                .setCodeDigits(totpCase.digits())
                .setTimeStepSizeInMillis(TimeUnit.SECONDS.toMillis(TotpCase.PERIOD_SECONDS))
                .setWindowSize(3)
                .setKeyRepresentation(KeyRepresentation.BASE32)
                .build());

        DefaultCodeVerifier verifier = new DefaultCodeVerifier(
                new DefaultCodeGenerator(switch (totpCase.algorithm()) {
                    case SHA1 -> HashingAlgorithm.SHA1;
                    case SHA256 -> HashingAlgorithm.SHA256;
                    case SHA512 -> HashingAlgorithm.SHA512;
                }, totpCase.digits()),
                () -> TotpCase.NOW.getEpochSecond());
        verifier.setTimePeriod(TotpCase.PERIOD_SECONDS);
        verifier.setAllowedTimePeriodDiscrepancy(1);
        javaTotp = verifier;

        typedCode = codeCase == CodeCase.MATCHING
                ? totpGuard.generate(key)
                : codeOutsideWindow();
        checkAllLibrariesAgree();
    }

    /** A code that none of the three steps of the window produces: every step must be computed. */
    private String codeOutsideWindow() {
        long current = totpGuard.currentStep();
        int modulus = (int) Math.pow(10, totpCase.digits());
        int candidate = Integer.parseInt(totpGuard.generateAtStep(key, current));
        while (true) {
            candidate = (candidate + 1) % modulus;
            String formatted = String.format("%0" + totpCase.digits() + "d", candidate);
            boolean inWindow = false;
            for (long step = current - 1; step <= current + 1; step++) {
                inWindow |= formatted.equals(totpGuard.generateAtStep(key, step));
            }
            if (!inWindow) {
                return formatted;
            }
        }
    }

    private void checkAllLibrariesAgree() throws InvalidKeyException {
        boolean expected = codeCase == CodeCase.MATCHING;
        Map<String, Boolean> answers = new LinkedHashMap<>();
        answers.put("TOTP Guard", totpGuard().isPresent());
        answers.put("java-otp", javaOtp());
        answers.put("GoogleAuth", googleAuth());
        answers.put("java-totp", javaTotp());
        for (Map.Entry<String, Boolean> answer : answers.entrySet()) {
            if (answer.getValue() != expected) {
                throw new IllegalStateException("The libraries disagree on " + totpCase + " " + codeCase
                        + " (expected " + expected + "): " + answers + " - the comparison is misconfigured");
            }
        }
    }

    @Benchmark
    public OptionalLong totpGuard() {
        return totpGuard.verify(key, typedCode);
    }

    @Benchmark
    public boolean javaOtp() throws InvalidKeyException {
        int given = Integer.parseInt(typedCode);
        Instant now = clock.instant();
        boolean matched = false;
        for (int offset = -1; offset <= 1; offset++) {
            // `|` rather than `||`: every step is computed, as TOTP Guard does.
            matched |= javaOtp.generateOneTimePassword(javaOtpKey, now.plusSeconds((long) offset * TotpCase.PERIOD_SECONDS)) == given;
        }
        return matched;
    }

    @Benchmark
    public boolean googleAuth() {
        return googleAuth.authorize(base32Key, Integer.parseInt(typedCode), clock.millis());
    }

    @Benchmark
    public boolean javaTotp() {
        return javaTotp.isValidCode(base32Key, typedCode);
    }
}
