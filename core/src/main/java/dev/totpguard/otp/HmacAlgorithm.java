package dev.totpguard.otp;

import java.util.Locale;

/**
 * The HMAC functions that RFC 6238 allows for TOTP: HMAC-SHA-1 (the RFC 4226 default and the only one
 * every authenticator app supports), HMAC-SHA-256 and HMAC-SHA-512.
 */
public enum HmacAlgorithm {
    SHA1("HmacSHA1", "SHA1", 20),
    SHA256("HmacSHA256", "SHA256", 32),
    SHA512("HmacSHA512", "SHA512", 64);

    private final String macName;
    private final String uriName;
    private final int recommendedKeyBytes;

    HmacAlgorithm(String macName, String uriName, int recommendedKeyBytes) {
        this.macName = macName;
        this.uriName = uriName;
        this.recommendedKeyBytes = recommendedKeyBytes;
    }

    /** The JCA name for {@link javax.crypto.Mac#getInstance(String)}, e.g. {@code HmacSHA1}. */
    public String macName() {
        return macName;
    }

    /** The name used by the {@code algorithm} parameter of otpauth:// URIs, e.g. {@code SHA1}. */
    public String uriName() {
        return uriName;
    }

    /** The key length the RFCs use for this function: its output size (20, 32 or 64 bytes). */
    public int recommendedKeyBytes() {
        return recommendedKeyBytes;
    }

    /**
     * Parses an otpauth:// {@code algorithm} value ({@code SHA1}, {@code SHA256}, {@code SHA512}, any
     * case, with or without a dash as in {@code SHA-256}).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
     */
    public static HmacAlgorithm fromName(String name) {
        if (name != null) {
            String normalised = name.trim().toUpperCase(Locale.ROOT).replace("-", "");
            if (normalised.startsWith("HMAC")) {
                normalised = normalised.substring(4);
            }
            for (HmacAlgorithm algorithm : values()) {
                if (algorithm.uriName.equals(normalised)) {
                    return algorithm;
                }
            }
        }
        throw new IllegalArgumentException("Unknown HMAC algorithm '" + name + "': expected SHA1, SHA256 or SHA512");
    }
}
