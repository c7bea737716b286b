package dev.totpguard.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.Secret;
import dev.totpguard.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRingTest {

    @TempDir
    Path dir;

    @Test
    void generatedKeyFileIsOwnerOnlyAndLoadsBack() throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing created = KeyRing.generateKeyFile(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        KeyRing loaded = KeyRing.fromKeyFile(file);
        assertEquals(created.currentKeyId(), loaded.currentKeyId());
        assertEquals(1, loaded.keyIds().size());
        assertTrue(loaded.currentKeyId().matches("[0-9a-f]{8}"));
    }

    @Test
    void existingKeyFileIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing first = KeyRing.generateKeyFile(file);

        StoreException refused = assertThrows(StoreException.class, () -> KeyRing.generateKeyFile(file));
        assertTrue(refused.getMessage().contains("already exists"), refused.getMessage());
        assertEquals(first.currentKeyId(), KeyRing.fromKeyFile(file).currentKeyId());
    }

    @Test
    void missingKeyFileIsAClearErrorAndIsNotCreated() {
        Path file = dir.resolve("absent.key");

        StoreException missing = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertTrue(missing.getMessage().contains("generateKeyFile"), missing.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void malformedKeyFileNamesTheLineButNotTheContent() throws Exception {
        Path file = dir.resolve("bad.key");
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        Files.writeString(file, "# comment\n" + tooShort + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        StoreException error = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(error.getMessage().contains("line 2"), error.getMessage());
        assertTrue(error.getMessage().contains("32 bytes"), error.getMessage());
        assertFalse(error.getMessage().contains(tooShort), error.getMessage());

        Files.writeString(file, "not base64 at all!\n");
        StoreException notBase64 = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(notBase64.getMessage().contains("base64"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("at all"), notBase64.getMessage());

        Files.writeString(file, "# only a comment\n\n");
        assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
    }

    @Test
    void keyFileWritableByOthersIsRefused() throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing.generateKeyFile(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        StoreException error = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(error.getMessage().contains("chmod 600"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw---x---", "rw------x"})
    void keyFileReadableOrUsableByOthersIsRefusedLikeAnSshPrivateKey(String mode) throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing.generateKeyFile(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

        StoreException error = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(error.getMessage().contains("chmod 600"), error.getMessage());
        assertTrue(error.getMessage().contains(mode), error.getMessage());
    }

    @Test
    void keyFileOfAnotherUserIsRefused() throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing.generateKeyFile(file);
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal nobody;
        try {
            nobody = users.lookupPrincipalByName("nobody");
            Files.setOwner(file, nobody);
        } catch (IOException e) {
            // Changing a file's owner needs root; the check itself is exercised wherever the tests run as root (CI).
            Assumptions.abort("cannot give a file to the user nobody here: " + e);
            return;
        }

        StoreException error = assertThrows(StoreException.class, () -> KeyRing.fromKeyFile(file));
        assertTrue(error.getMessage().contains("belongs to 'nobody'"), error.getMessage());
    }

    @Test
    void rotationAddsACurrentKeyAndKeepsTheOldOnesForOpening() throws Exception {
        Path file = dir.resolve("totpguard.key");
        KeyRing before = KeyRing.generateKeyFile(file);
        SealedSecret sealedBefore = new SecretCipher(before).seal("alice", Secret.generate());

        KeyRing after = KeyRing.rotateKeyFile(file);

        assertNotEquals(before.currentKeyId(), after.currentKeyId());
        assertEquals(List.of(after.currentKeyId(), before.currentKeyId()), after.keyIds());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        SecretCipher cipher = new SecretCipher(after);
        cipher.open("alice", sealedBefore);
        assertTrue(cipher.needsResealing(sealedBefore));
        assertFalse(cipher.needsResealing(cipher.seal("alice", Secret.generate())));
        assertEquals(after.keyIds(), KeyRing.fromKeyFile(file).keyIds());
    }

    @Test
    void textFormAcceptsSeveralKeysCurrentFirst() throws Exception {
        String newer = KeyRing.generateEncodedKey();
        String older = KeyRing.generateEncodedKey();

        KeyRing ring = KeyRing.fromText(newer + "," + older, "test");

        assertEquals(2, ring.keyIds().size());
        assertEquals(KeyRing.fromText(newer, "test").currentKeyId(), ring.currentKeyId());
        assertThrows(StoreException.class, () -> KeyRing.fromText(newer + "," + newer, "test"));
    }

    @Test
    void unsetEnvironmentVariableIsAClearError() {
        String name = "TOTPGUARD_TEST_UNSET_" + Long.toHexString(new SecureRandom().nextLong());

        StoreException error = assertThrows(StoreException.class, () -> KeyRing.fromEnvironment(name));
        assertTrue(error.getMessage().contains(name), error.getMessage());
    }

    @Test
    void keyIdIsDerivedFromTheKeyWhereverItIsLoadedFrom() throws Exception {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String encoded = Base64.getEncoder().encodeToString(raw);

        KeyRing fromText = KeyRing.fromText(encoded, "test");
        KeyRing fromCode = KeyRing.of(List.of(new SecretKeySpec(raw, "AES")));

        assertEquals(fromText.currentKeyId(), fromCode.currentKeyId());
    }

    @Test
    void pkcs12KeyStoreProvidesCurrentAndOlderKeys() throws Exception {
        char[] password = "store-password".toCharArray();
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        SecretKey older = generator.generateKey();
        SecretKey current = generator.generateKey();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        store.setEntry("totpguard-1", new KeyStore.SecretKeyEntry(older), protection);
        store.setEntry("totpguard-2", new KeyStore.SecretKeyEntry(current), protection);
        Path file = dir.resolve("keys.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }

        KeyRing ring = KeyRing.fromKeyStore(file, password, "totpguard-2");

        assertEquals(KeyRing.of(List.of(current)).currentKeyId(), ring.currentKeyId());
        assertTrue(ring.contains(KeyRing.of(List.of(older)).currentKeyId()));
        assertThrows(StoreException.class, () -> KeyRing.fromKeyStore(file, "wrong".toCharArray(), "totpguard-2"));
        assertThrows(StoreException.class, () -> KeyRing.fromKeyStore(file, password, "absent"));
    }

    @Test
    void toStringShowsIdsOnly() throws Exception {
        String encoded = KeyRing.generateEncodedKey();
        KeyRing ring = KeyRing.fromText(encoded, "test");

        assertFalse(ring.toString().contains(encoded));
        assertTrue(ring.toString().contains(ring.currentKeyId()));
        assertFalse(new String(ring.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("="));
    }
}
