package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11.1, the issue's own proof, over real HTTP against the launcher on MariaDB and PostgreSQL: {@code admin}
 * enrolls TOTP through the menus, then every other spelling of the name ({@code ADMIN}, {@code Admin},
 * {@code ádmin}, {@code admın}, full-width {@code ＡＤＭＩＮ}, {@code " admin "}) with admin's password is either
 * refused or asked for admin's own code, never shown an admin page without it, never sent to enroll a second
 * secret, and never appears in the audit log; and {@code ADMIN} cannot reset admin's second factor.
 *
 * <p>The user tables are made case-insensitive after the launcher created them, as an operator's existing
 * installation would have them: on MariaDB converted to {@code utf8mb4_general_ci} (the server's default
 * collation), on PostgreSQL given a nondeterministic ICU collation of strength 1 (case- and accent-insensitive).
 * Each run uses its own database or schema, dropped afterwards.
 */
class AccountSpellingIT {

    private static final String PASSWORD = "spelling-admin-password";
    private static final List<String> OTHER_SPELLINGS = List.of("ADMIN", "Admin", "ádmin", "admın", "ＡＤＭＩＮ", " admin ");

    @TempDir
    Path temp;

    @Test
    void otherSpellingsOfAnEnrolledAdministratorNeedItsCodeOnMariaDbWithTheDefaultCollation() throws Exception {
        try (ScratchDatabase database = ScratchDatabase.mariaDb("tg_spelling");
             LauncherProcess launcher = start(database)) {
            for (String table : List.of("totpguard_user", "totpguard_user_role", "tg_example_admin", "tg_example_audit")) {
                database.execute("ALTER TABLE " + table + " CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
            }
            assertEquals("admin", storedNameFor(database, "ADMIN"), "the user table now finds admin for ADMIN");
            otherSpellingsAreRefusedOrAskedForAdminsCode(launcher);
        }
    }

    @Test
    void otherSpellingsOfAnEnrolledAdministratorNeedItsCodeOnPostgreSqlWithACaseInsensitiveUserTable() throws Exception {
        try (ScratchDatabase database = ScratchDatabase.postgres("tg_spelling");
             LauncherProcess launcher = start(database)) {
            // PostgreSQL compares exactly by default; a directory that does not is simulated with a collation of
            // strength 1 (base letters only), created in this run's schema.
            database.execute("CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level1', deterministic = false)");
            for (String table : List.of("totpguard_user", "totpguard_user_role")) {
                database.execute("ALTER TABLE " + table + " ALTER COLUMN username TYPE VARCHAR(255) COLLATE case_insensitive");
            }
            database.execute("ALTER TABLE tg_example_admin ALTER COLUMN username TYPE VARCHAR(64) COLLATE case_insensitive");
            assertEquals("admin", storedNameFor(database, "ADMIN"), "the user table now finds admin for ADMIN");
            otherSpellingsAreRefusedOrAskedForAdminsCode(launcher);
        }
    }

    private LauncherProcess start(ScratchDatabase database) throws Exception {
        return LauncherProcess.startNode(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), temp.resolve("data"), database,
                temp.resolve("example.key").toString());
    }

