package dev.totpguard.example;

import dev.totpguard.config.TwoFactorServiceFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.otp.Totp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered deployment: two launcher processes (separate JVMs, separate connection pools) on two loopback
 * ports, one PostgreSQL database (a schema of its own for this run, dropped afterwards). A code accepted on A
 * is refused on B and the reverse; failures on A and B add up to one lockout that both enforce; an operator's
 * 2FA reset through A's admin pages ("Administrators" &gt; "Edit" &gt; "Disable" &gt; confirm) is seen by B at the
 * next request of a session B already had, and at B's next login; and the same valid code posted to A and B at
 * the same moment, round after round, is accepted exactly once. For the rounds, the second factor is enrolled
 * and reset through a third {@link TwoFactorService} on the same database and key file (what the admin pages and
 * the {@code admin reset-2fa} command call), so each round has a fresh secret and a fresh code at once instead of
 * waiting 30 seconds for the next time step.
 */
class TwoNodeIT {

    private static final String PASSWORD = "two-node-admin-password";
    private static final String OPERATOR_PASSWORD = "two-node-operator-password";
    private static final int RACE_ROUNDS = 8;

    @TempDir
    Path temp;

    @Test
    void twoNodesShareReplayLockoutResetAndAcceptASimultaneousCodeOnce() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create("tg_harden")) {
            run(schema.jdbcUrl());
        }
    }

    private void run(String jdbcUrl) throws Exception {
        String keyFile = temp.resolve("shared.key").toString();
        try (LauncherProcess a = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0",
                "--data", temp.resolve("a").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile);
             LauncherProcess b = LauncherProcess.start(Map.of(), "--port", "0",
                     "--data", temp.resolve("b").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile);
             TwoFactorService store = TwoFactorServiceFactory.fromSettings(Map.of(TotpGuardSettings.JDBC_URL, jdbcUrl,
                     TotpGuardSettings.JDBC_USER, "postgres", TotpGuardSettings.KEY_FILE, keyFile,
                     TotpGuardSettings.JDBC_POOL_SIZE, "2"))) {
            // A colleague with a second factor of their own (the privileged actions need one), who will later reset
            // admin's factor on A. Added the way "admin add" and "Add New Administrator" add one.
            try (HikariDataSource dataSource = DataSources.open(jdbcUrl, Optional.of(PostgresSchema.USER), Optional.empty(), 1)) {
                assertTrue(new AdminAccounts(dataSource, PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build(), Clock.systemUTC())
                        .add("operator", "Operator", "operator@example.com", OPERATOR_PASSWORD.toCharArray()));
            }
            byte[] operatorSecret = TotpCodes.enrollThroughService(store, "operator", Totp.builder().build());

            Totp totp = Totp.builder().build();
            byte[] secret = TotpCodes.enrollThroughService(store, "admin", totp);

            // Replay across nodes, both ways: steps s and s+1 are both inside the window.
            long s = totp.currentStep();
            WebClient a1 = new WebClient(a.baseUrl());
            assertEquals("/admin/", a1.enterTokenCode(a1.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(secret, s)).path());
            WebClient b1 = new WebClient(b.baseUrl());
            WebClient.Page replayOnB = b1.enterTokenCode(b1.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(secret, s));
            assertNotEquals("/admin/", replayOnB.path(), "the code accepted on A was accepted again on B");
            assertEquals("/admin/", b1.enterTokenCode(replayOnB, totp.generateAtStep(secret, s + 1)).path());
            WebClient a2 = new WebClient(a.baseUrl());
            WebClient.Page onA = a2.enterTokenCode(a2.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(secret, s + 1));
            assertNotEquals("/admin/", onA.path(), "the code accepted on B was accepted again on A");
            // B's acceptance reset the count; the replay on A is failure 1.
            assertEquals(1, store.status("admin").failureCount(), "a replay counts as a failure");

            // Failures on both nodes add up to one lock (5 by default), set here by A's last one, which B enforces.
            WebClient b2 = new WebClient(b.baseUrl());
            WebClient.Page onB = b2.enterTokenCode(b2.loginToTokenPage("admin", PASSWORD), "999999");
            onA = a2.enterTokenCode(onA, "000000");
            onB = b2.enterTokenCode(onB, "121212");
            assertTrue(store.status("admin").lockedUntil().isEmpty(), "locked after 4 failures");
            onA = a2.enterTokenCode(onA, "123123");
            assertTrue(store.status("admin").lockedUntil().isPresent(), "5 failures over two nodes lock the account");
            WebClient.Page lockedOnB = b2.enterTokenCode(onB, totp.generateAtStep(secret, totp.currentStep() + 1));
            assertEquals(429, lockedOnB.status(), "the lock set on A holds on B: " + lockedOnB.text());
            assertEquals(429, a2.enterTokenCode(onA, "424242").status());

            // The operator resets admin's second factor through A's admin pages. B's session that was waiting for
            // admin's code lets admin in at its next request, and B's next login asks for no code (enforcement is
            // off by default).
            WebClient operator = new WebClient(a.baseUrl());
            WebClient.Page signedIn = operator.enterTokenCode(operator.loginToTokenPage("operator", OPERATOR_PASSWORD),
                    totp.generateAtStep(operatorSecret, totp.currentStep()));
            WebClient.Page staff = operator.click(operator.click(signedIn, "Setup"), "Staff Management");
            WebClient.Page adminRow = operator.click(staff, "Administrators");
            assertTrue(adminRow.text().contains("admin Administrator admin@example.com Enabled (Time-based Tokens), locked"), adminRow.text());
            WebClient.Page edit = operator.get(adminRow.document().select("tr").stream().filter(row -> row.text().startsWith("admin "))
                    .findFirst().orElseThrow().selectFirst("a:containsOwn(Edit)").absUrl("href"));
            WebClient.Page confirm = operator.click(edit, "Disable");
            WebClient.Page done = operator.press(confirm, "Disable two-factor authentication for admin", Map.of());
            assertTrue(done.text().contains("Two-factor authentication was removed"), done.text());
            assertTrue(done.text().contains("Status: Not enabled"), done.text());
            assertEquals(TwoFactorStatus.State.NONE, store.status("admin").state(), "A's admin page reset the shared store");
            WebClient.Page nextOnB = b2.get("/admin/");
            assertEquals("/admin/", nextOnB.path(), "B's waiting session, at its next request: " + nextOnB.text());
            assertEquals("/admin/", new WebClient(b.baseUrl()).login("admin", PASSWORD).path(), "B still asks for the reset factor");

            // The same valid code to A and B at the same moment: exactly one acceptance, every round.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < RACE_ROUNDS; round++) {
                    store.reset("admin", "TwoNodeIT");
                    byte[] fresh = TotpCodes.enrollThroughService(store, "admin", totp);
                    List<WebClient> clients = List.of(new WebClient(a.baseUrl()), new WebClient(b.baseUrl()));
                    List<WebClient.Page> pages = new ArrayList<>();
                    for (WebClient client : clients) {
                        WebClient.Page page = client.login("admin", PASSWORD);
                        assertTrue(page.path().startsWith("/totpguard/"), page.path());
                        pages.add(page);
                    }
                    String code = totp.generateAtStep(fresh, totp.currentStep());
                    CyclicBarrier together = new CyclicBarrier(2);
                    List<Future<WebClient.Page>> results = new ArrayList<>();
                    for (int node = 0; node < 2; node++) {
                        WebClient client = clients.get(node);
                        WebClient.Page page = pages.get(node);
                        results.add(pool.submit(() -> {
                            together.await(10, TimeUnit.SECONDS);
                            return client.enterTokenCode(page, code);
                        }));
                    }
                    int accepted = 0;
                    for (Future<WebClient.Page> result : results) {
                        WebClient.Page page = result.get(60, TimeUnit.SECONDS);
                        assertTrue(page.status() < 500, page.text());
                        accepted += page.path().equals("/admin/") ? 1 : 0;
                    }
                    assertEquals(1, accepted, "round " + round + ": one code, two nodes, one acceptance");
                }
            } finally {
                pool.shutdownNow();
            }
            // The operator changes admin's password with the command line (a third process on the same database): admin's
            // verified sessions end on both running nodes, which answer from memory until their value for the account
            // is older than totpguard.sessions.refresh (10 s), so no database read per request. No clock can be set in
            // these processes: the test waits for the end, with a deadline.
            store.reset("admin", "TwoNodeIT");
            byte[] last = TotpCodes.enrollThroughService(store, "admin", totp);
            long step = totp.currentStep();
            WebClient verifiedOnA = new WebClient(a.baseUrl());
            assertEquals("/admin/", verifiedOnA.enterTokenCode(verifiedOnA.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(last, step)).path());
            WebClient verifiedOnB = new WebClient(b.baseUrl());
            assertEquals("/admin/", verifiedOnB.enterTokenCode(verifiedOnB.loginToTokenPage("admin", PASSWORD), totp.generateAtStep(last, step + 1)).path());
            // A session that gave the old password and not the code yet ends too (pen test): it never gets to use a code.
            WebClient halfSignedInOnB = new WebClient(b.baseUrl());
            assertTrue(halfSignedInOnB.loginToTokenPage("admin", PASSWORD).path().startsWith("/totpguard/"));
            LauncherProcess changed = LauncherProcess.runToEnd(Map.of(), "two-node-new-password\n", "admin", "set-password", "admin",
                    "--data", temp.resolve("cli").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--key-file", keyFile);
            assertEquals(0, changed.exitStatus(), changed.output());
            long changedAt = System.nanoTime();
            double endedOnA = secondsUntilSignedOut(verifiedOnA, changedAt);
            double endedOnB = secondsUntilSignedOut(verifiedOnB, changedAt);
            double endedHalfOnB = secondsUntilSignedOut(halfSignedInOnB, "/totpguard/token", changedAt);
            assertEquals("/login", new WebClient(a.baseUrl()).get("/admin/").path(), "a new visitor signs in");

            System.out.printf("TwoNodeIT: replay refused both ways, 5 failures over 2 nodes locked both, reset on A's admin page seen by B, "
                    + "%d simultaneous rounds with exactly one acceptance each, password change ended the verified sessions on A after"
                    + " %.1f s and on B after %.1f s, a session on B's code page after %.1f s (bound 10 s)%n", RACE_ROUNDS, endedOnA, endedOnB,
                    endedHalfOnB);
        }
    }

    /** Requests an admin page until the session is sent to sign in; fails if that takes longer than the bound and a margin. */
    private static double secondsUntilSignedOut(WebClient session, long sinceNanos) throws Exception {
        return secondsUntilSignedOut(session, "/admin/", sinceNanos);
    }

    /** The same for a session that {@code path} shows until it ends. */
    private static double secondsUntilSignedOut(WebClient session, String path, long sinceNanos) throws Exception {
        long deadline = sinceNanos + TimeUnit.SECONDS.toNanos(10 + 5);
        while (true) {
            WebClient.Page page = session.get(path);
            if (!page.path().equals(path)) {
                assertEquals("/login", page.path(), "a revoked session signs in again: " + page.text());
                return (System.nanoTime() - sinceNanos) / 1e9;
            }
            assertTrue(System.nanoTime() < deadline, "the session on " + path + " outlived the password change by more than 15 s");
            Thread.sleep(250);
        }
    }
}
