package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TotpGuardSettings;
import dev.totpguard.TwoFactorService;
import dev.totpguard.otp.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * B re-runs the JAAS login with the credentials stored in the session (Jetty's {@code SessionAuthentication});
 * these tests show that the stack (password REQUISITE, TOTP OPTIONAL) accepts that re-login and that the filter's
 * session markers, not the re-login, decide about the second factor. They also show the cost the README names: the
 * password is in the session table.
 */
class FailoverIT {

    private static final String PASSWORD = "failover-admin-password";
    private static final String RELOGIN_LOGGER = "org.eclipse.jetty.security.authentication.SessionAuthentication";

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
        try (LauncherProcess a = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0",
                "--data", temp.resolve("a").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile,
                "--shared-sessions", "--node-name", "nodeA");
             // Jetty's debug line for SessionAuthentication shows B re-running the JAAS login when it loads a session.
             LauncherProcess b = LauncherProcess.start(Map.of("JAVA_TOOL_OPTIONS", "-D" + RELOGIN_LOGGER + ".LEVEL=DEBUG"), "--port", "0",
                     "--data", temp.resolve("b").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile,
                     "--shared-sessions", "--node-name", "nodeB");
             TwoFactorService store = TwoFactorService.fromSettings(Map.of(TotpGuardSettings.JDBC_URL, jdbcUrl,
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
            assertSessionTableHoldsThePassword(jdbcUrl);

            WebClient sameOnB = onA.sameBrowserAt(b.baseUrl());
            WebClient.Page onB = sameOnB.get("/admin/");
            assertEquals(200, onB.status());
            assertEquals("/admin/", onB.path(), "B asked again for something: " + onB.redirects() + " " + onB.text());
            WebClient.Page administrators = sameOnB.click(sameOnB.click(sameOnB.click(onB, "Setup"), "Staff Management"), "Administrators");
            assertEquals("/admin/setup/staff/administrators", administrators.path(), administrators.text());
            assertTrue(administrators.text().contains("admin Administrator admin@example.com Enabled (Time-based Tokens)"), administrators.text());
            WebClient anon = new WebClient(b.baseUrl());
            anon.get("/login");
            // B loaded the session, re-ran the JAAS login with the stored password and no code (the TOTP module is
            // OPTIONAL and is given no code then), and counted nothing against admin. With no session cache this
            // happens at every request (each one about 140 ms on 2 cores, PBKDF2): see README, "Running a cluster".
            assertTrue(b.output().contains("Deserialized and relogged in"), "B did not re-run the login:\n" + b.output());
            assertFalse(b.output().contains(PASSWORD), "B's log shows the password");
            assertEquals(0, store.status("admin").failureCount(), "B's re-login counted as a failed code");
            String idOnB = sameOnB.sessionId().orElseThrow();
            // Jetty keeps the session's id and only puts its own node name on it.
            assertEquals(base(idFromA), base(idOnB), "B kept the session, not a new one");
            String suffixOnB = idOnB.substring(idOnB.lastIndexOf('.') + 1);

            // 2. Half-authenticated on A (password only), asked for the code on B, let in after the code on B.
            WebClient halfOnA = new WebClient(a.baseUrl());
            halfOnA.loginToTokenPage("admin", PASSWORD);
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
            System.out.printf("FailoverIT: verified session from A served by B (id suffix .nodeA -> .%s, same session), "
                    + "half-authenticated session from A asked for the code on B and let in after it, logged-out cookie refused "
                    + "on both; the password is in the session table%n", suffixOnB);
        }
    }

    /** The id without the node name Jetty appends after a dot. */
    private static String base(String sessionId) {
        int dot = sessionId.lastIndexOf('.');
        return dot < 0 ? sessionId : sessionId.substring(0, dot);
    }

    /**
     * The cost README and SECURITY.md name: Jetty's FORM login keeps the password in the session, so the stored,
     * Java-serialized session holds it in clear.
     */
    private static void assertSessionTableHoldsThePassword(String jdbcUrl) throws Exception {
        byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
        int rows = 0;
        boolean found = false;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresSchema.USER, "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT map FROM jettysessions")) {
            while (result.next()) {
                rows++;
                byte[] map = result.getBytes(1);
                found |= map != null && indexOf(map, password) >= 0;
            }
        }
        assertTrue(rows > 0, "no session rows in the shared table");
        assertTrue(found, "the stored session does not hold the password (did Jetty stop keeping it?)");
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
