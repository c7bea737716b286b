package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Remember this browser" in the example, over real HTTP against the launcher jar started with
 * {@code --trusted-browser-days 30}: an administrator ticks "Trust this browser" with the token code, that browser's
 * next sign-in asks for the password only, the Edit page lists it, and "Forget all browsers" there makes the next
 * sign-in ask for the code again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedBrowserIT {

    private static final String PASSWORD = "trusting-admin-password";
    private static final String TRUST_COOKIE = "totpguard-trust";
    private static final String EDIT = "/admin/setup/staff/administrators/edit?user=admin";

    private LauncherProcess launcher;

    @BeforeAll
    void startTheExample(@TempDir Path data) throws Exception {
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0", "--data", data.toString(),
                "--trusted-browser-days", "30");
    }

    @AfterAll
    void stopTheExample() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
    }

    /** A browser that holds nothing but the trust cookie, as after closing and reopening it. */
    private WebClient reopened(String token) {
        WebClient browser = new WebClient(launcher.baseUrl());
        browser.useCookie(TRUST_COOKIE, token);
        return browser;
    }

    /** admin's authenticator app, set up on the Edit page by the first test that needs it. */
    private TotpCodes adminApp;

    private TotpCodes enrolledAdmin() throws Exception {
        if (adminApp == null) {
            WebClient admin = new WebClient(launcher.baseUrl());
            WebClient.Page dashboard = admin.login("admin", PASSWORD);
            WebClient.Page enroll = admin.press(admin.click(dashboard, "Enable Two-Factor Authentication"), "Time-based Tokens (TOTP)", Map.of());
            adminApp = TotpCodes.scan(enroll);
            admin.press(enroll, "Save Changes", Map.of("token_code", adminApp.next()));
        }
        return adminApp;
    }

    @Test
    void aTrustedBrowserSignsInWithThePasswordAloneUntilTheEditPageForgetsIt() throws Exception {
        TotpCodes app = enrolledAdmin();
        WebClient admin = new WebClient(launcher.baseUrl());
        WebClient.Page adminToken = admin.loginToTokenPage("admin", PASSWORD);
        admin.press(adminToken, "Verify", Map.of(adminToken.labelled("Token Code").attr("name"), app.next()));

        WebClient laptop = new WebClient(launcher.baseUrl());
        WebClient.Page tokenPage = laptop.loginToTokenPage("admin", PASSWORD);
        assertTrue(tokenPage.labelled("Trust this browser for 30 days: signing in here asks for the password only") != null,
                tokenPage.text());
        WebClient.Page signedIn = laptop.press(tokenPage, "Verify", Map.of(tokenPage.labelled("Token Code").attr("name"), app.next(),
                "trust", "on"));
        assertEquals("/admin/", signedIn.path(), signedIn.text());
        String token = laptop.cookie(TRUST_COOKIE).orElseThrow(() -> new AssertionError("no trust cookie"));

        WebClient.Page again = reopened(token).login("admin", PASSWORD);
        assertEquals("/admin/", again.path(), "the trusted browser asks for the password only: " + again.text());
        WebClient.Page stranger = new WebClient(launcher.baseUrl()).login("admin", PASSWORD);
        assertTrue(stranger.path().startsWith("/totpguard/"), "another browser gives the code: " + stranger.path());

        WebClient.Page edit = admin.get(EDIT);
        assertEquals(200, edit.status(), edit.text());
        assertTrue(edit.text().contains("Trusted browsers"), edit.text());
        WebClient.Page forgotten = admin.press(edit, "Forget all browsers", Map.of());
        assertEquals(200, forgotten.status(), forgotten.text());
        assertTrue(forgotten.text().contains("The browser is forgotten"), forgotten.text());
        assertFalse(forgotten.text().contains("Trusted browsers"), forgotten.text());

        WebClient.Page afterForgetting = reopened(token).login("admin", PASSWORD);
        assertTrue(afterForgetting.path().startsWith("/totpguard/"), "a forgotten browser gives the code: " + afterForgetting.path());
    }

    /**
     * A session a trusted browser let in, which forgets the browsers itself on the Edit page: it goes on, still without
     * a code, so a privileged (step-up) page still asks for one. Before the fix the filter kept it as if verified by a
     * code after the revocation that forgetting all makes, and the security settings opened without one.
     */
    @Test
    void aTrustedSessionThatForgetsTheBrowsersStillGivesTheCodeForAPrivilegedPage() throws Exception {
        TotpCodes app = enrolledAdmin();
        WebClient admin = new WebClient(launcher.baseUrl());
        WebClient.Page tokenPage = admin.loginToTokenPage("admin", PASSWORD);
        admin.press(tokenPage, "Verify", Map.of(tokenPage.labelled("Token Code").attr("name"), app.next(), "trust", "on"));
        String token = admin.cookie(TRUST_COOKIE).orElseThrow(() -> new AssertionError("no trust cookie"));

        WebClient trusted = reopened(token);
        assertEquals("/admin/", trusted.login("admin", PASSWORD).path());
        WebClient.Page forgotten = trusted.press(trusted.get(EDIT), "Forget all browsers", Map.of());
        assertTrue(forgotten.text().contains("The browser is forgotten"), forgotten.text());

        WebClient.Page privileged = trusted.get("/admin/setup/security");
        assertTrue(privileged.path().startsWith("/totpguard/"), "the code is asked: " + privileged.path() + " " + privileged.text());
    }
}
