package dev.totpguard.example;

import dev.totpguard.config.TwoFactorServiceFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.TwoFactorService;
import dev.totpguard.otp.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a session with the launcher's {@code --shared-sessions}: two launcher processes (nodes "nodeA" and
 * "nodeB") on one PostgreSQL schema, sessions in its {@code JettySessions} table. One browser (one cookie jar, as
 * behind a load balancer on one host name) is sent to A, then to B:
 *
 * <ul>
 *   <li>signed in on A with password and code, B serves the admin pages without asking for a code;</li>
 *   <li>signed in on A with the password only, B asks for the code, and lets the browser in after it (and A then
 *       does too);</li>
 *   <li>logged out on A, the session cookie from before is worth nothing on B.</li>
 * </ul>
 *
 * The session holds the account's name, not its password (the launcher's {@code SessionLoginAuthenticator}); a node
 * that loads it signs it in again by name ({@code SessionLoginService}), and the filter's session markers decide
 * about the second factor. The test reads the session table and finds neither the password nor its stored hash in
 * any row, and counts the password checks (one PBKDF2 hash each) from both nodes' logs: one per login with the
 * password, none for {@value #REQUESTS} requests of the signed-in session spread over both nodes.
 */
class FailoverIT {

    private static final String PASSWORD = "failover-admin-password";
    /** Debug lines of the password step (one per password hashed) and of the name-only restore, counted below. */
    private static final String LOGGERS = "-Ddev.totpguard.example.login.PasswordLoginModule.LEVEL=DEBUG"
            + " -Ddev.totpguard.example.login.SessionLoginService.LEVEL=DEBUG";
    private static final String PASSWORD_CHECKED = "Checked a password";
    private static final String RESTORED = "Restored the login of admin from its stored session, without a password";
    private static final int REQUESTS = 20;

    @TempDir
    Path temp;

    @Test
    void aVerifiedSessionAndAHalfAuthenticatedOneContinueOnTheOtherNodeAndALoggedOutOneDoesNot() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create("tg_failover")) {
            run(schema.jdbcUrl());
        }
    }

    private void run(String jdbcUrl) throws Exception {
        String keyFile = temp.resolve("shared.key").toString();
        try (LauncherProcess a = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD, "JAVA_TOOL_OPTIONS", LOGGERS), "--port", "0",
                "--data", temp.resolve("a").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile,
                "--shared-sessions", "--node-name", "nodeA");
             LauncherProcess b = LauncherProcess.start(Map.of("JAVA_TOOL_OPTIONS", LOGGERS), "--port", "0",
                     "--data", temp.resolve("b").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile,
                     "--shared-sessions", "--node-name", "nodeB");
             TwoFactorService store = TwoFactorServiceFactory.fromSettings(Map.of(TotpGuardSettings.JDBC_URL, jdbcUrl,
                     TotpGuardSettings.JDBC_USER, "postgres", TotpGuardSettings.KEY_FILE, keyFile,
                     TotpGuardSettings.JDBC_POOL_SIZE, "2"))) {
            for (LauncherProcess node : new LauncherProcess[] {a, b}) {
                assertTrue(node.output().contains("Sessions are shared"), node.output());
            }
            Totp totp = Totp.builder().build();
            byte[] secret = TotpCodes.enrollThroughService(store, "admin", totp);
            // Enrolled with step s - 1, so steps s and s + 1 are unused and both inside the window.
            long s = totp.currentStep();

            // 1. Verified on A (password, then code s), then the same browser at B.
            WebClient onA = new WebClient(a.baseUrl());
            WebClient.Page verified = onA.enterTokenCode(onA.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(secret, s));
            assertEquals("/admin/", verified.path(), verified.text());
            String idFromA = onA.sessionId().orElseThrow();
            assertTrue(idFromA.endsWith(".nodeA"), "A appends its node name: " + idFromA);
            assertEquals(1, count(a, PASSWORD_CHECKED) + count(b, PASSWORD_CHECKED), "one login, one password hashed");
            assertSessionTableHoldsNoPassword(jdbcUrl);

            WebClient sameOnB = onA.sameBrowserAt(b.baseUrl());
            WebClient.Page onB = sameOnB.get("/admin/");
            assertEquals(200, onB.status());
            assertEquals("/admin/", onB.path(), "B asked again for something: " + onB.redirects() + " " + onB.text());
            WebClient.Page administrators = sameOnB.click(sameOnB.click(sameOnB.click(onB, "Setup"), "Staff Management"), "Administrators");
            assertEquals("/admin/setup/staff/administrators", administrators.path(), administrators.text());
            assertTrue(administrators.text().contains("admin Administrator admin@example.com Enabled (Time-based Tokens)"), administrators.text());
            // B loaded the session and signed it in again by name: no password, no hash, no code checked or counted.
            assertTrue(count(b, RESTORED) > 0, "B did not restore the login from the session:\n" + b.output());
            assertFalse(a.output().contains(PASSWORD) || b.output().contains(PASSWORD), "a log shows the password");
            assertEquals(0, store.status("admin").failureCount(), "B's restore counted as a failed code");
            String idOnB = sameOnB.sessionId().orElseThrow();
            // Jetty keeps the session's id and only puts its own node name on it.
            assertEquals(base(idFromA), base(idOnB), "B kept the session, not a new one");
            String suffixOnB = idOnB.substring(idOnB.lastIndexOf('.') + 1);

            // The signed-in session, moved between the nodes at every request: each node loads it from the database
            // each time (the cache keeps it only while a request runs) and hashes no password for it.
            WebClient sameOnA = onA;
            for (int request = 0; request < REQUESTS; request++) {
                WebClient node = request % 2 == 0 ? sameOnB : sameOnA;
                WebClient.Page page = node.get(request % 4 < 2 ? "/admin/" : "/admin/setup/staff/audit-log");
                assertEquals(200, page.status(), page.text());
                assertTrue(page.path().startsWith("/admin/"), "request " + request + " was asked for something: " + page.redirects());
            }
            assertEquals(1, count(a, PASSWORD_CHECKED) + count(b, PASSWORD_CHECKED),
                    REQUESTS + " requests of a signed-in session on both nodes hashed no password");
            assertTrue(count(a, RESTORED) >= REQUESTS / 2 - 1 && count(b, RESTORED) >= REQUESTS / 2,
                    "each node restored the login when it loaded the session: A " + count(a, RESTORED) + ", B " + count(b, RESTORED));

            // 2. Half-authenticated on A (password only), asked for the code on B, let in after the code on B.
            WebClient halfOnA = new WebClient(a.baseUrl());
            halfOnA.loginToTokenPage("admin", PASSWORD);
            assertEquals(2, count(a, PASSWORD_CHECKED) + count(b, PASSWORD_CHECKED), "the second login hashed its password once");
            WebClient halfOnB = halfOnA.sameBrowserAt(b.baseUrl());
            WebClient.Page askedOnB = halfOnB.get("/admin/");
            assertTrue(askedOnB.path().startsWith("/totpguard/"), "B let a password-only session in: " + askedOnB.path());
            WebClient.Page inOnB = halfOnB.enterTokenCode(askedOnB, totp.generateAtStep(secret, s + 1));
            assertEquals("/admin/", inOnB.path(), inOnB.text());
            WebClient.Page backOnA = halfOnA.get("/admin/");
            assertEquals("/admin/", backOnA.path(), "the code typed on B counts on A: " + backOnA.text());
            WebClient replay = new WebClient(a.baseUrl());
            assertNotEquals("/admin/", replay.enterTokenCode(replay.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(secret, s + 1)).path(),
                    "B checked its code against the shared store: A refuses it as a replay");

            // 3. Logged out on A: the cookie from before is not let in on B (nor on A).
            String beforeLogout = onA.sessionId().orElseThrow();
            WebClient.Page loggedOut = onA.logout(onA.get("/admin/"));
            assertFalse(loggedOut.path().startsWith("/admin"), loggedOut.path());
            for (LauncherProcess node : new LauncherProcess[] {b, a}) {
                WebClient replaying = new WebClient(node.baseUrl());
                replaying.useSessionId(beforeLogout);
                WebClient.Page refused = replaying.get("/admin/");
                assertEquals("/login", refused.path(), "the logged-out session on " + node.baseUrl() + ": " + refused.text());
            }
            assertSessionTableHoldsNoPassword(jdbcUrl);
            int hashes = count(a, PASSWORD_CHECKED) + count(b, PASSWORD_CHECKED);
            assertEquals(3, hashes, "three logins with the password (on A, half-authenticated on A, the replay on A), no other hash");
            System.out.printf("FailoverIT: verified session from A served by B (id suffix .nodeA -> .%s, same session), "
                    + "%d requests moved between the nodes with 0 passwords hashed (%d hashes for 3 logins; %d + %d name-only restores on A + B), "
                    + "half-authenticated session from A asked for the code on B and let in after it, logged-out cookie refused "
                    + "on both; no password and no password hash in the session table%n", suffixOnB, REQUESTS, hashes,
                    count(a, RESTORED), count(b, RESTORED));
        }
    }

    /** The id without the node name Jetty appends after a dot. */
    private static String base(String sessionId) {
        int dot = sessionId.lastIndexOf('.');
        return dot < 0 ? sessionId : sessionId.substring(0, dot);
    }

    /** How many lines of a node's output contain {@code text}. */
    private static int count(LauncherProcess node, String text) {
        return (int) node.output().lines().filter(line -> line.contains(text)).count();
    }

    /**
     * No stored session holds admin's password or the hash the user table keeps for it (whole, or its last part,
     * the derived key): the session table is not a password store.
     */
    private static void assertSessionTableHoldsNoPassword(String jdbcUrl) throws Exception {
        String hash;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresSchema.USER, "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT password_hash FROM totpguard_user WHERE username = 'admin'")) {
            assertTrue(result.next());
            hash = result.getString(1);
        }
        String derivedKey = hash.substring(hash.lastIndexOf('$') + 1);
        assertTrue(derivedKey.length() >= 16, "the stored hash has the form ...$key: " + hash.length() + " characters");
        List<byte[]> secrets = List.of(PASSWORD.getBytes(StandardCharsets.UTF_8), PASSWORD.getBytes(StandardCharsets.UTF_16BE),
                hash.getBytes(StandardCharsets.UTF_8), derivedKey.getBytes(StandardCharsets.UTF_8));
        int rows = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresSchema.USER, "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT map FROM jettysessions")) {
            while (result.next()) {
                rows++;
                byte[] map = result.getBytes(1);
                for (byte[] secret : secrets) {
                    assertEquals(-1, map == null ? -1 : indexOf(map, secret), "a stored session holds the password or its hash");
                }
            }
        }
        assertTrue(rows > 0, "no session rows in the shared table");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
