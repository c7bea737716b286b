package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher jar as a person runs it: a separate process, {@code --port 0}, the ready line, a login; and every
 * way a start or a command can go wrong ends with one plain {@code Error: } line, never with only a stack trace:
 * exit status 2 for a command line that cannot be used as given, 1 for what the launcher refuses or fails to do.
 */
class LauncherIT {

    private static final String PASSWORD = "launcher-test-password";
    private static final Map<String, String> WITH_PASSWORD = Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD);

    @TempDir
    Path temp;

    @Test
    void firstStartCreatesTheKeyAndAnAdminWithARandomPasswordThatCanLogIn() throws Exception {
        Path data = temp.resolve("data");
        String password;
        try (LauncherProcess launcher = LauncherProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
            // The test's output is a pipe, as a log file or a service manager's journal is: no password in it.
            password = launcher.generatedAdminPassword(data);
            assertFalse(launcher.output().contains(password), "the password is not printed to a pipe:\n" + launcher.output());
            assertTrue(launcher.output().contains(data.resolve("initial-admin-password").toString()), launcher.output());
            assertEquals(1, launcher.output().split("Notification mails are off: no --smtp-host given", -1).length - 1,
                    "without --smtp-host the start says once that no mail is sent:\n" + launcher.output());
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(data.resolve("initial-admin-password")), "the password's file is 0600");
            assertTrue(launcher.port() > 0);
            WebClient person = new WebClient(launcher.baseUrl());
            WebClient.Page dashboard = person.login("admin", password);
            assertEquals("/admin/", dashboard.path());
            assertTrue(dashboard.text().contains("Welcome, admin"), dashboard.text());
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFileOf(data));
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), permissions, "key file is 0600");
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE),
                    Files.getPosixFilePermissions(data), "data directory is 0700");
        }
        try (LauncherProcess again = LauncherProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
            assertFalse(again.output().contains(password), "the password is never printed:\n" + again.output());
            assertTrue(again.output().contains("Warning: " + data.resolve("initial-admin-password") + " still holds"), again.output());
            assertEquals("/admin/", new WebClient(again.baseUrl()).login("admin", password).path());
        }
        LauncherProcess changed = LauncherProcess.runToEnd(Map.of(), "admin-own-password\n", "admin", "set-password", "admin",
                "--data", data.toString());
        assertEquals(0, changed.exitStatus(), changed.output());
        assertFalse(Files.exists(data.resolve("initial-admin-password")), "the first password's file goes with that password");
    }

    @Test
    void aWrongPasswordIsRefusedWithOneGenericMessage() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", temp.resolve("d").toString())) {
            WebClient person = new WebClient(launcher.baseUrl());
            WebClient.Page refused = person.login("admin", "not-the-password");
            assertEquals("/login", refused.path());
            assertTrue(refused.text().contains("Login failed"), refused.text());
            WebClient.Page unknown = new WebClient(launcher.baseUrl()).login("nobody", "not-the-password");
            assertEquals(refused.text(), unknown.text(), "unknown user and wrong password look the same");
        }
    }

    @Test
    void aMissingKeyFileForAnExistingDatabaseRefusesToStart() throws Exception {
        Path data = temp.resolve("data");
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data.toString())) {
            assertTrue(launcher.port() > 0);
        }
        Files.delete(keyFileOf(data));
        LauncherProcess refused = LauncherProcess.runToEnd(WITH_PASSWORD, null, "--port", "0", "--data", data.toString());
        assertEquals(1, refused.exitStatus(), refused.output());
        assertTrue(refused.output().contains("key file " + keyFileOf(data) + " is missing"), refused.output());
        assertFalse(Files.exists(keyFileOf(data)), "no new key was made for the old database");
        assertNoStackTrace(refused);
    }

    @Test
    void aBusyPortIsAClearErrorWithExitStatus1() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            LauncherProcess refused = LauncherProcess.runToEnd(WITH_PASSWORD, null,
                    "--port", Integer.toString(busy.getLocalPort()), "--data", temp.resolve("d").toString());
            assertEquals(1, refused.exitStatus(), refused.output());
            assertTrue(refused.output().contains("Port " + busy.getLocalPort() + " on 127.0.0.1 is already in use"), refused.output());
            assertNoStackTrace(refused);
        }
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithExitStatus1() throws Exception {
        LauncherProcess refused = LauncherProcess.runToEnd(WITH_PASSWORD, null, "--port", "0", "--data", temp.resolve("d").toString(),
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/test", "--jdbc-user", "postgres");
        assertEquals(1, refused.exitStatus(), refused.output());
        assertTrue(refused.output().contains("Cannot connect to the database at jdbc:postgresql://127.0.0.1:1/test"), refused.output());
        assertNoStackTrace(refused);
    }

    @Test
    void aBadFlagIsAUsageErrorAndHelpExplainsTheFlags() throws Exception {
        LauncherProcess bad = LauncherProcess.runToEnd(Map.of(), null, "--prot", "8080");
        assertEquals(2, bad.exitStatus());
        assertEquals("Error: Unknown option --prot. Run with --help to see the options.", bad.output().strip());
        LauncherProcess help = LauncherProcess.runToEnd(Map.of(), null, "--help");
        assertEquals(0, help.exitStatus());
        assertTrue(help.output().contains("--port N") && help.output().contains("--jdbc-url URL") && help.output().contains("keys rotate"),
                help.output());
    }

    @Test
    void adminCommandsWorkOnTheSameDatabase() throws Exception {
        String data = temp.resolve("data").toString();
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data)) {
            assertTrue(launcher.port() > 0);
        }
        LauncherProcess add = LauncherProcess.runToEnd(Map.of(), "dave-first-password\n", "admin", "add", "dave", "--name", "Dave Bowman",
                "--email", "dave@example.com", "--data", data);
        assertEquals(0, add.exitStatus(), add.output());
        LauncherProcess list = LauncherProcess.runToEnd(Map.of(), null, "admin", "list", "--data", data);
        assertEquals(0, list.exitStatus(), list.output());
        assertTrue(list.output().contains("dave") && list.output().contains("Dave Bowman") && list.output().contains("dave@example.com"),
                list.output());
        LauncherProcess setPassword = LauncherProcess.runToEnd(Map.of(), "dave-second-password\n", "admin", "set-password", "dave", "--data", data);
        assertEquals(0, setPassword.exitStatus(), setPassword.output());
        LauncherProcess unknown = LauncherProcess.runToEnd(Map.of(), null, "admin", "reset-2fa", "hal", "--data", data);
        assertEquals(1, unknown.exitStatus(), unknown.output());
        assertTrue(unknown.output().contains("no administrator named hal"), unknown.output());
        assertNoStackTrace(unknown);
        try (LauncherProcess launcher = LauncherProcess.start(Map.of(), "--port", "0", "--data", data)) {
            assertEquals("/login", new WebClient(launcher.baseUrl()).login("dave", "dave-first-password").path());
            assertEquals("/admin/", new WebClient(launcher.baseUrl()).login("dave", "dave-second-password").path());
        }
    }

    @Test
    void keysRotateKeepsSecretsReadableAndReset2faHelpsTheAdminWhoLostThePhone() throws Exception {
        String data = temp.resolve("data").toString();
        TotpCodes app;
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data)) {
            WebClient admin = new WebClient(launcher.baseUrl());
            admin.login("admin", PASSWORD);
            WebClient.Page enroll = admin.press(admin.get("/admin/setup/staff/administrators/edit?user=admin"), "Time-based Tokens (TOTP)", Map.of());
            app = TotpCodes.scan(enroll);
            WebClient.Page saved = admin.press(enroll, "Save Changes", Map.of("token_code", app.next()));
            assertTrue(saved.text().contains("Your recovery codes"), saved.text());
        }
        String keyBefore = Files.readString(keyFileOf(Path.of(data)));
        LauncherProcess rotate = LauncherProcess.runToEnd(Map.of(), null, "keys", "rotate", "--data", data);
        assertEquals(0, rotate.exitStatus(), rotate.output());
        assertTrue(rotate.output().contains("re-encrypted 1 secret"), rotate.output());
        assertFalse(rotate.output().contains(app.base32()), "no secret on the console");
        assertFalse(keyBefore.equals(Files.readString(keyFileOf(Path.of(data)))), "the key file gained a key");
        try (LauncherProcess launcher = LauncherProcess.start(Map.of(), "--port", "0", "--data", data)) {
            WebClient admin = new WebClient(launcher.baseUrl());
            WebClient.Page token = admin.login("admin", PASSWORD);
            assertTrue(token.path().startsWith("/totpguard/"), token.path());
            WebClient.Page in = admin.enterTokenCode(token, app.next());
            assertEquals("/admin/", in.path(), "the secret still works after the rotation: " + in.text());
        }
        LauncherProcess reset = LauncherProcess.runToEnd(Map.of(), null, "admin", "reset-2fa", "admin", "--data", data);
        assertEquals(0, reset.exitStatus(), reset.output());
        assertTrue(reset.output().contains("Two-factor authentication of admin was removed"), reset.output());
        try (LauncherProcess launcher = LauncherProcess.start(Map.of(), "--port", "0", "--data", data)) {
            assertEquals("/admin/", new WebClient(launcher.baseUrl()).login("admin", PASSWORD).path(), "password alone again");
            WebClient admin = new WebClient(launcher.baseUrl());
            admin.login("admin", PASSWORD);
            assertTrue(admin.get("/admin/setup/staff/audit-log").text().contains("RESET admin command line"), "the reset is audited");
        }
    }

    @Test
    void aCommandWhileTheServerHoldsTheBuiltInDatabaseSaysToStopItFirst() throws Exception {
        String data = temp.resolve("data").toString();
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data)) {
            LauncherProcess list = LauncherProcess.runToEnd(Map.of(), null, "admin", "list", "--data", data);
            assertEquals(1, list.exitStatus(), list.output());
            assertTrue(list.output().contains("Stop it first"), list.output());
            assertNoStackTrace(list);
            assertTrue(launcher.port() > 0);
        }
    }

    @Test
    void commandsOnADirectoryWithoutDatabaseSaySoAndCreateNothing() throws Exception {
        Path empty = temp.resolve("empty");
        LauncherProcess list = LauncherProcess.runToEnd(Map.of(), null, "admin", "list", "--data", empty.toString());
        assertEquals(1, list.exitStatus(), list.output());
        assertTrue(list.output().contains("no database in " + empty), list.output());
        assertFalse(Files.exists(empty));
    }

    /** The launcher's one kind of error: a line that starts with "Error: ", and no stack trace. */
    static void assertNoStackTrace(LauncherProcess process) {
        assertFalse(process.output().contains("\tat "), "a plain message, no stack trace:\n" + process.output());
        assertTrue(process.output().lines().anyMatch(line -> line.startsWith("Error: ")), process.output());
    }

    /** Where the launcher keeps the key of a --data directory by default: beside it, never inside it. */
    private static Path keyFileOf(Path data) {
        return data.resolveSibling(data.getFileName() + "-keys").resolve("totpguard.key");
    }

    @Test
    void theKeyIsKeptOutsideTheDataDirectoryAndTheDatabaseFilesAreOwnerOnly() throws Exception {
        Path data = temp.resolve("data");
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data.toString())) {
            assertTrue(launcher.port() > 0);
        }
        assertTrue(Files.exists(keyFileOf(data)), "key beside the data directory");
        assertFalse(Files.exists(data.resolve("totpguard.key")), "no key inside the data directory, so a backup of it holds no key");
        try (var files = Files.list(data)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file),
                        file + " is 0600");
            }
        }
    }

    @Test
    void aDataDirectoryOthersCanEnterOrAGroupReadableKeyRefusesToStart() throws Exception {
        Path data = temp.resolve("open");
        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LauncherProcess refused = LauncherProcess.runToEnd(WITH_PASSWORD, null, "--port", "0", "--data", data.toString());
        assertEquals(1, refused.exitStatus(), refused.output());
        assertTrue(refused.output().contains("chmod 700 " + data), refused.output());
        assertNoStackTrace(refused);

        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        try (LauncherProcess launcher = LauncherProcess.start(WITH_PASSWORD, "--port", "0", "--data", data.toString())) {
            assertTrue(launcher.port() > 0);
        }
        Files.setPosixFilePermissions(keyFileOf(data), PosixFilePermissions.fromString("rw-r-----"));
        LauncherProcess groupReadable = LauncherProcess.runToEnd(WITH_PASSWORD, null, "--port", "0", "--data", data.toString());
        assertEquals(1, groupReadable.exitStatus(), groupReadable.output());
        assertTrue(groupReadable.output().contains("chmod 600 " + keyFileOf(data)), groupReadable.output());
        assertNoStackTrace(groupReadable);
    }
}
