package dev.totpguard.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.Secret;
import dev.totpguard.store.StoreException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final KeyRing ring = KeyRing.generate(new SecureRandom());
    private final SecretCipher cipher = new SecretCipher(ring);

    @Test
    void sealedSecretOpensForTheSameUser() throws Exception {
        Secret secret = Secret.generate();

        SealedSecret sealed = cipher.seal("alice", secret);

        assertEquals(ring.currentKeyId(), sealed.keyId());
        assertEquals(secret, cipher.open("alice", sealed));
    }

    @Test
    void ciphertextHoldsNoPlainSecretAndDiffersEachTime() {
        Secret secret = Secret.generate();

        SealedSecret first = cipher.seal("alice", secret);
        SealedSecret second = cipher.seal("alice", secret);

        assertNotEquals(first, second, "a fresh nonce makes every sealing different");
        assertFalse(containsSubsequence(first.ciphertext(), secret.bytes()));
        assertEquals(1 + 12 + secret.length() + 16, first.length());
    }

    @Test
    void openingAnotherUsersRowFails() {
        SealedSecret sealed = cipher.seal("alice", Secret.generate());

        StoreException error = assertThrows(StoreException.class, () -> cipher.open("mallory", sealed));
        assertTrue(error.getMessage().contains("another user or modified"), error.getMessage());
    }

    @Test
    void everyFlippedBitIsDetected() {
        SealedSecret sealed = cipher.seal("alice", Secret.generate());
        byte[] bytes = sealed.ciphertext();
        for (int i = 0; i < bytes.length * 8; i++) {
            byte[] tampered = bytes.clone();
            tampered[i / 8] ^= (byte) (1 << (i % 8));
            SealedSecret modified = SealedSecret.of(sealed.keyId(), tampered);
            assertThrows(StoreException.class, () -> cipher.open("alice", modified), "bit " + i);
        }
    }

    @Test
    void truncatedCiphertextIsRefused() {
        SealedSecret sealed = cipher.seal("alice", Secret.generate());
        byte[] bytes = sealed.ciphertext();

        assertThrows(StoreException.class, () -> cipher.open("alice", SealedSecret.of(sealed.keyId(), new byte[0])));
        assertThrows(StoreException.class,
                () -> cipher.open("alice", SealedSecret.of(sealed.keyId(), java.util.Arrays.copyOf(bytes, bytes.length - 1))));
    }

    @Test
    void unknownKeyIdIsNamedInTheError() {
        SecretCipher otherRing = new SecretCipher(KeyRing.generate(new SecureRandom()));
        SealedSecret sealed = otherRing.seal("alice", Secret.generate());

        StoreException error = assertThrows(StoreException.class, () -> cipher.open("alice", sealed));
        assertTrue(error.getMessage().contains(sealed.keyId()), error.getMessage());
    }

    @Test
    void rewrittenKeyIdDoesNotOpen() throws Exception {
        String otherKey = KeyRing.generateEncodedKey();
        String currentKey = KeyRing.generateEncodedKey();
        KeyRing two = KeyRing.fromText(currentKey + "\n" + otherKey, "test");
        SecretCipher twoKeys = new SecretCipher(two);
        SealedSecret sealed = twoKeys.seal("alice", Secret.generate());
        String otherId = two.keyIds().get(1);

        assertThrows(StoreException.class, () -> twoKeys.open("alice", SealedSecret.of(otherId, sealed.ciphertext())));
    }

    @Test
    void sealedSecretToStringHidesTheBytes() {
        SealedSecret sealed = cipher.seal("alice", Secret.generate());

        assertEquals("SealedSecret[key " + sealed.keyId() + ", 49 bytes]", sealed.toString());
    }

    private static boolean containsSubsequence(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
