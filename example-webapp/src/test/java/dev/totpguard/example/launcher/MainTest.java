package dev.totpguard.example.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's exit statuses and error lines, in process: 2 and {@code Error: } for a command line that cannot be
 * used, 1 and {@code Error: } for what it refuses to do; and where the first start's random password goes when
 * nobody reads the output on a terminal.
 */
class MainTest {

    @TempDir
    Path temp;

    /** One run of the launcher with its streams captured and no console, as under a script or a service manager. */
    private record Run(int status, String out, String err) {

        static Run of(Map<String, String> environment, String stdin, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null, environment);
            int status = Main.run(args, terminal);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aUsageErrorExitsWith2AndOneErrorLine() {
        Run run = Run.of(Map.of(), "", "--prot", "8080");
        assertEquals(Main.USAGE, run.status());
        assertEquals(2, Main.USAGE);
        assertEquals("Error: Unknown option --prot. Run with --help to see the options.", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void anUnknownCommandIsAUsageErrorToo() {
        Run run = Run.of(Map.of(), "", "admin", "remove", "alice");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("Error: Expected 'admin list'"), run.err());
    }

    @Test
    void aRefusedStartOrCommandExitsWith1AndOneErrorLine() {
        Path empty = temp.resolve("empty");
        Run run = Run.of(Map.of(), "", "admin", "list", "--data", empty.toString());
        assertEquals(Main.FAILED, run.status());
        assertEquals(1, Main.FAILED);
        assertTrue(run.err().startsWith("Error: There is no database in " + empty), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(Files.exists(empty));
    }

    @Test
    void aCommandRefusedOnAnExistingInstallationExitsWith1AndOneErrorLine() throws Exception {
        Path data = temp.resolve("data");
        createInstallation(data, Map.of(Installation.ADMIN_PASSWORD_ENV, "main-test-password"));

        Run unknown = Run.of(Map.of(), "", "admin", "reset-2fa", "hal", "--data", data.toString());
        assertEquals(1, unknown.status(), unknown.err());
        assertEquals("Error: There is no administrator named hal.", unknown.err().strip());

        Run tooShort = Run.of(Map.of(), "short\n", "admin", "set-password", "admin", "--data", data.toString());
        assertEquals(1, tooShort.status(), tooShort.err());
        assertTrue(tooShort.err().startsWith("Error: Choose a password of at least"), tooShort.err());
        assertFalse(tooShort.err().contains("short\n"), "the refused password is not echoed");
    }

    @Test
    void withoutATerminalTheFirstPasswordGoesToAnOwnerOnlyFileNotToTheOutput() throws Exception {
        Path data = temp.resolve("data");
        Run first = createInstallation(data, Map.of());
        Path file = data.resolve(Installation.FIRST_PASSWORD_FILE_NAME);
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        assertEquals(20, password.length(), "a random password of 20 characters");
        assertFalse(first.out().contains(password) || first.err().contains(password), "never printed when no terminal reads it");
        assertTrue(first.out().contains("read it in " + file), first.out());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));

        Run changed = Run.of(Map.of(), "admin-own-password\n", "admin", "set-password", "admin", "--data", data.toString());
        assertEquals(0, changed.status(), changed.err());
        assertFalse(Files.exists(file), "the file of a password that is no longer the password is deleted");
    }

    @Test
    void aPasswordFromTheEnvironmentLeavesNoFile() throws Exception {
        Path data = temp.resolve("data");
        Run first = createInstallation(data, Map.of(Installation.ADMIN_PASSWORD_ENV, "main-test-password"));
        assertTrue(first.out().contains("with the password from " + Installation.ADMIN_PASSWORD_ENV), first.out());
        assertFalse(first.out().contains("main-test-password"));
        assertFalse(Files.exists(data.resolve(Installation.FIRST_PASSWORD_FILE_NAME)));
    }

    /** Opens a new installation as the server's first start does (database, key file, "admin"), without serving it. */
    private static Run createInstallation(Path data, Map<String, String> environment) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), null, environment);
        LauncherOptions options = LauncherOptions.parse(new String[] {"--data", data.toString()}, environment);
        try (Installation installation = Installation.open(options, terminal, true)) {
            assertEquals(1, installation.accounts().directory().count());
        }
        return new Run(0, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
