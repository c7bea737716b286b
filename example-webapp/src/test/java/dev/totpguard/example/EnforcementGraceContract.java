package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.store.AccountKey;
import dev.totpguard.store.GraceRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grace period of "Require two-factor authentication" in the example (issue 17), over real HTTP against the
 * launcher jar started with {@code --grace-days 14 --grace-sign-ins 3} on a scratch database, checked against the three
 * bugs GitLab's tracker has: a period that restarts (signing out and in, restarting the application), one that never
 * ends (its sign-ins used up, its days passed), and one that an administrator added after the setting was turned on
 * gets beyond what the rule gives (the period runs from being added, not from the first sign-in). A database that
 * cannot tell where an administrator stands serves no page (503), never one "within the grace".
 *
 * <p>Days pass as they do for a running installation: the instants the database holds (when the setting was turned on,
 * when each period started, when each administrator was added) are moved back, and the application is restarted where
 * it keeps one of them in memory. Subclasses name the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class EnforcementGraceContract {

    private static final String PASSWORD = "grace-admin-password";
    private static final String COLLEAGUE_PASSWORD = "grace-colleague-password";
    private static final String EDIT = "/admin/setup/staff/administrators/edit";
    private static final String GRACE_TABLE = "totpguard_enrollment_grace";
    private static final Duration FIFTEEN_DAYS = Duration.ofDays(15);

    private ScratchDatabase database;
    private Path temp;
    private LauncherProcess launcher;
    private DataSource dataSource;
    private AdminAccounts accounts;
    private WebClient admin;
    private TotpCodes adminApp;

    /** A new scratch database for this run. */
    abstract ScratchDatabase scratchDatabase() throws SQLException;

    @BeforeAll
    void startTheExample(@TempDir Path folder) throws Exception {
        temp = folder;
        database = scratchDatabase();
        launcher = start();
        dataSource = DataSources.open(database.jdbcUrl(), Optional.of(database.user()), Optional.empty(), 2);
        accounts = new AdminAccounts(dataSource, PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build(), Clock.systemUTC());
        // Colleagues added before the setting is turned on: their periods start when it is.
        for (String colleague : new String[] {"bob", "carol"}) {
            assertTrue(accounts.add(colleague, colleague + " Example", colleague + "@example.com", COLLEAGUE_PASSWORD.toCharArray()));
        }
    }

    private LauncherProcess start() throws Exception {
        return LauncherProcess.startNode(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), temp.resolve("data"), database,
                temp.resolve("example.key").toString(), "--grace-days", "14", "--grace-sign-ins", "3");
    }

    private void restart() throws Exception {
        launcher.close();
        launcher = start();
    }

    @AfterAll
    void stopTheExample() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
        if (dataSource instanceof AutoCloseable closeable) {
            closeable.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private WebClient person() {
        return new WebClient(launcher.baseUrl());
    }

    @Test
    @Order(1)
    void turningTheSettingOnStartsThePeriodAndWithinItTheAdminPagesOpenWithTheBanner() throws Exception {
        admin = person();
        assertEquals("/admin/", admin.login("admin", PASSWORD).path());
        WebClient.Page enroll = admin.press(admin.get(EDIT + "?user=admin"), "Time-based Tokens (TOTP)", Map.of());
        adminApp = TotpCodes.scan(enroll);
        admin.press(enroll, "Save Changes", Map.of("token_code", adminApp.next()));
        WebClient.Page settings = admin.get("/admin/setup/security");
        assertTrue(settings.text().contains("grace period first (14 days or 3 sign-ins, whichever comes first)"), settings.text());
        assertTrue(startedAt(GraceRecord.ENFORCEMENT_KEY).isEmpty(), "nothing started before the setting is on");
        Instant before = Instant.now();
        WebClient.Page on = admin.press(settings, "Turn on", Map.of());
        assertTrue(on.text().contains("Now: On"), on.text());
        Instant enforced = startedAt(GraceRecord.ENFORCEMENT_KEY).orElseThrow(() -> new AssertionError("turning it on starts nothing"));
        assertTrue(!enforced.isBefore(before.minusSeconds(1)) && !enforced.isAfter(Instant.now()), "started when turned on: " + enforced);

        WebClient bob = person();
        WebClient.Page dashboard = bob.login("bob", COLLEAGUE_PASSWORD);
        assertEquals("/admin/", dashboard.path(), "within the grace the password opens the admin pages: " + dashboard.text());
        assertBanner(dashboard, "Two-factor authentication will be required in 14 days or after 2 more sign-ins, whichever comes first.");
        assertEquals(EDIT + "?user=bob#two-factor", dashboard.document().selectFirst(".banner.grace a").attr("href"));
        for (String page : new String[] {"/admin/setup/staff/administrators", "/admin/setup/staff/audit-log", "/admin/help"}) {
            WebClient.Page open = bob.get(page);
            assertEquals(page, open.path(), open.text());
            // Every request of one sign-in counts once.
            assertBanner(open, "Two-factor authentication will be required in 14 days or after 2 more sign-ins, whichever comes first.");
        }
        assertEquals(403, bob.get("/admin/setup/security").status(), "a privileged page still needs bob's own second factor");
        assertEquals(enforced, startedAt(AccountKey.of("bob")).orElseThrow(), "bob's period started when the setting was turned on");
        bob.logout(bob.get("/admin/"));
    }

    @Test
    @Order(2)
    void neitherSigningInAgainNorRestartingTheApplicationStartsThePeriodAgain() throws Exception {
        Instant bobStarted = startedAt(AccountKey.of("bob")).orElseThrow();
        WebClient bob = person();
        assertBanner(bob.login("bob", COLLEAGUE_PASSWORD),
                "Two-factor authentication will be required in 14 days or after 1 more sign-in, whichever comes first.");
        restart();
        WebClient.Page third = person().login("bob", COLLEAGUE_PASSWORD);
        assertEquals("/admin/", third.path(), third.text());
        assertBanner(third, "Two-factor authentication will be required in 14 days or from your next sign-in, whichever comes first.");
        assertEquals(bobStarted, startedAt(AccountKey.of("bob")).orElseThrow(), "the same start after a restart");
    }

    @Test
    @Order(3)
    void withItsSignInsUsedUpEveryAdminPageLeadsToTheSetUp() throws Exception {
        WebClient bob = person();
        WebClient.Page fourth = bob.login("bob", COLLEAGUE_PASSWORD);
        assertSentToSetUp(fourth, "bob");
        for (String page : new String[] {"/admin/", "/admin/setup/staff/administrators", "/admin/setup/staff/audit-log"}) {
            assertSentToSetUp(bob.get(page), "bob");
        }
        restart();
        assertSentToSetUp(person().login("bob", COLLEAGUE_PASSWORD), "bob");
    }

    @Test
    @Order(4)
    void withItsDaysPassedEveryAdminPageLeadsToTheSetUpEvenWithinTheSameSignIn() throws Exception {
        WebClient carol = person();
        WebClient.Page first = carol.login("carol", COLLEAGUE_PASSWORD);
        assertEquals("/admin/", first.path(), first.text());
        assertBanner(first, "Two-factor authentication will be required in 14 days or after 2 more sign-ins, whichever comes first.");
        moveBack(FIFTEEN_DAYS, "UPDATE " + GRACE_TABLE + " SET started_at = started_at - ? WHERE account_key = ?", AccountKey.of("carol"));
        assertSentToSetUp(carol.get("/admin/setup/staff/administrators"), "carol");
        assertSentToSetUp(person().login("carol", COLLEAGUE_PASSWORD), "carol");
    }

    @Test
    @Order(5)
    void anAdministratorAddedAfterTheSettingWasTurnedOnHasAPeriodFromBeingAddedNotFromTheFirstSignIn() throws Exception {
        assertTrue(accounts.add("dave", "Dave Example", "dave@example.com", COLLEAGUE_PASSWORD.toCharArray()));
        launcher.close();
        // Fifteen days pass with the application stopped: dave, added after the setting, has not signed in since.
        moveBack(FIFTEEN_DAYS, "UPDATE " + GRACE_TABLE + " SET started_at = started_at - ?");
        moveBack(FIFTEEN_DAYS, "UPDATE tg_example_admin SET created_at_ms = created_at_ms - ?");
        launcher = start();
        assertSentToSetUp(person().login("dave", COLLEAGUE_PASSWORD), "dave");

        // Added today, erin has the full period, from today.
        assertTrue(accounts.add("erin", "Erin Example", "erin@example.com", COLLEAGUE_PASSWORD.toCharArray()));
        WebClient.Page erin = person().login("erin", COLLEAGUE_PASSWORD);
        assertEquals("/admin/", erin.path(), erin.text());
        assertBanner(erin, "Two-factor authentication will be required in 14 days or after 2 more sign-ins, whichever comes first.");
    }

    @Test
    @Order(6)
    void turningTheSettingOffAndOnAgainGivesNobodyANewPeriod() throws Exception {
        Instant enforced = startedAt(GraceRecord.ENFORCEMENT_KEY).orElseThrow();
        admin = person();
        WebClient.Page token = admin.loginToTokenPage("admin", PASSWORD);
        admin.enterTokenCode(token, adminApp.next());
        WebClient.Page off = admin.press(admin.get("/admin/setup/security"), "Turn off", Map.of());
        assertTrue(off.text().contains("Now: Off"), off.text());
        assertEquals("/admin/", person().login("carol", COLLEAGUE_PASSWORD).path(), "off: the password alone, as before");
        WebClient.Page on = admin.press(admin.get("/admin/setup/security"), "Turn on", Map.of());
        assertTrue(on.text().contains("Now: On"), on.text());
        assertEquals(enforced, startedAt(GraceRecord.ENFORCEMENT_KEY).orElseThrow());
        assertSentToSetUp(person().login("carol", COLLEAGUE_PASSWORD), "carol");
        assertSentToSetUp(person().login("dave", COLLEAGUE_PASSWORD), "dave");
    }

    @Test
    @Order(7)
    void whenTheDatabaseCannotSayWhereAnAdministratorStandsNoPageIsServed() throws Exception {
        WebClient erin = person();
        assertEquals("/admin/", erin.login("erin", COLLEAGUE_PASSWORD).path());
        execute("ALTER TABLE " + GRACE_TABLE + " RENAME TO " + GRACE_TABLE + "_away");
        try {
            WebClient.Page refused = erin.get("/admin/setup/staff/administrators");
            assertEquals(503, refused.status(), "never let through as within the grace: " + refused.text());
            assertTrue(refused.document().select(".banner.grace").isEmpty(), refused.text());
        } finally {
            execute("ALTER TABLE " + GRACE_TABLE + "_away RENAME TO " + GRACE_TABLE);
        }
        assertEquals("/admin/setup/staff/administrators", erin.get("/admin/setup/staff/administrators").path());
    }

    /**
     * With the setting on, an enrolled administrator cannot turn their own second factor off (attacker's pass: "Turn
     * off" answered 200, notice=disabled, and the account was then password-only within the grace): the Edit page
     * offers no form but says why, and the POST with a right code is refused (403) and changes nothing.
     */
    @Test
    @Order(8)
    void withTheSettingOnNobodyTurnsTheirOwnSecondFactorOff() throws Exception {
        WebClient.Page edit = admin.get(EDIT + "?user=admin");
        assertEquals(200, edit.status(), edit.text());
        assertTrue(edit.document().select("form[action$=two-factor/disable]").isEmpty(), "no Turn off form: " + edit.text());
        assertTrue(edit.text().contains("Two-factor authentication is required for all administrators, so you cannot turn yours off."),
                edit.text());
        String csrf = edit.document().select("input[name=totpguard_csrf]").val();
        java.net.http.HttpResponse<String> refused = admin.raw("POST", "/admin/setup/staff/administrators/two-factor/disable",
                "totpguard_csrf=" + csrf + "&token_code=" + adminApp.next());
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("so you cannot turn yours off"), refused.body());
        person().loginToTokenPage("admin", PASSWORD);
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private static void assertBanner(WebClient.Page page, String expected) {
        assertEquals(1, page.document().select(".banner").size(), page.text());
        assertEquals(expected, page.document().selectFirst(".banner.grace").ownText(), page.text());
    }

    private static void assertSentToSetUp(WebClient.Page page, String user) {
        assertEquals(EDIT, page.path(), "after the grace: the set-up, " + page.text());
        assertEquals("user=" + user, page.uri().getQuery());
        assertTrue(page.document().select(".banner.grace").isEmpty(), page.text());
    }

    private Optional<Instant> startedAt(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT started_at FROM " + GRACE_TABLE + " WHERE account_key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(Instant.ofEpochMilli(rows.getLong(1))) : Optional.empty();
            }
        }
    }

    private void moveBack(Duration time, String sql, String... keys) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, time.toMillis());
            for (int i = 0; i < keys.length; i++) {
                update.setString(i + 2, keys[i]);
            }
            assertTrue(update.executeUpdate() > 0, sql);
        }
    }
}
