package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The admin flow of {@code shared/seed/admin-totp-flow.txt}, end to end over real HTTP against the launcher jar,
 * as people would do it: follow "Setup" &gt; "Staff Management" &gt; "Administrators" &gt; "Edit", choose
 * "Time-based Tokens (TOTP)", scan the QR code (zxing), type the "Token Code", "Save Changes", then log in with
 * password and code. Each person is a {@link WebClient} with its own cookies; the tests run in order on one
 * server because they share its administrators.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminFlowIT {

    private static final String ADMIN_PASSWORD = "first-admin-password";
    private static final String COLLEAGUE_PASSWORD = "colleague-password-1";

    private LauncherProcess launcher;
    /** admin's session, verified with admin's own code in the first test: the privileged actions need it fresh. */
    private WebClient admin;
    private TotpCodes adminApp;
    private TotpCodes aliceApp;
    private List<String> aliceRecoveryCodes;
    private WebClient carol;
    private TotpCodes carolApp;
    private List<String> carolRecoveryCodes;

    @BeforeAll
    void startTheExample(@TempDir Path data) throws Exception {
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD), "--port", "0", "--data", data.toString());
    }

    @AfterAll
    void stopTheExample() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
    }

    private WebClient person() {
        return new WebClient(launcher.baseUrl());
    }

    @Test
    @Order(1)
    void theFirstAdministratorTurnsOnTwoFactorFollowsTheMenuAndAddsColleagues() throws Exception {
        admin = person();
        WebClient.Page dashboard = admin.login("admin", ADMIN_PASSWORD);
        assertEquals("/admin/", dashboard.path());
        Element banner = dashboard.document().selectFirst(".banner a");
        assertTrue(banner != null && banner.text().equals("Enable Two-Factor Authentication"), "banner for an admin without 2FA");
        assertTrue(banner.attr("href").endsWith("/admin/setup/staff/administrators/edit?user=admin#two-factor"), banner.attr("href"));
        WebClient.Page notYet = admin.get("/admin/setup/staff/administrators/new");
        assertEquals(403, notYet.status(), "adding administrators needs admin's own second factor first: " + notYet.text());

        WebClient.Page enroll = admin.press(admin.click(dashboard, "Enable Two-Factor Authentication"), "Time-based Tokens (TOTP)", Map.of());
        adminApp = TotpCodes.scan(enroll);
        WebClient.Page enrolled = admin.press(enroll, "Save Changes", Map.of("token_code", adminApp.next()));
        assertEquals(10, enrolled.document().select("ul.recovery-codes code").size(), enrolled.text());
        assertTrue(enrolled.document().select(".banner").isEmpty(), "no 'password only' banner right after TOTP is on: " + enrolled.text());
        dashboard = admin.get("/admin/");

        WebClient.Page administrators = admin.click(admin.click(admin.click(dashboard, "Setup"), "Staff Management"), "Administrators");
        assertEquals("/admin/setup/staff/administrators", administrators.path());
        assertTrue(administrators.text().contains("admin Administrator admin@example.com Enabled (Time-based Tokens)"), administrators.text());

        for (String name : List.of("alice", "bob", "carol")) {
            WebClient.Page form = admin.click(administrators, "Add New Administrator");
            administrators = admin.press(form, "Add Administrator", Map.of("username", name, "name", name.toUpperCase() + " Example",
                    "email", name + "@example.com", "password", COLLEAGUE_PASSWORD, "password_confirm", COLLEAGUE_PASSWORD));
            assertEquals("/admin/setup/staff/administrators", administrators.path());
            assertTrue(administrators.text().contains(name + " " + name.toUpperCase() + " Example " + name + "@example.com Not enabled"),
                    administrators.text());
        }

        WebClient.Page duplicate = admin.press(admin.click(administrators, "Add New Administrator"), "Add Administrator",
                Map.of("username", "alice", "name", "Other", "email", "o@example.com", "password", COLLEAGUE_PASSWORD,
                        "password_confirm", COLLEAGUE_PASSWORD));
        assertEquals(409, duplicate.status());
        assertTrue(duplicate.text().contains("already an administrator with the user name alice"));
        WebClient.Page shortPassword = admin.press(admin.click(administrators, "Add New Administrator"), "Add Administrator",
                Map.of("username", "dave", "name", "<b>Dave</b>", "email", "d@example.com", "password", "short", "password_confirm", "short"));
        assertEquals(400, shortPassword.status());
        assertEquals("<b>Dave</b>", shortPassword.labelled("Name").val(), "typed values are kept, and escaped");
        assertTrue(shortPassword.text().contains("at least 10 characters"));

        HttpResponse<String> withoutToken = admin.raw("POST", "/admin/setup/staff/administrators/new",
                "username=mallory&name=M&email=m%40example.com&password=mallory-password&password_confirm=mallory-password");
        assertEquals(403, withoutToken.statusCode(), "a form without the CSRF token changes nothing");
        String token = admin.click(administrators, "Add New Administrator").document().select("input[name=totpguard_csrf]").val();
        String forged = "totpguard_csrf=" + token + "&username=mallory&name=M&email=m%40example.com&password=mallory-password"
                + "&password_confirm=mallory-password";
        assertEquals(403, admin.raw("POST", "/admin/setup/staff/administrators/new", forged, Map.of("Sec-Fetch-Site", "cross-site"))
                .statusCode(), "the right token from another site (Fetch Metadata) changes nothing");
        assertEquals(403, admin.raw("POST", "/admin/setup/staff/administrators/new", forged, Map.of("Origin", "https://attacker.example"))
                .statusCode(), "the right token with a foreign Origin changes nothing");
        assertEquals(405, admin.raw("GET", "/admin/setup/staff/administrators/two-factor/start", null).statusCode());
        assertFalse(admin.get("/admin/setup/staff/administrators").text().contains("mallory"));
    }

    @Test
    @Order(2)
    void aliceEnablesTotpByScanningTheQrCodeAndSavingTheTokenCode() throws Exception {
        WebClient alice = person();
        WebClient.Page dashboard = alice.login("alice", COLLEAGUE_PASSWORD);
        WebClient.Page administrators = alice.click(alice.click(alice.click(dashboard, "Setup"), "Staff Management"), "Administrators");
        Element aliceRow = administrators.document().select("tr").stream().filter(row -> row.text().startsWith("alice ")).findFirst().orElseThrow();
        WebClient.Page edit = alice.get(aliceRow.selectFirst("a:containsOwn(Edit)").absUrl("href"));
        assertTrue(edit.document().selectFirst("#two-factor h2").text().equals("Two-Factor Authentication"));
        assertTrue(edit.text().contains("Status: Not enabled"));

        WebClient.Page enroll = alice.press(edit, "Time-based Tokens (TOTP)", Map.of());
        assertEquals("no-store", enroll.header("Cache-Control").orElse(""), "the page with the secret is never cached");
        assertEquals("no-referrer", enroll.header("Referrer-Policy").orElse(""));
        for (String app : List.of("Google Authenticator", "Microsoft Authenticator", "Authy", "RFC 6238")) {
            assertTrue(enroll.text().contains(app), "names " + app);
        }
        aliceApp = TotpCodes.scan(enroll);
        assertEquals("TOTP Guard example", aliceApp.uri().issuer());
        assertEquals("alice", aliceApp.uri().account());
        assertEquals(aliceApp.base32(), enroll.document().selectFirst("code.key").text().replace(" ", ""), "manual key = QR secret");
        assertEquals("token_code", enroll.labelled("Token Code").attr("name"));

        WebClient.Page wrong = alice.press(enroll, "Save Changes", Map.of("token_code", aliceApp.wrong()));
        assertEquals(400, wrong.status());
        assertTrue(wrong.text().contains("That token code is not right"), wrong.text());
        Element field = wrong.labelled("Token Code");
        assertEquals("true", field.attr("aria-invalid"), "the wrong code's field is marked");
        assertTrue(field.hasAttr("autofocus"), "and has the focus");
        Element error = wrong.document().getElementById(field.attr("aria-describedby"));
        assertTrue(error != null && error.text().startsWith("That token code is not right"), "the field points at its error");
        assertEquals(error, field.nextElementSibling(), "the error sits right after the field");
        assertEquals(aliceApp.base32(), TotpCodes.scan(wrong).base32(), "a wrong code keeps the same secret");

        String sessionBefore = alice.sessionId().orElseThrow();
        WebClient.Page saved = alice.press(wrong, "Save Changes", Map.of("token_code", aliceApp.next()));
        assertEquals(200, saved.status(), saved.text());
        assertEquals("no-store", saved.header("Cache-Control").orElse(""));
        aliceRecoveryCodes = saved.document().select("ul.recovery-codes code").eachText();
        assertEquals(10, aliceRecoveryCodes.size(), saved.text());
        assertNotEquals(sessionBefore, alice.sessionId().orElseThrow(), "the session id is renewed after the second factor");

        // The confirming code passed the second factor for this session too: TOTP Guard's filter asks for no other code.
        WebClient.Page back = alice.click(saved, "I have saved my recovery codes");
        assertEquals("/admin/setup/staff/administrators/edit", back.path(), back.text());
        assertTrue(back.text().contains("Status: Enabled"), back.text());
        assertTrue(back.document().select(".banner").isEmpty(), "no banner once 2FA is on");
        assertTrue(back.text().contains("Recovery codes left: 10"), back.text());
        assertFalse(back.text().contains("Your changes were saved."), "'I have saved my recovery codes' changed nothing: " + back.text());
        WebClient.Page unchanged = alice.press(back, "Save Changes", Map.of());
        assertFalse(unchanged.text().contains("Your changes were saved."), "nothing changed: " + unchanged.text());
        assertTrue(unchanged.text().contains("Nothing was changed"), unchanged.text());
        WebClient.Page renamed = alice.press(unchanged, "Save Changes", Map.of("name", "Alice Example"));
        assertTrue(renamed.text().contains("Your changes were saved."), renamed.text());
        assertEquals("Alice Example", renamed.labelled("Name").val());
        assertTrue(alice.press(renamed, "Save Changes", Map.of("name", "ALICE Example")).text().contains("Your changes were saved."));
        assertTrue(back.document().select("img[alt*=QR code]").isEmpty(), "the QR code is never shown again once active");
    }

    @Test
    @Order(3)
    void aliceLogsInWithPasswordThenCodeAndAReplayedCodeIsRefused() throws Exception {
        WebClient alice = person();
        WebClient.Page token = alice.login("alice", COLLEAGUE_PASSWORD);
        assertTrue(token.path().startsWith("/totpguard/"), "password alone is not enough: " + token.path());
        // TOTP Guard's own token page wears the example's header, logo and style sheet (totpguard.filter.brand.*).
        assertEquals("TOTP Guard example", token.document().select("header a.brand[href=/admin/]").text(), token.text());
        assertEquals("/static/logo.svg", token.document().select("header img.logo").attr("src"));
        assertEquals("/static/admin.css", token.document().select("head link[rel=stylesheet]").attr("href"));
        assertTrue(token.document().title().endsWith(" - TOTP Guard example"), token.document().title());
        String policy = token.header("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("img-src 'self' data:;") && policy.contains("style-src 'self' 'sha256-"), policy);
        HttpResponse<String> logo = alice.raw("GET", "/static/logo.svg", null);
        assertEquals(200, logo.statusCode(), "the logo is served before the second factor, as the style sheet is");
        assertTrue(logo.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"), logo.headers().toString());
        HttpResponse<String> halfAuthenticated = alice.raw("GET", "/admin/setup/staff/administrators", null);
        assertEquals(302, halfAuthenticated.statusCode(), "admin pages redirect to the token page until the code is typed");

        String code = aliceApp.next();
        WebClient.Page dashboard = alice.enterTokenCode(token, code);
        assertEquals("/admin/setup/staff/administrators", dashboard.path(), "back to the page asked for last: " + dashboard.text());
        WebClient.Page signedOut = alice.logout(dashboard);
        assertEquals("/login", signedOut.path());
        assertTrue(signedOut.text().contains("You have been logged out"));
        assertEquals("/login", alice.get("/admin/").path(), "after logout the admin area needs a login again");

        WebClient replay = person();
        WebClient.Page again = replay.login("alice", COLLEAGUE_PASSWORD);
        WebClient.Page refused = replay.enterTokenCode(again, code);
        assertTrue(refused.path().startsWith("/totpguard/"), "a used code is refused: " + refused.path());
        assertTrue(refused.text().contains("Invalid code"), refused.text());

        WebClient.Page recovery = replay.click(refused, "Use a recovery code");
        WebClient.Page withFirst = replay.press(recovery, "Verify",
                Map.of(recovery.labelled("Recovery code").attr("name"), aliceRecoveryCodes.get(0).toUpperCase().replace("-", " ")));
        assertEquals("/admin/", withFirst.path(), "a recovery code, typed loosely, works: " + withFirst.text());

        WebClient lostPhone = person();
        WebClient.Page token2 = lostPhone.login("alice", COLLEAGUE_PASSWORD);
        WebClient.Page recovery2 = lostPhone.click(token2, "Use a recovery code");
        WebClient.Page usedRecovery = lostPhone.press(recovery2, "Verify",
                Map.of(recovery2.labelled("Recovery code").attr("name"), aliceRecoveryCodes.get(0)));
        assertTrue(usedRecovery.text().contains("Invalid recovery code"), "a recovery code works once: " + usedRecovery.text());
        WebClient.Page withSecond = lostPhone.press(usedRecovery, "Verify",
                Map.of(usedRecovery.labelled("Recovery code").attr("name"), aliceRecoveryCodes.get(1)));
        assertEquals("/admin/", withSecond.path(), "another recovery code works: " + withSecond.text());
    }

    @Test
    @Order(4)
    void theCodeMayAlsoBeTypedOnTheLoginPage() throws Exception {
        WebClient alice = person();
        WebClient.Page login = alice.get("/admin/");
        WebClient.Page withCodeField = alice.click(login, "Enter it on this page instead");
        assertEquals("j_totp", withCodeField.labelled("Token Code").attr("name"));
        WebClient.Page dashboard = alice.press(withCodeField, "Login",
                Map.of("j_username", "alice", "j_password", COLLEAGUE_PASSWORD, "j_totp", aliceApp.next()));
        assertEquals("/admin/", dashboard.path(), "one step with the code on the login page: " + dashboard.text());
        assertTrue(dashboard.text().contains("Welcome, alice"));
    }

    @Test
    @Order(5)
    void repeatedWrongCodesLockTheSecondFactorUntilAnotherAdministratorUnlocksIt() throws Exception {
        WebClient bob = person();
        WebClient.Page dashboard = bob.login("bob", COLLEAGUE_PASSWORD);
        WebClient.Page enroll = bob.press(bob.click(dashboard, "Enable Two-Factor Authentication"), "Time-based Tokens (TOTP)", Map.of());
        TotpCodes bobApp = TotpCodes.scan(enroll);
        WebClient.Page saved = bob.press(enroll, "Save Changes", Map.of("token_code", bobApp.next()));
        assertEquals(10, saved.document().select("ul.recovery-codes code").size());

        bob = person();
        WebClient.Page token = bob.login("bob", COLLEAGUE_PASSWORD);
        assertTrue(token.path().startsWith("/totpguard/"), "a new sign-in asks for the code: " + token.path());
        String field = token.labelled("Token Code").attr("name");
        for (int attempt = 1; attempt <= 5; attempt++) {
            token = bob.press(token, "Verify", Map.of(field, bobApp.wrong()));
            assertTrue(token.path().startsWith("/totpguard/"));
        }
        WebClient.Page locked = bob.press(token, "Verify", Map.of(field, bobApp.next()));
        assertTrue(locked.text().contains("Too many attempts"), "even the right code is refused while locked: " + locked.text());

        WebClient.Page list = admin.get("/admin/setup/staff/administrators");
        assertTrue(list.text().contains("bob BOB Example bob@example.com Enabled (Time-based Tokens), locked"), list.text());
        WebClient.Page bobEdit = admin.get("/admin/setup/staff/administrators/edit?user=bob");
        WebClient.Page unlocked = admin.press(bobEdit, "Unlock", Map.of());
        assertTrue(unlocked.text().contains("The lock was lifted"), unlocked.text());

        WebClient.Page retry = bob.get("/admin/");
        WebClient.Page in = bob.enterTokenCode(retry, bobApp.next());
        assertEquals("/admin/", in.path(), in.text());
    }

    @Test
    @Order(6)
    void anotherAdministratorDisablesTwoFactorAfterConfirmingAndEverythingIsInTheAuditLog() throws Exception {
        WebClient.Page bobEdit = admin.get("/admin/setup/staff/administrators/edit?user=bob");
        WebClient.Page confirm = admin.click(bobEdit, "Disable");
        assertTrue(confirm.text().contains("Remove the two-factor authentication of bob?"), confirm.text());
        assertTrue(admin.get("/admin/setup/staff/administrators/edit?user=bob").text().contains("Status: Enabled"),
                "asking for confirmation changed nothing");
        WebClient.Page done = admin.press(confirm, "Disable two-factor authentication for bob", Map.of());
        assertTrue(done.text().contains("Two-factor authentication was removed"), done.text());
        assertTrue(done.text().contains("Status: Not enabled"), done.text());

        WebClient.Page audit = admin.click(admin.click(admin.click(admin.get("/admin/"), "Setup"), "Staff Management"), "Audit Log");
        String log = audit.text();
        for (String expected : List.of("ADMIN_ADDED alice admin", "ENROLLMENT_CONFIRMED alice", "RECOVERY_CODE_USED alice",
                "LOCKED_OUT bob", "UNLOCKED bob admin", "RESET bob admin")) {
            assertTrue(log.contains(expected), "audit log has '" + expected + "':\n" + log);
        }
        for (String secret : aliceRecoveryCodes) {
            assertFalse(log.contains(secret), "no recovery code in the audit log");
        }
        assertFalse(log.contains(aliceApp.base32()), "no secret in the audit log");
    }

    @Test
    @Order(6)
    void aLoginPostedFromAnotherSiteIsRefusedBeforeThePasswordIsChecked() throws Exception {
        // Login CSRF: another site's page posting its own account's name and password into the victim's browser.
        WebClient victim = person();
        assertEquals("/login", victim.get("/admin/").path());
        String form = "j_username=admin&j_password=" + ADMIN_PASSWORD;
        for (Map<String, String> crossSite : List.of(
                Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"),
                Map.of("Origin", "https://evil.example"),
                Map.of("Sec-Fetch-Site", "same-site"))) {
            HttpResponse<String> refused = victim.raw("POST", "/j_security_check", form, crossSite);
            assertEquals(403, refused.statusCode(), crossSite.toString());
            assertFalse(refused.body().contains("Exception"), refused.body());
        }
        assertEquals("/login", victim.get("/admin/").path(), "the victim's browser is not signed in");
    }

    @Test
    @Order(7)
    void requiringTwoFactorSendsAnAdministratorWithoutItToEnrollmentFirst() throws Exception {
        WebClient.Page settings = admin.click(admin.click(admin.get("/admin/"), "Setup"), "Security Settings");
        assertTrue(settings.text().contains("Require two-factor authentication for all administrators"));
        assertTrue(settings.text().contains("Now: Off"), "off on a new installation");
        WebClient.Page on = admin.press(settings, "Turn on", Map.of());
        assertEquals("/admin/setup/security", on.path(), "admin has two-factor authentication, so the setting keeps admin in");
        assertTrue(on.text().contains("Now: On"), on.text());

        carol = person();
        WebClient.Page first = carol.login("carol", COLLEAGUE_PASSWORD);
        assertEquals("/admin/setup/staff/administrators/edit", first.path());
        assertEquals("user=carol", first.uri().getQuery());
        assertEquals("/admin/setup/staff/administrators/edit", carol.get("/admin/setup/staff/administrators").path(),
                "no other admin page before enrolling");
        assertEquals("/admin/setup/staff/administrators/edit", carol.get("/admin/setup/staff/audit-log").path());

        WebClient.Page enroll = carol.press(first, "Time-based Tokens (TOTP)", Map.of());
        carolApp = TotpCodes.scan(enroll);
        WebClient.Page saved = carol.press(enroll, "Save Changes", Map.of("token_code", carolApp.next()));
        carolRecoveryCodes = saved.document().select("ul.recovery-codes code").eachText();
        assertEquals(10, carolRecoveryCodes.size(), saved.text());
        WebClient.Page administrators = carol.get("/admin/setup/staff/administrators");
        assertEquals("/admin/setup/staff/administrators", administrators.path(), "after enrolling, every page is open");
    }

    @Test
    @Order(8)
    void anAdministratorMakesNewRecoveryCodesOnlyWithACurrentCode() throws Exception {
        WebClient.Page edit = carol.get("/admin/setup/staff/administrators/edit?user=carol");
        assertTrue(edit.text().contains("Recovery codes left: 10"), edit.text());
        // The requirement is on (previous test): carol cannot turn her own factor off, so no "Disable" form is offered.
        assertTrue(edit.document().getElementById("disable_code") == null, edit.text());
        assertTrue(edit.text().contains("so you cannot turn yours off"), edit.text());
        WebClient.Page refused = carol.press(edit, "Regenerate Recovery Codes", Map.of("token_code", carolApp.wrong()));
        assertEquals(400, refused.status());
        assertTrue(refused.text().contains("That token code is not right, so nothing was changed"), refused.text());
        Element regenerateCode = refused.document().getElementById("regenerate_code");
        assertEquals("true", regenerateCode.attr("aria-invalid"), "the error is at the form's Token Code: " + refused.text());
        assertEquals("regenerate_code-error", regenerateCode.attr("aria-describedby"));
        assertTrue(carol.get("/admin/setup/staff/administrators/edit?user=carol").text().contains("Status: Enabled"));

        WebClient.Page renewed = carol.press(edit, "Regenerate Recovery Codes", Map.of("token_code", carolApp.next()));
        List<String> fresh = renewed.document().select("ul.recovery-codes code").eachText();
        assertEquals(10, fresh.size(), renewed.text());
        assertTrue(fresh.stream().noneMatch(carolRecoveryCodes::contains), "all codes are new");
        assertEquals("no-store", renewed.header("Cache-Control").orElse(""));

        WebClient other = person();
        WebClient.Page token = other.login("carol", COLLEAGUE_PASSWORD);
        WebClient.Page recovery = other.click(token, "Use a recovery code");
        WebClient.Page old = other.press(recovery, "Verify", Map.of(recovery.labelled("Recovery code").attr("name"), carolRecoveryCodes.get(0)));
        assertTrue(old.text().contains("Invalid recovery code"), "old recovery codes stop working: " + old.text());
    }

    @Test
    @Order(9)
    void guessingAPasswordStopsAtTheLockAndThenTheRightOneGetsTheSameAnswer() throws Exception {
        // Issue 13 item 2: online password guessing was unlimited. Alice has TOTP on: five wrong passwords lock her
        // account as five wrong codes do, and until the lock ends her right password gets the same error page, unhashed.
        for (int i = 0; i < 5; i++) {
            WebClient.Page refused = person().login("alice", "wrong-password-" + i);
            assertEquals("/login", refused.path(), refused.text());
        }
        WebClient.Page locked = person().login("alice", COLLEAGUE_PASSWORD);
        assertEquals("/login", locked.path(), "before, the right password still opened the token page: " + locked.text());
        assertTrue(locked.uri().getQuery() != null && locked.uri().getQuery().contains("error"), locked.uri().toString());
    }
}
