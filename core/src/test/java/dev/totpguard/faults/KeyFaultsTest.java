package dev.totpguard.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key file that is missing, malformed or not the one the secrets were sealed with: start-up refuses with a
 * message naming {@code totpguard.key.file} (and never the key), no key is ever created in its place, and a
 * wrong but well-formed key makes the sealed users fail closed ({@code STORE_UNAVAILABLE}) instead of passing
 * or being treated as not enrolled.
 */
class KeyFaultsTest {

    @TempDir
    Path directory;

    private Map<String, String> settings(Path keyFile) {
        Map<String, String> settings = new HashMap<>();
        settings.put(TotpGuardSettings.JDBC_URL, "jdbc:h2:file:" + directory.resolve("db/store"));
        settings.put(TotpGuardSettings.KEY_FILE, keyFile.toString());
        return settings;
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains("key"))
                    .sorted().collect(Collectors.toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64 at all!", "c2hvcnQ=", "AAAA", "\u0000\u0001\u0002", "-----BEGIN PRIVATE KEY-----"})
    void aMalformedKeyFileStopsStartUpNamingTheSettingAndIsLeftAlone(String content) throws Exception {
        Path keyFile = directory.resolve("totpguard.key");
        Files.writeString(keyFile, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        List<Path> before = files();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings(keyFile)));

        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_FILE), error.getMessage());
        if (content.length() >= 4) {
            assertFalse(error.getMessage().contains(content), "the message repeats the file's content: " + error.getMessage());
        }
        assertEquals(content, Files.readString(keyFile, StandardCharsets.UTF_8), "the key file was changed");
        assertEquals(before, files(), "a key file was created");
    }

    @Test
    void aMissingKeyFileIsNotCreated() throws Exception {
        Path keyFile = directory.resolve("absent.key");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings(keyFile)));

        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_FILE), error.getMessage());
        assertFalse(Files.exists(keyFile), "a new key was created silently");
    }

    @Test
    void aKeyFileOthersCanWriteIsRefused() throws Exception {
        Path keyFile = directory.resolve("totpguard.key");
        KeyRing.generateKeyFile(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-rw-rw-"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings(keyFile)));

        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_FILE), error.getMessage());
    }

    @Test
    void anotherWellFormedKeyMakesTheSealedUsersFailClosedAndOthersWork() throws Exception {
        Path original = directory.resolve("original.key");
        KeyRing.generateKeyFile(original);
        Totp totp = Totp.builder().build();
        try (TwoFactorService service = TwoFactorServiceFactory.fromSettings(settings(original))) {
            Enrollment enrollment = service.startEnrollment("alice");
            assertTrue(service.confirmEnrollment("alice", enrollment.nonce(), totp.generate(enrollment.otpAuthUri().secret().bytes()), "127.0.0.1")
                    .verification().isAccepted());
        }
        Path other = directory.resolve("other.key");
        KeyRing.generateKeyFile(other);
        byte[] otherBytes = Files.readAllBytes(other);

        try (TwoFactorService service = TwoFactorServiceFactory.fromSettings(settings(other))) {
            Verification alice = service.verify("alice", "123456", "127.0.0.1");
            assertEquals(Verification.Outcome.STORE_UNAVAILABLE, alice.outcome(), "sealed under another key: " + alice);
            // Someone sealed under the loaded key is unaffected.
            Enrollment bob = service.startEnrollment("bob");
            assertTrue(service.confirmEnrollment("bob", bob.nonce(), totp.generate(bob.otpAuthUri().secret().bytes()), "127.0.0.1")
                    .verification().isAccepted());
        }
        assertArrayEquals(otherBytes, Files.readAllBytes(other), "the key file was changed");
    }
}
