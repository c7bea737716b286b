package dev.totpguard.store;

import dev.totpguard.crypto.SealedSecret;

import dev.totpguard.otp.TotpParameters;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One enrolled TOTP secret as a {@link CredentialStore} keeps it: the sealed secret, the parameters the
 * authenticator app was given (kept per credential, so a later policy change never breaks an enrolled
 * user), an optional device label and the creation time. A pending record also carries the hash of the
 * enrollment nonce that only the session which started the enrollment holds ({@link #nonceHash()}).
 * Immutable; holds no plaintext.
 */
public final class SecretRecord {

    /** Longest device label a store must hold. */
    public static final int MAX_LABEL_LENGTH = 255;

    private static final Pattern NONCE_HASH = Pattern.compile("[0-9a-f]{64}");

    private final SealedSecret sealed;
    private final TotpParameters parameters;
    private final String deviceLabel;
    private final Instant createdAt;
    private final String nonceHash;

    private SecretRecord(SealedSecret sealed, TotpParameters parameters, String deviceLabel, Instant createdAt, String nonceHash) {
        this.sealed = Objects.requireNonNull(sealed, "sealed");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        if (deviceLabel != null && deviceLabel.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("Device label is longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (!parameters.t0().equals(Instant.EPOCH)) {
            throw new IllegalArgumentException("Stored credentials use T0 = 0 (the Unix epoch), as every authenticator app does");
        }
        this.deviceLabel = deviceLabel;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        if (nonceHash != null && !NONCE_HASH.matcher(nonceHash).matches()) {
            throw new IllegalArgumentException("A nonce hash is 64 lower-case hex digits (SHA-256)");
        }
        this.nonceHash = nonceHash;
    }

    /** @param deviceLabel may be {@code null} */
    public static SecretRecord of(SealedSecret sealed, TotpParameters parameters, String deviceLabel, Instant createdAt) {
        return new SecretRecord(sealed, parameters, deviceLabel, createdAt, null);
    }

    /**
     * The same record bound to an enrollment nonce: {@code nonceHash} is the SHA-256 of the nonce, as 64
     * lower-case hex digits ({@code null} for none). Stores keep it next to a pending secret and compare it in
     * {@link CredentialStore#activate}, so a confirmation activates only the enrollment its session started.
     */
    public SecretRecord withNonceHash(String nonceHash) {
        return new SecretRecord(sealed, parameters, deviceLabel, createdAt, nonceHash);
    }

    public SealedSecret sealed() {
        return sealed;
    }

    public TotpParameters parameters() {
        return parameters;
    }

    public Optional<String> deviceLabel() {
        return Optional.ofNullable(deviceLabel);
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The SHA-256 (hex) of the enrollment nonce this pending record is bound to; empty for an active record. */
    public Optional<String> nonceHash() {
        return Optional.ofNullable(nonceHash);
    }

    /** The same record with another sealing of the secret (key rotation). */
    SecretRecord withSealed(SealedSecret resealed) {
        return new SecretRecord(resealed, parameters, deviceLabel, createdAt, nonceHash);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecretRecord)) {
            return false;
        }
        SecretRecord that = (SecretRecord) o;
        return sealed.equals(that.sealed) && parameters.equals(that.parameters)
                && Objects.equals(deviceLabel, that.deviceLabel) && createdAt.equals(that.createdAt)
                && Objects.equals(nonceHash, that.nonceHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sealed, parameters, createdAt);
    }

    @Override
    public String toString() {
        return "SecretRecord[" + sealed + ", " + parameters + (deviceLabel == null ? "" : ", device " + deviceLabel)
                + ", created " + createdAt + "]";
    }
}
