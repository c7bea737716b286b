package dev.totpguard.example;

import dev.totpguard.internal.config.SettingsFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.example.data.SiteSettings;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's privileged actions over real HTTP against one launcher process on a PostgreSQL schema (TOTP Guard
 * issue 13, item 7; issue 11's gaps in the example):
 * <ul>
 *   <li>adding an administrator, removing or unlocking another's second factor and the "Require two-factor
 *       authentication" setting need the acting administrator's own code, entered within the step-up age
 *       ({@code --step-up-age}, here {@value #STEP_UP_SECONDS} seconds so that the test can outlive it): an
 *       administrator signed in with the password alone and no second factor can do none of them; right after a
 *       code they work and each is audited with actor and target; once the code is older they ask for a new one;</li>
 *   <li>a new administrator whose name is another spelling of an existing account ({@code ADMIN} beside
 *       {@code admin}) is refused with a plain message, and a row of that kind written some other way shows up flagged
 *       on the Administrators page instead of making it a 503;</li>
 *   <li>a login form or a path with a broken {@code %} escape is a plain 400 page that names no exception and
 *       carries the pages' protective headers.</li>
 * </ul>
 * The tests run in order on one server: they share its administrators.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivilegedActionsIT {

    private static final String PASSWORD = "privileged-admin-password";
    private static final String BOB_PASSWORD = "bob-colleague-password";
    private static final int STEP_UP_SECONDS = 15;

    private ScratchDatabase schema;
    private LauncherProcess launcher;
    private HikariDataSource dataSource;
    private TwoFactorService store;
    private AdminAccounts accounts;
    private AuditLog audit;
    private SiteSettings settings;
    private WebClient admin;
    private TotpCodes adminApp;
    private Instant verifiedAt;

    @BeforeAll
    void startTheExample(@TempDir Path temp) throws Exception {
        schema = ScratchDatabase.postgres("tg_privileged");
        Path keyFile = temp.resolve("example.key");
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0", "--data", temp.resolve("data").toString(),
                "--jdbc-url", schema.jdbcUrl(), "--jdbc-user", ScratchDatabase.POSTGRES_USER, "--key-file", keyFile.toString(),
                "--step-up-age", "PT" + STEP_UP_SECONDS + "S");
        dataSource = DataSources.open(schema.jdbcUrl(), Optional.of(ScratchDatabase.POSTGRES_USER), Optional.empty(), 2);
        store = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).build()).keyRing(KeyRing.fromKeyFile(keyFile))
                .policy(SettingsFactory.policy(Settings.of(Map.of(), "setting"))).build();
        accounts = new AdminAccounts(dataSource, PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build(), Clock.systemUTC());
        audit = new AuditLog(dataSource);
        settings = new SiteSettings(dataSource);
        // A colleague with an active second factor, whose factor admin will try to remove.
        assertTrue(accounts.add("bob", "Bob Example", "bob@example.com", BOB_PASSWORD.toCharArray()));
        TotpCodes.enrollThroughService(store, "bob", Totp.builder().build());
    }

    @AfterAll
    void stopTheExample() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
        if (store != null) {
            store.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    @Order(1)
    void anAdministratorWithoutTwoFactorSignedInWithThePasswordCanDoNoPrivilegedAction() throws Exception {
        admin = new WebClient(launcher.baseUrl());
        assertEquals("/admin/", admin.login("admin", PASSWORD).path(), "admin has no second factor: the password opens the admin area");
        String csrf = admin.get("/admin/setup/staff/administrators/edit?user=admin").document().select("input[name=totpguard_csrf]").val();
        assertFalse(csrf.isEmpty());

        for (String page : List.of("/admin/setup/staff/administrators/new", "/admin/setup/staff/administrators/two-factor/reset?user=bob",
                "/admin/setup/security")) {
            WebClient.Page refused = admin.get(page);
            assertEquals(403, refused.status(), page + ": " + refused.text());
            assertTrue(refused.text().contains("needs your own two-factor authentication. Set it up first"), refused.text());
            assertTrue(refused.document().select("form").stream().noneMatch(form -> form.attr("action").contains("/new")
                    || form.attr("action").contains("/reset") || form.attr("action").contains("/security")), "no form for " + page);
        }
        Map<String, String> actions = Map.of(
                "/admin/setup/staff/administrators/new", "username=mallory&name=Mallory&email=m%40example.com"
                        + "&password=mallory-password&password_confirm=mallory-password",
                "/admin/setup/staff/administrators/two-factor/reset", "user=bob",
                "/admin/setup/staff/administrators/two-factor/unlock", "user=bob",
                "/admin/setup/security", "require=on");
        for (Map.Entry<String, String> action : actions.entrySet()) {
            HttpResponse<String> refused = admin.raw("POST", action.getKey(), "totpguard_csrf=" + csrf + "&" + action.getValue());
            assertEquals(403, refused.statusCode(), action.getKey() + " with the password alone: " + refused.body());
        }
        assertTrue(accounts.directory().find("mallory").isEmpty(), "no administrator was added");
        assertEquals(TwoFactorStatus.State.ACTIVE, store.status("bob").state(), "bob's second factor is still there");
        assertFalse(settings.requireTwoFactor(), "the setting did not change");
        assertTrue(audit.newest(100).stream().noneMatch(entry -> entry.actor().equals(Optional.of("admin"))),
                "nothing was done in admin's name: " + audit.newest(100));
    }

    @Test
    @Order(2)
    void rightAfterItsOwnCodeAnAdministratorDoesThemEachAuditedWithActorAndTarget() throws Exception {
        adminApp = enrollThroughTheEditPage(admin);
        verifiedAt = Instant.now();

        WebClient.Page administrators = admin.get("/admin/setup/staff/administrators");
        WebClient.Page added = admin.press(admin.click(administrators, "Add New Administrator"), "Add Administrator", Map.of(
                "username", "carol", "name", "Carol Example", "email", "carol@example.com", "password", "carol-password-1",
                "password_confirm", "carol-password-1"));
        assertEquals("/admin/setup/staff/administrators", added.path(), added.text());
        assertTrue(added.text().contains("carol Carol Example carol@example.com Not enabled"), added.text());

        WebClient.Page confirm = admin.click(admin.get("/admin/setup/staff/administrators/edit?user=bob"), "Disable");
        WebClient.Page removed = admin.press(confirm, "Disable two-factor authentication for bob", Map.of());
        assertTrue(removed.text().contains("Two-factor authentication was removed"), removed.text());
        assertEquals(TwoFactorStatus.State.NONE, store.status("bob").state());

        WebClient.Page on = admin.press(admin.get("/admin/setup/security"), "Turn on", Map.of());
        assertTrue(on.text().contains("Now: On"), on.text());
        assertTrue(settings.requireTwoFactor());

        List<AuditEntry> log = audit.newest(100);
        assertAudited(log, "ADMIN_ADDED", "admin", "carol");
        assertAudited(log, "RESET", "admin", "bob");
        assertAudited(log, "TWO_FACTOR_REQUIRED_ON", "admin", "admin");
    }

    @Test
    @Order(3)
    void anotherSpellingOfAnExistingAccountIsRefusedAndAnOldOneIsShownFlagged() throws Exception {
        WebClient.Page administrators = admin.get("/admin/setup/staff/administrators");
        for (String spelling : List.of("ADMIN", "Admin", "BOB")) {
            WebClient.Page refused = admin.press(admin.click(administrators, "Add New Administrator"), "Add Administrator", Map.of(
                    "username", spelling, "name", "Other", "email", "other@example.com", "password", "other-password-1",
                    "password_confirm", "other-password-1"));
            assertEquals(409, refused.status(), spelling + ": " + refused.text());
            assertTrue(refused.text().contains("or with another spelling of it"), refused.text());
            assertTrue(accounts.directory().find(spelling).isEmpty(), spelling + " was not added");
        }
        assertEquals(200, admin.get("/admin/setup/staff/administrators").status());

        // A row written before the check existed (or by hand): the list still opens, with the row flagged.
        try (Connection connection = dataSource.getConnection()) {
            for (String sql : List.of("INSERT INTO tg_example_admin (username, full_name, email, created_at_ms) VALUES ('ADMIN', 'Alias', 'a@example.com', 0)",
                    "INSERT INTO totpguard_user (username, password_hash) VALUES ('ADMIN', 'x')")) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.executeUpdate();
                }
            }
        }
        WebClient.Page list = admin.get("/admin/setup/staff/administrators");
        assertEquals(200, list.status(), list.text());
        Element alias = list.document().select("tbody tr").stream().filter(row -> row.child(0).text().equals("ADMIN")).findFirst().orElseThrow();
        assertTrue(alias.text().contains("Another spelling of an existing account"), alias.text());
        assertTrue(list.text().contains("admin Administrator admin@example.com Enabled (Time-based Tokens)"), list.text());
    }

    @Test
    @Order(4)
    void onceTheCodeIsOlderThanTheStepUpAgeThePrivilegedActionsAskForANewOne() throws Exception {
        // The step-up age runs on the server's real clock: wait until admin's code is older than it.
        Duration left = Duration.between(Instant.now(), verifiedAt.plusSeconds(STEP_UP_SECONDS + 1));
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis());
        }
        assertEquals("/admin/setup/staff/administrators", admin.get("/admin/setup/staff/administrators").path(),
                "the session is still verified for the other admin pages");
        String csrf = admin.get("/admin/setup/staff/administrators/edit?user=admin").document().select("input[name=totpguard_csrf]").val();
        HttpResponse<String> stale = admin.raw("POST", "/admin/setup/security", "totpguard_csrf=" + csrf + "&require=off");
        assertTrue(stale.statusCode() == 302 || stale.statusCode() == 303, "a stale code does not turn the requirement off: " + stale.statusCode());
        assertTrue(stale.headers().firstValue("Location").orElse("").contains("/totpguard/token"), stale.headers().map().toString());
        assertTrue(settings.requireTwoFactor(), "still on");

        WebClient.Page asked = admin.get("/admin/setup/security");
        assertEquals("/totpguard/token", asked.path(), "the settings page asks for a new code: " + asked.text());
        WebClient.Page back = admin.enterTokenCode(asked, adminApp.next());
        assertEquals("/admin/setup/security", back.path(), "after the code, back to the page asked for: " + back.text());
        WebClient.Page off = admin.press(back, "Turn off", Map.of());
        assertTrue(off.text().contains("Now: Off"), off.text());
        assertFalse(settings.requireTwoFactor());
        assertAudited(audit.newest(100), "TWO_FACTOR_REQUIRED_OFF", "admin", "admin");
    }

    @Test
    @Order(5)
    void aLoginFormWithABrokenEscapeIsAPlainBadRequest() throws Exception {
        URI base = URI.create(launcher.baseUrl());
        String body = "j_username=admin&j_password=%zz";
        // Written on a socket: Java's HTTP client refuses to send a URI with a broken escape.
        List<String> requests = List.of(
                "POST /j_security_check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body,
                "GET /j_security_check?j_username=%zz&j_password=x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /login?error=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                // Refused by the server before any context sees it.
                "GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        for (String request : requests) {
            String answer = exchange(base.getPort(), request);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), request + "\n->\n" + answer);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            for (String header : List.of("cache-control: no-store", "x-content-type-options: nosniff",
                    "x-frame-options: deny", "content-security-policy: default-src 'none'")) {
                assertTrue(head.contains(header), "Jetty's own 400 lacks '" + header + "':\n" + answer);
            }
            for (String leak : List.of("Exception", "java.", "jetty", "Jetty", "CAUSED", "encoding", "%zz", "Server:")) {
                assertFalse(answer.contains(leak), "the answer shows '" + leak + "':\n" + answer);
            }
        }
        assertEquals("/admin/", new WebClient(launcher.baseUrl()).login("bob", BOB_PASSWORD).path(), "the login still works");
    }

    private static String exchange(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Edit &gt; Time-based Tokens (TOTP) &gt; Token Code &gt; Save Changes, in this session, which is verified then. */
    private static TotpCodes enrollThroughTheEditPage(WebClient client) throws Exception {
        WebClient.Page enroll = client.press(client.get("/admin/setup/staff/administrators/edit?user=admin"), "Time-based Tokens (TOTP)", Map.of());
        TotpCodes app = TotpCodes.scan(enroll);
        WebClient.Page saved = client.press(enroll, "Save Changes", Map.of("token_code", app.next()));
        assertEquals(10, saved.document().select("ul.recovery-codes code").size(), saved.text());
        return app;
    }

    private static void assertAudited(List<AuditEntry> log, String action, String actor, String subject) {
        assertTrue(log.stream().anyMatch(entry -> entry.action().equals(action) && entry.actor().equals(Optional.of(actor))
                        && entry.subject().equals(subject)),
                action + " by " + actor + " on " + subject + " is in the audit log: " + log);
    }
}
