package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Pages;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.AppLoginFilter;
import dev.totpguard.filter.testapp.CustomPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.http.HttpSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that signs users in by itself, with policy OPTIONAL, on Jetty and Tomcat: the filter
 * learns the user through a {@link UserResolver}, recognises a login where the JAAS module already checked
 * a code ({@code TotpVerifiedPrincipal} in the subject), forgets a verification when another user signs in
 * within the same session, lets users without a second factor pass, and forwards to the application's own
 * token page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppLoginIT {

    private static final Path WEBAPP = Path.of("src", "test", "webapp-applogin").toAbsolutePath();

    @RegisterExtension
    static final GuardedApplication application = GuardedApplication.onJettyAndTomcat(
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.OPTIONAL), fixture -> {
                UserResolver sessionUser = request -> {
                    HttpSession session = request.getSession(false);
                    Object user = session == null ? null : session.getAttribute(AppLoginFilter.USER);
                    return user instanceof String ? (String) user : null;
                };
                TotpFilter filter = TotpFilter.builder().service(fixture.service())
                        .userResolver(sessionUser)
                        .loginPath("/applogin/form")
                        .maxAge(java.time.Duration.parse("PT8H"))
                        .page("token", "/custom/token")
                        .build();
                return new WebContainer.Deployment(WEBAPP).initializer(TotpFilter.initializer(filter));
            });

    private String newUser() {
        return application.newUser("app");
    }

    private Browser signedIn(String kind, String user) {
        Browser browser = application.browser(kind);
        signIn(browser, user, "");
        return browser;
    }

    private static void signIn(Browser browser, String user, String extra) {
        Response response = browser.get("/applogin/signin?user=" + user + extra);
        assertEquals("SIGNED IN " + user, response.body(), response::toString);
    }

    private static void assertTokenPage(Response response) {
        assertTrue(response.isRedirect(), response::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/token", response.location().getPath(), response::toString);
    }


    private Response verify(Browser browser, String code) {
        Response page = browser.get("/totpguard/token");
        assertTrue(page.body().contains(CustomPageServlet.MARKER), page::toString);
        return browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void theApplicationsOwnLoginIsFollowedByTheCodeOnItsOwnTokenPage(String kind) throws Exception {
        String user = newUser();
        fixture().enroll(user);
        Browser browser = signedIn(kind, user);
        assertTokenPage(browser.get("/admin/x"));
        Response page = browser.get("/totpguard/token");
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains(CustomPageServlet.MARKER + " for " + user + " page=token status=200 message=null"),
                page::toString);
        assertEquals("no-store", page.header("Cache-Control").orElse(null));
        assertTrue(page.header("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));

        Response wrong = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture().wrongCode(user)));
        assertTrue(wrong.body().contains("message=Invalid code. Please try again."), wrong::toString);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture().code(user)));
        assertEquals(303, accepted.status(), accepted::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/admin/x", accepted.location().getPath());
        Pages.assertAdminContent(browser.follow(accepted));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aUserWithoutASecondFactorPassesUnderPolicyOptional(String kind) {
        Browser browser = signedIn(kind, newUser());
        Pages.assertAdminContent(browser.get("/admin/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anotherUserSigningInWithinTheSameSessionStartsOver(String kind) throws Exception {
        String first = newUser();
        String second = newUser();
        fixture().enroll(first);
        fixture().enroll(second);
        Browser browser = signedIn(kind, first);
        assertTokenPage(browser.get("/admin/x"));
        assertEquals(303, verify(browser, fixture().code(first)).status());
        Pages.assertAdminContent(browser.get("/admin/x"));

        signIn(browser, second, "");
        assertTokenPage(browser.get("/admin/x"));
        signIn(browser, first, "");
        assertTokenPage(browser.get("/admin/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aLoginThatAlreadyCheckedTheCodePassesWithoutAPrompt(String kind) throws Exception {
        String user = newUser();
        fixture().enroll(user);
        long now = fixture().clock().millis();
        Browser browser = application.browser(kind);
        signIn(browser, user, "&verifiedAs=" + user + "&verifiedAt=" + now);
        Pages.assertAdminContent(browser.get("/admin/x"));

        Browser someoneElse = application.browser(kind);
        signIn(someoneElse, user, "&verifiedAs=" + newUser() + "&verifiedAt=" + now);
        assertTokenPage(someoneElse.get("/admin/x"));

        Browser tooOld = application.browser(kind);
        signIn(tooOld, user, "&verifiedAs=" + user + "&verifiedAt=" + (now - Duration.ofHours(9).toMillis()));
        assertTokenPage(tooOld.get("/admin/x"));

        // Tomcat's JAASRealm with userClassNames="dev.totpguard.TotpVerifiedPrincipal,...": the user principal itself.
        Browser direct = application.browser(kind);
        signIn(direct, user, "&verifiedAs=" + user + "&verifiedAt=" + now + "&shape=direct");
        Pages.assertAdminContent(direct.get("/admin/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aLoginMarkedForEnrollmentMustEnrollEvenUnderPolicyOptional(String kind) {
        for (String shape : new String[] {"subject", "direct"}) {
            Browser browser = application.browser(kind);
            signIn(browser, newUser(), "&mustEnroll=true&shape=" + shape);
            Response response = browser.get("/admin/x");
            assertTrue(response.isRedirect(), response::toString);
            assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", response.location().getPath());
            assertEquals(200, browser.follow(response).status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void withoutASignInThereIsNothingToSee(String kind) {
        Browser stranger = application.browser(kind);
        Response admin = stranger.get("/admin/x");
        assertEquals(403, admin.status(), admin::toString);
        assertFalse(admin.body().contains(AdminServlet.MARKER));
        Response token = stranger.get("/totpguard/token");
        assertTrue(token.isRedirect(), token::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/applogin/form", token.location().getPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aUserTurnsTheSecondFactorOnAndOffUnderPolicyOptional(String kind) throws Exception {
        String user = newUser();
        Browser browser = signedIn(kind, user);
        Response off = browser.get("/totpguard/manage");
        assertEquals(200, off.status(), off::toString);
        assertTrue(off.body().contains("Two-factor authentication is off."), off::toString);

        Response enroll = browser.get("/totpguard/enroll");
        String key = enroll.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
        fixture().rememberSecret(user, key.replace(" ", ""));
        Response codes = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", enroll.csrf(), "code", fixture().code(user)));
        assertTrue(codes.body().contains("Save your recovery codes"), codes::toString);
        Pages.assertAdminContent(browser.get("/admin/x"));
        fixture().nextStep();

        Response on = browser.get("/totpguard/manage");
        assertTrue(on.body().contains("Two-factor authentication is on."), on::toString);
        Response refused = browser.post("/totpguard/disable", Map.of("totpguard_csrf", on.csrf(), "code", fixture().wrongCode(user)));
        assertTrue(refused.body().contains("Invalid code. Nothing was changed."), refused::toString);
        assertTrue(fixture().service().status(user).isActive());
        Response disabled = browser.post("/totpguard/disable", Map.of("totpguard_csrf", on.csrf(), "code", fixture().code(user)));
        assertEquals(200, disabled.status(), disabled::toString);
        assertTrue(disabled.body().contains("Two-factor authentication is now off."), disabled::toString);
        assertEquals(TwoFactorStatus.State.NONE, fixture().service().status(user).state());
        // Turning it off revoked the account's sessions; the one that did it, with a current code, goes on.
        Pages.assertAdminContent(browser.get("/admin/x"));
    }

    private static TwoFactorFixture fixture() {
        return application.fixture();
    }
}
