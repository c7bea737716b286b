package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11.1 over real HTTP on Jetty 12 and Tomcat 11: the realm is deliberately case- and accent-insensitive and
 * reports the name as typed (as Tomcat's DataSourceRealm over a MariaDB table, JNDIRealm over Active Directory do).
 * {@code admin} has a second factor; signing in as another spelling of it with admin's password must never show a
 * protected page and never offer an enrollment (a second secret for the same person).
 */
class AccountAliasIT {

    static final List<String> SPELLINGS_OF_ADMIN = List.of("ADMIN", "Admin", "ádmin", "admın", "ＡＤＭＩＮ", " admin ");
    static final String PASSWORD = "admin-password";

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void otherSpellingsWithTheRightPasswordAreRefusedAndNeverSentToEnroll(String kind) throws Exception {
        try (TwoFactorFixture fixture = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED)) {
            TotpFilter filter = TotpFilter.builder().service(fixture.service()).build();
            try (WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                    .caseInsensitiveRealm().initializer(TotpFilter.initializer(filter)))) {
                fixture.enroll("admin");

                for (String spelling : SPELLINGS_OF_ADMIN) {
                    Browser browser = new Browser(container.base());
                    Response landed = signIn(browser, spelling);
                    assertRefusedOrAskedForAdminsCode(landed, spelling);
                    assertFalse(landed.uri().getPath().endsWith("/totpguard/enroll"), () -> spelling + " was sent to enroll: " + landed);
                    for (String path : List.of("/admin/start", "/totpguard/enroll", "/totpguard/token", "/totpguard/manage")) {
                        assertRefusedOrAskedForAdminsCode(followAll(browser, browser.get(path)), spelling + " " + path);
                    }
                }
                assertTrue(fixture.service().status("admin").isActive(), "admin keeps its one second factor");

                // The account itself, through the same realm, is asked for its code as always.
                Browser admin = new Browser(container.base());
                Response token = signIn(admin, "admin");
                assertEquals(200, token.status(), token::toString);
                assertTrue(token.uri().getPath().endsWith("/totpguard/token"), token::toString);
            }
        }
    }

    /** Requests a protected page, signs in on the form with {@code name} and follows every redirect. */
    private static Response signIn(Browser browser, String name) {
        Response challenge = followAll(browser, browser.get("/admin/start"));
        assertTrue(challenge.body().contains(LoginPageServlet.LOGIN_MARKER), challenge::toString);
        // charset=UTF-8 stated, so both containers read the accented and full-width spellings as sent.
        String form = "j_username=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        Response afterLogin = browser.postBody("/j_security_check", "application/x-www-form-urlencoded; charset=UTF-8",
                form.getBytes(StandardCharsets.UTF_8), Map.of());
        return followAll(browser, afterLogin);
    }

    private static Response followAll(Browser browser, Response response) {
        Response current = response;
        for (int i = 0; i < 5 && current.isRedirect(); i++) {
            current = browser.follow(current);
        }
        return current;
    }

    /** A refusal (403 or the login form again) or admin's own token page; never content, never enrollment. */
    private static void assertRefusedOrAskedForAdminsCode(Response response, String what) {
        assertFalse(response.body().contains(AdminServlet.MARKER), () -> what + " saw protected content: " + response);
        assertFalse(response.uri().getPath().endsWith("/totpguard/enroll") && response.status() == 200,
                () -> what + " was offered an enrollment: " + response);
        assertFalse(response.body().contains("otpauth://"), () -> what + " was shown a secret: " + response);
        boolean refused = response.status() == 403 || response.body().contains(LoginPageServlet.LOGIN_MARKER);
        boolean askedForCode = response.status() == 200 && response.uri().getPath().endsWith("/totpguard/token");
        assertTrue(refused || askedForCode, () -> what + " got neither a refusal nor the code page: " + response);
    }
}