    private static void otherSpellingsAreRefusedOrAskedForAdminsCode(LauncherProcess launcher) throws Exception {
        WebClient admin = new WebClient(launcher.baseUrl());
        TotpCodes adminApp = enrollThroughTheMenus(admin);

        List<String> askedForCode = new ArrayList<>();
        for (String spelling : OTHER_SPELLINGS) {
            WebClient other = new WebClient(launcher.baseUrl());
            WebClient.Page page = other.login(spelling, PASSWORD);
            String seen = "'" + spelling + "' with admin's password";
            boolean refused = page.path().equals("/login");
            boolean tokenPage = page.path().equals("/totpguard/token");
            assertTrue(refused || tokenPage, seen + " is refused or asked for a code, not " + page.uri() + ":\n" + page.text());
            for (URI hop : page.redirects()) {
                // The form login returns to /admin/ (the page asked for), which must send it on to the code, not serve it.
                assertFalse(hop.getPath().contains("enroll") || hop.getPath().contains("/edit") || hop.getPath().contains("two-factor"),
                        seen + " is never sent to enrollment: " + page.redirects());
            }
            if (tokenPage) {
                askedForCode.add(spelling);
                assertTrue(page.document().select("img[alt*=QR code]").isEmpty(), seen + " sees no new secret");
            }
            for (String path : List.of("/admin/", "/admin/setup/staff/administrators", "/admin/setup/staff/audit-log",
                    "/admin/setup/staff/administrators/edit?user=admin", "/admin/setup/staff/administrators/two-factor/reset?user=admin")) {
                assertNotEquals(200, other.raw("GET", path, null).statusCode(), seen + " gets no " + path + " without admin's code");
            }
            HttpResponse<String> enroll = other.raw("GET", "/totpguard/enroll", null);
            assertFalse(enroll.statusCode() == 200 && enroll.body().contains("QR code"), seen + " is never offered a second secret");
            assertNotEquals(200, other.raw("POST", "/admin/setup/staff/administrators/two-factor/reset", "user=admin").statusCode(),
                    seen + " cannot reset admin's second factor");
        }
        assertTrue(askedForCode.contains("ADMIN"), "the user table accepts ADMIN, so ADMIN is asked for admin's code: " + askedForCode);

        // With admin's own code, ADMIN is admin: the session, the welcome and the audit log say so.
        WebClient upper = new WebClient(launcher.baseUrl());
        WebClient.Page dashboard = upper.enterTokenCode(upper.loginToTokenPage("ADMIN", PASSWORD), adminApp.next());
        assertEquals("/admin/", dashboard.path(), dashboard.text());
        assertTrue(dashboard.text().contains("Welcome, admin."), dashboard.text());
        assertEquals(403, upper.raw("GET", "/admin/setup/staff/administrators/two-factor/reset?user=admin", null).statusCode(),
                "ADMIN is admin, so resetting admin's factor is resetting one's own: only with the code, on the Edit page");
        WebClient.Page edit = upper.get("/admin/setup/staff/administrators/edit?user=admin");
        assertTrue(edit.text().contains("Status: Enabled"), edit.text());
        WebClient.Page administrators = upper.get("/admin/setup/staff/administrators");
        assertEquals(1, administrators.document().select("tbody tr").size(), "still one administrator: " + administrators.text());

        WebClient.Page audit = upper.get("/admin/setup/staff/audit-log");
        List<Element> rows = audit.document().select("table.audit tbody tr");
        assertFalse(rows.isEmpty(), audit.text());
        for (Element row : rows) {
            String subject = row.child(2).text();
            String actor = row.child(3).text();
            if (row.child(1).text().equals("PASSWORD_REFUSED") && !subject.equals("admin")) {
                // Wrong passwords are audited (issue 13), under the name typed when the directory knew no account by it.
                assertTrue(row.text().contains("wrong password") && actor.isEmpty(), row.text());
                continue;
            }
            assertEquals("admin", subject, "every audit entry concerns admin: " + row.text());
            assertTrue(actor.isEmpty() || actor.equals("admin"), "no audit entry by another spelling: " + row.text());
        }
    }

    /** Setup &gt; Staff Management &gt; Administrators &gt; Edit &gt; Time-based Tokens (TOTP) &gt; Token Code &gt; Save Changes. */
    private static TotpCodes enrollThroughTheMenus(WebClient admin) throws Exception {
        WebClient.Page dashboard = admin.login("admin", PASSWORD);
        assertEquals("/admin/", dashboard.path(), dashboard.text());
        WebClient.Page administrators = admin.click(admin.click(admin.click(dashboard, "Setup"), "Staff Management"), "Administrators");
        Element row = administrators.document().select("tr").stream().filter(r -> r.text().startsWith("admin ")).findFirst().orElseThrow();
        WebClient.Page edit = admin.get(row.selectFirst("a:containsOwn(Edit)").absUrl("href"));
        WebClient.Page enroll = admin.press(edit, "Time-based Tokens (TOTP)", Map.of());
        TotpCodes app = TotpCodes.scan(enroll);
        WebClient.Page saved = admin.press(enroll, "Save Changes", Map.of("token_code", app.next()));
        assertEquals(10, saved.document().select("ul.recovery-codes code").size(), saved.text());
        WebClient.Page back = admin.click(saved, "I have saved my recovery codes");
        assertTrue(back.text().contains("Status: Enabled"), back.text());
        assertEquals("/login", admin.logout(back).path());
        return app;
    }

    private static String storedNameFor(ScratchDatabase database, String typed) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT username FROM totpguard_user WHERE username = ?")) {
            statement.setString(1, typed);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
