package dev.totpguard.crypto;

import dev.totpguard.otp.Secret;
import dev.totpguard.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals TOTP secrets for storage with AES-256-GCM (NIST SP 800-38D) and opens them again.
 *
 * <p>Each seal uses a fresh random 96-bit nonce. The associated data binds the ciphertext to its user and its
 * key id, so a row copied to another user, a changed key id or any flipped bit makes {@link #open} fail
 * with a {@link StoreException}: it never returns a wrong secret. Sealed layout: {@code 0x01 | nonce(12) |
 * ciphertext | tag(16)}.
 *
 * <p>Instances are immutable and thread-safe: each thread keeps its own {@link Cipher}, so opening a secret
 * on the login path takes no lock and looks up no provider.
 */
public final class SecretCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;
    private static final byte[] AAD_LABEL = "TOTP Guard secret v1".getBytes(StandardCharsets.US_ASCII);

    private final KeyRing keyRing;
    private final SecureRandom random;
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SecretCipher::newCipher);

    public SecretCipher(KeyRing keyRing) {
        this(keyRing, new SecureRandom());
    }

    public SecretCipher(KeyRing keyRing, SecureRandom random) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
        this.random = Objects.requireNonNull(random, "random");
        // Fail at start-up, not at the first enrollment, on a JDK without AES-GCM.
        newCipher();
    }

    public KeyRing keyRing() {
        return keyRing;
    }

    /** Seals a secret for {@code user} with the ring's current key. */
    public SealedSecret seal(String user, Secret secret) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        String keyId = keyRing.currentKeyId();
        byte[] plain = secret.bytes();
        byte[] sealed = new byte[OVERHEAD + plain.length];
        sealed[0] = VERSION;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, keyRing.currentKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(user, keyId));
            cipher.doFinal(plain, 0, plain.length, sealed, 1 + NONCE_BYTES);
            return SealedSecret.of(keyId, sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
            Arrays.fill(sealed, (byte) 0);
        }
    }

    /**
     * Opens a secret sealed for {@code user}.
     *
     * @throws StoreException if the key id is not in the ring, or the ciphertext was sealed for another user,
     *     was modified, or is malformed; the message names the user and key id only
     */
    public Secret open(String user, SealedSecret sealed) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sealed, "sealed");
        SecretKey key = keyRing.key(sealed.keyId());
        if (key == null) {
            throw new StoreException("The secret of user '" + user + "' was sealed with key " + sealed.keyId()
                    + ", which is not in the key ring " + keyRing.keyIds() + ": load the key file that holds it");
        }
        byte[] bytes = sealed.ciphertextUnsafe();
        if (bytes.length <= OVERHEAD || bytes[0] != VERSION) {
            throw new StoreException("The stored secret of user '" + user + "' is malformed");
        }
        byte[] plain = null;
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(user, sealed.keyId()));
            plain = cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
            return Secret.of(plain);
        } catch (AEADBadTagException e) {
            throw new StoreException("The stored secret of user '" + user + "' does not authenticate: it was sealed "
                    + "for another user or modified", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException("The stored secret of user '" + user + "' cannot be opened", e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** True when the secret was sealed with a key other than the current one and should be re-sealed. */
    public boolean needsResealing(SealedSecret sealed) {
        return !sealed.keyId().equals(keyRing.currentKeyId());
    }

    private static byte[] associatedData(String user, String keyId) {
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = keyId.getBytes(StandardCharsets.UTF_8);
        // The label has a fixed length and a key id never contains a zero byte, so the separators make the
        // encoding unambiguous: no two (user, key id) pairs share associated data.
        byte[] aad = new byte[AAD_LABEL.length + 1 + idBytes.length + 1 + userBytes.length];
        int at = 0;
        System.arraycopy(AAD_LABEL, 0, aad, at, AAD_LABEL.length);
        at += AAD_LABEL.length + 1;
        System.arraycopy(idBytes, 0, aad, at, idBytes.length);
        at += idBytes.length + 1;
        System.arraycopy(userBytes, 0, aad, at, userBytes.length);
        return aad;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK offers no AES/GCM/NoPadding cipher", e);
        }
    }
}
