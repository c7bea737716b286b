package dev.totpguard.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * A TOTP secret as stored: AES-256-GCM ciphertext (version byte, 96-bit nonce, ciphertext and tag) and the
 * id of the {@link KeyRing} key that sealed it. Produced and opened by {@link SecretCipher}.
 *
 * <p>Immutable: the bytes are copied in and out. {@link #equals(Object)} compares in constant time;
 * {@link #toString()} shows the key id and the length only.
 */
public final class SealedSecret {

    /** Longest key id a store must hold. */
    public static final int MAX_KEY_ID_LENGTH = 32;
    /** Longest ciphertext a store must hold: version, nonce, a 128-byte secret and the tag. */
    public static final int MAX_CIPHERTEXT_BYTES = 1 + 12 + 128 + 16;

    private final String keyId;
    private final byte[] ciphertext;

    private SealedSecret(String keyId, byte[] ciphertext) {
        this.keyId = keyId;
        this.ciphertext = ciphertext;
    }

    /**
     * Wraps a key id and ciphertext read from a store.
     *
     * @throws IllegalArgumentException if the key id is empty or too long or the ciphertext has an impossible
     *     length
     */
    public static SealedSecret of(String keyId, byte[] ciphertext) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
            throw new IllegalArgumentException("Key id must have 1 to " + MAX_KEY_ID_LENGTH + " characters");
        }
        if (ciphertext.length > MAX_CIPHERTEXT_BYTES) {
            throw new IllegalArgumentException("Sealed secret is longer than " + MAX_CIPHERTEXT_BYTES + " bytes");
        }
        return new SealedSecret(keyId, ciphertext.clone());
    }

    /** The id of the key ring key that sealed this secret. */
    public String keyId() {
        return keyId;
    }

    /** A copy of the stored bytes. */
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** The stored length in bytes. */
    int length() {
        return ciphertext.length;
    }

    byte[] ciphertextUnsafe() {
        return ciphertext;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SealedSecret)) {
            return false;
        }
        SealedSecret that = (SealedSecret) o;
        return keyId.equals(that.keyId) & MessageDigest.isEqual(ciphertext, that.ciphertext);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "SealedSecret[key " + keyId + ", " + ciphertext.length + " bytes]";
    }
}
