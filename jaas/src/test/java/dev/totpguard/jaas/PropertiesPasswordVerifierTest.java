package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesPasswordVerifierTest {

    private static final PasswordHash HASH = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();

    @TempDir
    Path dir;

    private Path usersFile(String... lines) throws Exception {
        Path file = dir.resolve("users.properties");
        Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    @Test
    void rightPasswordGivesTheRolesOfTheLine() throws Exception {
        Path file = usersFile("# comment", "alice = " + HASH.hash("alice-pw".toCharArray()) + ", admin, user",
                "bob=" + HASH.hash("bob-pw".toCharArray()));
        PropertiesPasswordVerifier verifier = PropertiesPasswordVerifier.load(file, HASH);
        assertEquals(Optional.of(new VerifiedAccount("alice", Set.of("admin", "user"))), verifier.verify("alice", "alice-pw".toCharArray()));
        assertEquals(Optional.of(new VerifiedAccount("bob", Set.of())), verifier.verify("bob", "bob-pw".toCharArray()));
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() throws Exception {
        PropertiesPasswordVerifier verifier = PropertiesPasswordVerifier.load(
                usersFile("alice = " + HASH.hash("alice-pw".toCharArray()) + ", admin"), HASH);
        assertEquals(Optional.empty(), verifier.verify("alice", "bob-pw".toCharArray()));
        assertEquals(Optional.empty(), verifier.verify("mallory", "alice-pw".toCharArray()));
        assertEquals(Optional.empty(), verifier.verify("ALICE", "alice-pw".toCharArray()));
    }

    @Test
    void callersPasswordArrayIsLeftForTheCallerToClear() throws Exception {
        PropertiesPasswordVerifier verifier = PropertiesPasswordVerifier.load(
                usersFile("alice = " + HASH.hash("alice-pw".toCharArray())), HASH);
        char[] password = "alice-pw".toCharArray();
        verifier.verify("alice", password);
        assertEquals("alice-pw", new String(password));
    }

    @Test
    void plainTextPasswordInTheFileIsRefusedAtLoadNamingTheUserButNotThePassword() throws Exception {
        Path file = usersFile("alice = hunter2, admin");
        PasswordStoreException e = assertThrows(PasswordStoreException.class,
                () -> PropertiesPasswordVerifier.load(file, HASH));
        assertTrue(e.getMessage().contains("alice"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void missingFileIsAStoreError() {
        assertThrows(PasswordStoreException.class,
                () -> PropertiesPasswordVerifier.load(dir.resolve("absent.properties"), HASH));
    }

    @Test
    void editedFileIsReadAgainAndABrokenEditFailsClosed() throws Exception {
        Path file = usersFile("alice = " + HASH.hash("old-pw".toCharArray()));
        PropertiesPasswordVerifier verifier = PropertiesPasswordVerifier.load(file, HASH);
        assertTrue(verifier.verify("alice", "old-pw".toCharArray()).isPresent());

        usersFile("alice = " + HASH.hash("new-pw".toCharArray()) + ", admin");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(Optional.empty(), verifier.verify("alice", "old-pw".toCharArray()));
        assertEquals(Optional.of(new VerifiedAccount("alice", Set.of("admin"))), verifier.verify("alice", "new-pw".toCharArray()));

        usersFile("alice = oops");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThrows(PasswordStoreException.class, () -> verifier.verify("alice", "new-pw".toCharArray()));

        Files.delete(file);
        assertThrows(PasswordStoreException.class, () -> verifier.verify("alice", "new-pw".toCharArray()));
    }
}
