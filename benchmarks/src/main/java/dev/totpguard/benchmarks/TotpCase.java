package dev.totpguard.benchmarks;

import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.TotpParameters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.codec.binary.Base32;

/**
 * The TOTP configurations every library is measured with: the default that all authenticator apps
 * support (HMAC-SHA-1, 6 digits) and the strongest common alternative (HMAC-SHA-256, 8 digits), both with
 * 30-second steps and the RFC 6238 appendix B seeds as keys.
 *
 * <p>The verification time is fixed, {@link #NOW}, so every library computes the same window of steps.
 * Immutable and thread-safe.
 */
public enum TotpCase {
    SHA1_6(HmacAlgorithm.SHA1, 6, "12345678901234567890"),
    SHA256_8(HmacAlgorithm.SHA256, 8, "12345678901234567890123456789012");

    /** The instant at which every benchmark verifies: mid-step, so no library rounds into another step. */
    public static final Instant NOW = Instant.parse("2025-06-01T12:00:15Z");

    /** The step length every library is configured with. */
    public static final int PERIOD_SECONDS = 30;

    private final HmacAlgorithm algorithm;
    private final int digits;
    private final String seed;

    TotpCase(HmacAlgorithm algorithm, int digits, String seed) {
        this.algorithm = algorithm;
        this.digits = digits;
        this.seed = seed;
    }

    public HmacAlgorithm algorithm() {
        return algorithm;
    }

    public int digits() {
        return digits;
    }

    /** A fresh copy of the key bytes. */
    public byte[] key() {
        return seed.getBytes(StandardCharsets.US_ASCII);
    }

    /** The key as the Base32 text that GoogleAuth and java-totp take, without padding as apps show it. */
    public String base32Key() {
        return new Base32().encodeToString(key()).replace("=", "");
    }

    public TotpParameters parameters() {
        return TotpParameters.builder().algorithm(algorithm).digits(digits).periodSeconds(PERIOD_SECONDS).build();
    }
}
