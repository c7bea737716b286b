package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.LoggingTwoFactorListener;
import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Pages;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Remember this browser" (issue 17 section 1) over real HTTP, on a container FORM login with the store on H2 and the
 * policy trusting browsers for 30 days. Every known bypass has a case that fails on it: a cookie that signs in
 * without the password (scheb/two-factor-bundle, Laravel google2fa remember-me), trust that survives a credential
 * change (ASP.NET Core), a token of another account, an expired or revoked token, a tampered, garbage or huge cookie,
 * a cookie issued on a GET or without the CSRF token, and a trusted session on a step-up path.
 *
 * <p>The test browser (java.net.http's cookie handler) rightly keeps a {@code Secure} cookie off plain HTTP; a real
 * browser sends it over TLS. The cases check the cookie's attributes on the response and then hand its value back as
 * that browser would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TrustedBrowserContract {

    private static final String TOKEN = "/totpguard/token";
    private static final String STEP_UP = "/admin/critical/x";

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
    private GuardedApplication application;
    private TwoFactorFixture fixture;
    private TwoFactorPolicy policy;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        policy = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED)
                .issuer("TOTP Guard Test").addressLimit(0, Duration.ofMinutes(15)).trustedBrowserDays(30).build();
        LoggingTwoFactorListener log = new LoggingTwoFactorListener();
        // The test's requests come from loopback, a trusted proxy here, so X-Forwarded-For names the client.
        application = GuardedApplication.on(containerKind(), () -> TwoFactorFixture.h2(policy, event -> {
                    events.add(event);
                    log.onEvent(event);
                }), fixture -> new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(
                        TotpFilter.builder().service(fixture.service()).stepUpPaths("/admin/critical/*")
                                .trustedProxies("127.0.0.1, ::1").build()))).start();
        fixture = application.fixture();
    }

    @AfterAll
    void stop() throws Exception {
        if (application != null) {
            application.close();
        }
    }

    private String enrolledUser() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        return user;
    }

    /** Password, then the code with "trust this browser" ticked; returns the answer to the code form's POST. */
    private Response signInTrusting(Browser browser, String user) {
        Pages.assertRedirectsTo(TOKEN, browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user))));
        Response page = browser.get(TOKEN);
        assertTrue(page.body().contains("name=\"trust\""), () -> "the choice is offered: " + page);
        Response answer = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user),
                "trust", "on"), Map.of("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
        fixture.nextStep();
        Pages.assertRedirectsTo("/admin/start", answer);
        return answer;
    }

    /** The trust cookie on a response: its value, after checking its attributes. */
    private static String trustCookie(Response response) {
        List<String> cookies = response.headers("Set-Cookie").stream()
                .filter(c -> c.startsWith(TrustedBrowserCookie.NAME + "=") || c.startsWith(TrustedBrowserCookie.HOST_NAME + "=")).toList();
        assertEquals(1, cookies.size(), response::toString);
        String cookie = cookies.get(0);
        for (String attribute : List.of("; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=" + WebContainer.CONTEXT_PATH + ";",
                "; Max-Age=" + Duration.ofDays(30).toSeconds())) {
            assertTrue(cookie.contains(attribute), () -> attribute + " in " + cookie);
        }
        // Plain HTTP to /app: neither the conditions of the __Host- prefix (secure, path /) nor a Domain.
        assertTrue(cookie.startsWith(TrustedBrowserCookie.NAME + "="), cookie);
        assertFalse(cookie.toLowerCase(java.util.Locale.ROOT).contains("domain="), cookie);
        String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertEquals(43, value.length(), cookie);
        return value;
    }

    private static boolean setsTrustCookie(Response response) {
        return response.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith(TrustedBrowserCookie.NAME + "="));
    }

    /** A trusted browser of {@code user}: a fresh browser holding only the trust cookie, as after closing the browser. */
    private Browser trustedBrowser(String user) {
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        return browserWith(token);
    }

    private Browser browserWith(String token) {
        Browser browser = application.browser(containerKind());
        browser.setCookie(TrustedBrowserCookie.NAME, token);
        return browser;
    }

    /** The password of {@code user} on {@code browser}: where the filter sends the login next (not followed). */
    private Response password(Browser browser, String user) {
        return browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user)));
    }

    private static void assertCodeAsked(Response afterPassword) {
        Pages.assertRedirectsTo(TOKEN, afterPassword);
    }

    @Test
    void aTrustedBrowserSkipsTheCodeButNotThePassword() throws Exception {
        String user = enrolledUser();
        Browser browser = trustedBrowser(user);

        Response beforePassword = browser.get("/admin/start");
        assertFalse(beforePassword.body().contains(AdminServlet.MARKER), "the trust cookie alone authenticates: " + beforePassword);
        Pages.assertAdminContent(password(browser, user));
        Pages.assertAdminContent(browser.get("/admin/other"));
    }

    @Test
    void theTrustCookieAloneNeverSignsIn() throws Exception {
        String user = enrolledUser();
        Browser browser = trustedBrowser(user);
        Pages.assertAdminContent(password(browser, user));
        String token = browser.cookies().stream().filter(c -> c.getName().equals(TrustedBrowserCookie.NAME)).findFirst()
                .orElseThrow().getValue();

        // The session cookie is deleted (the browser closed); what remains is the trust cookie: the remember-me
        // bypass of scheb/two-factor-bundle and Laravel google2fa signed in here without a password.
        browser.clearCookies();
        browser.setCookie(TrustedBrowserCookie.NAME, token);
        for (String path : List.of("/admin/start", "/admin/x", TOKEN, "/totpguard/manage")) {
            Response response = browser.get(path);
            assertFalse(response.body().contains(AdminServlet.MARKER), () -> path + ": " + response);
            assertTrue(response.isRedirect() || response.body().contains(LoginPageServlet.LOGIN_MARKER), () -> path + ": " + response);
        }
    }

    @Test
    void withoutTheTickNoCookieAndTheCodeIsAskedNextTime() throws Exception {
        String user = enrolledUser();
        Browser first = application.browser(containerKind());
        Pages.assertRedirectsTo(TOKEN, password(first, user));
        Response answer = Login.submitCode(first, fixture.code(user));
        fixture.nextStep();
        Pages.assertRedirectsTo("/admin/start", answer);
        assertFalse(setsTrustCookie(answer), answer::toString);
        assertCodeAsked(password(application.browser(containerKind()), user));
    }

    @Test
    void theCookieIsIssuedOnlyByTheCodeFormsPostWithItsCsrfToken() throws Exception {
        String user = enrolledUser();
        Browser browser = application.browser(containerKind());
        Pages.assertRedirectsTo(TOKEN, password(browser, user));
        Response get = browser.get("/totpguard/verify?code=" + fixture.code(user) + "&trust=on");
        assertEquals(405, get.status(), get::toString);
        assertFalse(setsTrustCookie(get));
        Response noCsrf = browser.post("/totpguard/verify", Map.of("code", fixture.code(user), "trust", "on"));
        assertEquals(403, noCsrf.status(), noCsrf::toString);
        assertFalse(setsTrustCookie(noCsrf));
        Response page = browser.get(TOKEN);
        Response wrongCode = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.wrongCode(user),
                "trust", "on"));
        assertFalse(setsTrustCookie(wrongCode), wrongCode::toString);
        Response right = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user),
                "trust", "on"));
        fixture.nextStep();
        assertNotNull(trustCookie(right));
    }

    @Test
    void aTokenWorksForItsOwnAccountOnly() throws Exception {
        String alice = enrolledUser();
        String bob = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), alice));

        assertCodeAsked(password(browserWith(token), bob));
        Pages.assertAdminContent(password(browserWith(token), alice));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reset", "disable", "re-enroll", "lock", "password change", "admin revokes all"})
    void everyCredentialChangeEndsTheTrust(String change) throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        switch (change) {
            case "reset" -> {
                fixture.service().reset(user, "operator");
                fixture.enroll(user);
            }
            case "disable" -> {
                fixture.service().disable(user);
                fixture.enroll(user);
            }
            case "re-enroll" -> fixture.enroll(user);
            case "lock" -> {
                for (int i = 0; i < TwoFactorPolicy.defaults().maxFailures(); i++) {
                    fixture.service().verify(user, fixture.wrongCode(user), null);
                }
                fixture.service().unlock(user, "operator");
            }
            case "password change" -> fixture.service().revokeSessions(user);
            case "admin revokes all" -> assertEquals(1, fixture.service().revokeTrustedBrowsers(user, "operator", null));
            default -> throw new AssertionError(change);
        }
        fixture.clock().advance(Duration.ofSeconds(1));
        assertCodeAsked(password(browserWith(token), user));
    }

    @Test
    void anExpiredTokenAsksForTheCode() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        fixture.clock().advance(Duration.ofDays(30));
        assertCodeAsked(password(browserWith(token), user));
    }

    @Test
    void theUserForgetsOneBrowserOnTheSettingsPage() throws Exception {
        String user = enrolledUser();
        Browser settings = application.browser(containerKind());
        String forgotten = trustCookie(signInTrusting(settings, user));
        String kept = trustCookie(signInTrusting(application.browser(containerKind()), user));

        Response manage = settings.get("/totpguard/manage");
        assertEquals(200, manage.status(), manage::toString);
        assertTrue(manage.body().contains("Firefox / Linux, trusted since "), manage::toString);
        String id = fixture.service().trustedBrowsers(user).get(0).id();
        assertTrue(manage.body().contains("value=\"" + id + "\""), manage::toString);
        Response done = settings.post("/totpguard/forget", Map.of("totpguard_csrf", manage.csrf(), "browser", id));
        assertEquals(200, done.status(), done::toString);
        assertEquals(1, fixture.service().trustedBrowsers(user).size());

        assertCodeAsked(password(browserWith(forgotten), user));
        Pages.assertAdminContent(password(browserWith(kept), user));

        Response again = settings.get("/totpguard/manage");
        Response all = settings.post("/totpguard/forgetall", Map.of("totpguard_csrf", again.csrf()));
        assertEquals(200, all.status(), all::toString);
        assertTrue(all.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith(TrustedBrowserCookie.NAME + "=;")
                && c.contains("Max-Age=0")), all::toString);
        assertCodeAsked(password(browserWith(kept), user));
    }

    /**
     * Found by the attacker's pass: forgetting the browsers (say, of a stolen laptop) left the session that laptop had
     * opened with its trust signed in, up to the 12-hour maximum age. It ends now; the session that forgot goes on,
     * its verification unchanged (no step-up opened).
     */
    @Test
    void forgettingTheBrowsersEndsTheSessionsTheyOpened() throws Exception {
        String user = enrolledUser();
        Browser laptop = trustedBrowser(user);
        Pages.assertAdminContent(password(laptop, user));
        Browser settings = application.browser(containerKind());
        signInTrusting(settings, user);
        Pages.assertAdminContent(settings.get("/admin/x"));

        Response manage = settings.get("/totpguard/manage");
        Response all = settings.post("/totpguard/forgetall", Map.of("totpguard_csrf", manage.csrf()));
        assertEquals(200, all.status(), all::toString);

        Response ended = laptop.get("/admin/x");
        assertTrue(ended.isRedirect() && !ended.body().contains(AdminServlet.MARKER), ended::toString);
        assertCodeAsked(password(laptop, user));
        Pages.assertAdminContent(settings.get("/admin/x"));
        Pages.assertAdminContent(settings.get(STEP_UP));
    }

    /**
     * Forgetting one browser left the session that browser had opened with its trust signed in (only "forget all" ended
     * sessions). It ends now, at its next request; a session another trusted browser opened goes on, and so does the
     * session that forgets, even when it forgets its own browser.
     */
    @Test
    void forgettingOneBrowserEndsTheSessionItOpened() throws Exception {
        String user = enrolledUser();
        String laptopToken = trustCookie(signInTrusting(application.browser(containerKind()), user));
        String phoneToken = trustCookie(signInTrusting(application.browser(containerKind()), user));
        Browser laptop = browserWith(laptopToken);
        Pages.assertAdminContent(password(laptop, user));
        Browser phone = browserWith(phoneToken);
        Pages.assertAdminContent(password(phone, user));
        List<dev.totpguard.store.TrustedBrowser> browsers = fixture.service().trustedBrowsers(user);
        assertEquals(2, browsers.size());

        Response manage = phone.get("/totpguard/manage");
        assertEquals(200, manage.status(), manage::toString);
        Response done = phone.post("/totpguard/forget", Map.of("totpguard_csrf", manage.csrf(), "browser", browsers.get(0).id()));
        assertEquals(200, done.status(), done::toString);

        Response ended = laptop.get("/admin/x");
        assertFalse(ended.body().contains(AdminServlet.MARKER), () -> "the forgotten browser's session goes on: " + ended);
        assertTrue(ended.isRedirect(), ended::toString);
        assertCodeAsked(password(laptop, user));
        Pages.assertAdminContent(phone.get("/admin/x"));

        // The phone's session forgets its own browser: it goes on, its next sign-in asks for the code.
        Response again = phone.get("/totpguard/manage");
        Response own = phone.post("/totpguard/forget", Map.of("totpguard_csrf", again.csrf(), "browser", browsers.get(1).id()));
        assertEquals(200, own.status(), own::toString);
        Pages.assertAdminContent(phone.get("/admin/x"));
        Pages.assertRedirectsTo(TOKEN, phone.get(STEP_UP));
        assertCodeAsked(password(browserWith(phoneToken), user));
    }

    /** Another node learns that a browser was forgotten from the store, within totpguard.sessions.refresh. */
    @Test
    void aBrowserForgottenOnAnotherNodeEndsTheSessionWithinTheRefresh() throws Exception {
        String user = enrolledUser();
        Browser laptop = trustedBrowser(user);
        Pages.assertAdminContent(password(laptop, user));
        TwoFactorService otherNode = fixture.otherNode();
        assertTrue(otherNode.revokeTrustedBrowser(user, fixture.service().trustedBrowsers(user).get(0).id(), null, null));

        fixture.clock().advance(policy.sessionRefresh());
        Response ended = laptop.get("/admin/x");
        assertFalse(ended.body().contains(AdminServlet.MARKER), () -> "forgotten on another node: " + ended);
    }

    /**
     * The audit events of trusted browsers name the client as the code checks do: the address a trusted proxy reports
     * (the right-most hop that is not a trusted proxy), never the raw X-Forwarded-For.
     */
    @Test
    void trustedBrowserEventsCarryTheClientAddress() throws Exception {
        String user = enrolledUser();
        Browser first = application.browser(containerKind());
        Pages.assertRedirectsTo(TOKEN, password(first, user));
        Response page = first.get(TOKEN);
        Response answer = first.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user),
                "trust", "on"), Map.of(FORWARDED_FOR, "198.51.100.66, 203.0.113.10"));
        fixture.nextStep();
        String token = trustCookie(answer);

        // Every request of this login from the same client (Tomcat replays the saved first request after the login).
        Browser second = browserWith(token);
        Map<String, String> client = Map.of(FORWARDED_FOR, "203.0.113.11");
        Response protectedPage = second.get("/admin/start", client);
        Response loginForm = protectedPage.isRedirect() ? second.follow(protectedPage) : protectedPage;
        assertTrue(loginForm.body().contains(LoginPageServlet.LOGIN_MARKER), loginForm::toString);
        second.post("/j_security_check", Map.of("j_username", user, "j_password", Login.passwordOf(user)), client);
        Pages.assertAdminContent(second.get("/admin/start", client));
        Response manage = second.get("/totpguard/manage");
        String id = fixture.service().trustedBrowsers(user).get(0).id();
        assertEquals(200, second.post("/totpguard/forget", Map.of("totpguard_csrf", manage.csrf(), "browser", id),
                Map.of(FORWARDED_FOR, "203.0.113.12")).status());
        Response more = second.get("/totpguard/manage");
        assertEquals(200, second.post("/totpguard/forgetall", Map.of("totpguard_csrf", more.csrf()),
                Map.of(FORWARDED_FOR, "203.0.113.13")).status());

        assertEquals(List.of("203.0.113.10"), addresses(user, TwoFactorEvent.Type.BROWSER_TRUSTED));
        assertEquals(List.of("203.0.113.11"), addresses(user, TwoFactorEvent.Type.TRUSTED_BROWSER_USED));
        assertEquals(List.of("203.0.113.12", "203.0.113.13"), addresses(user, TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED));
    }

    private List<String> addresses(String user, TwoFactorEvent.Type type) {
        return events.stream().filter(event -> event.type() == type && event.user().equals(user))
                .map(event -> event.clientAddress().orElse("(none)")).toList();
    }

    /**
     * Turning the feature off and on again revived the old entries, whose rows stayed. A node with the feature off deletes
     * them all when it starts, and deletes the entry of a cookie it is still sent (clearing the cookie); on again, the
     * old cookie asks for the code.
     */
    @Test
    void turningTheFeatureOffForgetsTheBrowsersSoTurningItOnRevivesNone() throws Exception {
        String user = enrolledUser();
        String before = trustCookie(signInTrusting(application.browser(containerKind()), user));
        TwoFactorPolicy off = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED)
                .issuer("TOTP Guard Test").addressLimit(0, Duration.ofMinutes(15)).build();
        TwoFactorService offNode = fixture.otherNode(off);
        assertEquals(List.of(), fixture.service().trustedBrowsers(user), "deleted at the start of a node with the feature off");
        assertCodeAsked(password(browserWith(before), user));

        // A node that still trusts browsers (a rolling restart) trusts one more; the node with the feature off sees it.
        String leftover = trustCookie(signInTrusting(application.browser(containerKind()), user));
        try (WebContainer offContainer = WebContainer.start(containerKind(), new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                .initializer(TotpFilter.initializer(TotpFilter.builder().service(offNode).build())))) {
            Browser browser = new Browser(offContainer.base());
            browser.setCookie(TrustedBrowserCookie.NAME, leftover);
            Response afterPassword = browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user)));
            assertCodeAsked(afterPassword);
            assertTrue(afterPassword.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith(TrustedBrowserCookie.NAME + "=;")
                    && c.contains("Max-Age=0")), () -> "the leftover cookie is cleared: " + afterPassword);
        }
        assertEquals(List.of(), fixture.service().trustedBrowsers(user), "its entry is deleted");
        assertCodeAsked(password(browserWith(leftover), user));
    }

    @Test
    void forgettingWithoutTheCsrfTokenChangesNothing() throws Exception {
        String user = enrolledUser();
        Browser settings = application.browser(containerKind());
        trustCookie(signInTrusting(settings, user));
        Response refused = settings.post("/totpguard/forgetall", Map.of());
        assertEquals(403, refused.status(), refused::toString);
        assertEquals(1, fixture.service().trustedBrowsers(user).size());
    }

    @Test
    void tamperedGarbageAndHugeCookiesAreIgnoredAndTheCodeIsAsked() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        String tampered = (token.charAt(5) == 'A' ? "B" : "A");
        tampered = token.substring(0, 5) + tampered + token.substring(6);
        for (String value : List.of(tampered, "x", "A".repeat(43), "-".repeat(43), token.substring(1), token + "A",
                "Z".repeat(4000))) {
            Browser browser = browserWith(value);
            Response afterPassword = password(browser, user);
            assertCodeAsked(afterPassword);
            Response page = browser.follow(afterPassword);
            assertEquals(200, page.status(), () -> value.length() + " characters: " + page);
        }
    }

    @Test
    void aTrustedSessionGivesTheCodeOnAStepUpPath() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        Browser browser = browserWith(token);
        Pages.assertAdminContent(password(browser, user));

        Response stepUp = browser.get(STEP_UP);
        Pages.assertRedirectsTo(TOKEN, stepUp);
        Response answer = Login.submitCode(browser, fixture.code(user));
        fixture.nextStep();
        Pages.assertRedirectsTo(STEP_UP, answer);
        Pages.assertAdminContent(browser.get(STEP_UP));
    }

    @Test
    void aTrustedSessionPastItsMaximumAgeGivesTheCodeNotTheCookie() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        Browser browser = browserWith(token);
        Pages.assertAdminContent(password(browser, user));

        // The login is twelve hours old (totpguard.filter.max-age): the cookie stands in for the code of a password
        // just typed, not for this one.
        fixture.clock().advance(Duration.ofHours(12).plusSeconds(1));
        Pages.assertRedirectsTo(TOKEN, browser.get("/admin/x"));
    }

    @Test
    void aLoginThatStartsOnAStepUpPathGivesTheCode() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        Browser browser = browserWith(token);
        Response afterPassword = browser.follow(Login.formLogin(browser, STEP_UP, user, Login.passwordOf(user)));
        assertCodeAsked(afterPassword);
    }

    @Test
    void theSettingsPageStillAsksForACodePerChange() throws Exception {
        String user = enrolledUser();
        String token = trustCookie(signInTrusting(application.browser(containerKind()), user));
        Browser browser = browserWith(token);
        Pages.assertAdminContent(password(browser, user));
        Response manage = browser.get("/totpguard/manage");
        assertEquals(200, manage.status(), manage::toString);
        Response noCode = browser.post("/totpguard/regenerate", Map.of("totpguard_csrf", manage.csrf(), "code", ""));
        assertFalse(noCode.body().contains("id=\"recovery-codes\""), noCode::toString);
        Response wrongCode = browser.post("/totpguard/disable", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.wrongCode(user)));
        assertFalse(wrongCode.body().contains("manage.disable.done"), wrongCode::toString);
        assertTrue(fixture.service().status(user).isActive(), "a trusted browser turned the second factor off without a code");
    }
}
