package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Pages;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter's behaviour over real HTTP, with container FORM login, the H2 store and policy REQUIRED. The
 * same tests run on Jetty 12 ({@link JettyTotpFilterIT}) and Tomcat 11 ({@link TomcatTotpFilterIT}); each
 * subclass starts its container once. Every test uses its own realm user, so lockouts and used steps of
 * one test never meet another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TotpFilterContract {

    static final String TOKEN = "/totpguard/token";
    static final String ENROLL = "/totpguard/enroll";

    private GuardedApplication application;
    TwoFactorFixture fixture;
    WebContainer container;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        application = GuardedApplication.on(containerKind(), () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
                fixture -> new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(
                        TotpFilter.builder().service(fixture.service())
                                .stepUpPaths("/admin/security/*")
                                .maxAge(java.time.Duration.parse("PT8H"))
                                .protectedPaths("/admin/*", "/ops/*")
                                .build()))).start();
        fixture = application.fixture();
        container = application.container();
    }

    @AfterAll
    void stop() throws Exception {
        if (application != null) {
            application.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    String newUser() {
        return application.newUser("user");
    }

    Browser browser() {
        return application.browser(containerKind());
    }

    /** Password login on {@code path}; returns the filter's redirect that follows it (not followed). */
    Response passwordOnly(Browser browser, String user, String path) {
        Response back = Login.formLogin(browser, path, user, Login.passwordOf(user));
        return browser.follow(back);
    }

    Response submitCode(Browser browser, String code) {
        return Login.submitCode(browser, code);
    }

    /** An enrolled user who passed both factors; the browser holds the verified session. */
    Browser verified(String user) throws Exception {
        fixture.enroll(user);
        Browser browser = browser();
        Login.bothFactors(browser, fixture, user, "/admin/start");
        return browser;
    }

    static void assertRedirectsTo(String path, Response response) {
        Pages.assertRedirectsTo(path, response);
    }

    static void assertAdminContent(Response response) {
        Pages.assertAdminContent(response);
    }

    /**
     * The token or enrollment page, a sign-in, or a 4xx; never protected content. A 200 is accepted only for
     * the login form or a public page (a URI such as /admin/.. that the container resolves outside /admin).
     */
    void assertGuarded(Response response) {
        assertFalse(response.body().contains(AdminServlet.MARKER), () -> "protected content leaked: " + response);
        if (response.isRedirect()) {
            String path = response.location().getPath();
            // The token or enrollment page, or a sign-in: the container's login page or the filter's login path.
            // Or the public context root, where a container sends a URI such as /admin/.. that leaves /admin.
            assertTrue(path.equals(WebContainer.CONTEXT_PATH + TOKEN) || path.equals(WebContainer.CONTEXT_PATH + ENROLL)
                    || path.equals(WebContainer.CONTEXT_PATH + "/login") || path.equals(WebContainer.CONTEXT_PATH + "/admin/")
                    || path.equals(WebContainer.CONTEXT_PATH + "/"),
                    response::toString);
        } else {
            assertTrue(response.status() >= 400 && response.status() < 500
                    || (response.status() == 200 && (response.body().contains(LoginPageServlet.LOGIN_MARKER)
                            || response.body().contains("PUBLIC "))),
                    response::toString);
        }
    }

    static void assertProtectiveHeaders(Response response) {
        assertEquals("no-store", response.header("Cache-Control").orElse(null), response::toString);
        assertEquals("no-referrer", response.header("Referrer-Policy").orElse(null), response::toString);
        String csp = response.header("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("default-src 'none'"), csp);
    }

    // ---- the main flow ---------------------------------------------------------------------------------

    @Test
    void passwordThenCodeLeadsBackToTheOriginalPage() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        Response toToken = passwordOnly(browser, user, "/admin/reports?year=2026&sort=name");
        assertRedirectsTo(TOKEN, toToken);
        assertEquals("no-store", toToken.header("Cache-Control").orElse(null));

        Response page = browser.follow(toToken);
        assertEquals(200, page.status(), page::toString);
        assertProtectiveHeaders(page);
        assertTrue(page.body().contains("<label for=\"code\">Token Code</label>"), page::toString);
        assertTrue(page.body().contains("autocomplete=\"one-time-code\""), page::toString);
        assertTrue(page.body().contains("inputmode=\"numeric\""), page::toString);
        assertTrue(page.body().contains("Use a recovery code"), page::toString);
        assertTrue(page.body().contains("Sign out"), page::toString);

        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertEquals(303, accepted.status(), accepted::toString);
        assertRedirectsTo("/admin/reports", accepted);
        assertEquals("year=2026&sort=name", accepted.location().getRawQuery());
        Response content = browser.follow(accepted);
        assertAdminContent(content);
        assertTrue(content.body().contains("for " + user), content::toString);
        // The verified session now passes without asking again.
        assertAdminContent(browser.get("/admin/other"));
        assertAdminContent(browser.get("/ops/secret.txt"));
    }

    @Test
    void theSessionIdChangesAfterThePasswordAndAgainAfterTheCode() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        Response challenge = browser.get("/admin/x");
        Response form = challenge.isRedirect() ? browser.follow(challenge) : challenge;
        assertTrue(form.body().contains(LoginPageServlet.LOGIN_MARKER), form::toString);
        String beforePassword = browser.cookie("JSESSIONID");
        assertNotNull(beforePassword);
        Response back = browser.post("/j_security_check", Map.of("j_username", user, "j_password", Login.passwordOf(user)));
        String afterPassword = browser.cookie("JSESSIONID");
        assertNotEquals(beforePassword, afterPassword, "the container renews the id at the password step");
        assertRedirectsTo(TOKEN, browser.follow(back));

        Response accepted = submitCode(browser, fixture.code(user));
        assertRedirectsTo("/admin/x", accepted);
        String afterCode = browser.cookie("JSESSIONID");
        assertNotEquals(afterPassword, afterCode, "the filter renews the id at the code step");
        assertAdminContent(browser.follow(accepted));

        // A fixed or stolen earlier id is worth nothing: not verified, not even half-authenticated.
        for (String oldId : List.of(beforePassword, afterPassword)) {
            Browser attacker = browser();
            attacker.setCookie("JSESSIONID", oldId);
            Response withOldId = attacker.get("/admin/x");
            assertGuarded(withOldId);
            assertFalse(withOldId.isRedirect() && withOldId.location().getPath().endsWith(TOKEN),
                    "an old session id must not even be half-authenticated: " + withOldId);
        }
    }

    @Test
    void aReplayedCodeIsRefusedEvenFromAnotherSession() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        String code = fixture.code(user);
        Browser first = browser();
        passwordOnly(first, user, "/admin/x");
        assertRedirectsTo("/admin/x", submitCode(first, code));

        Browser second = browser();
        assertRedirectsTo(TOKEN, passwordOnly(second, user, "/admin/x"));
        Response replayed = submitCode(second, code);
        assertEquals(200, replayed.status(), replayed::toString);
        assertTrue(replayed.body().contains("Invalid code. Please try again."), replayed::toString);
        assertGuarded(second.get("/admin/x"));

        fixture.nextStep();
        assertRedirectsTo("/admin/x", submitCode(second, fixture.code(user)));
    }

    @Test
    void wrongCodesLockTheSecondFactorAndShowWhenToRetry() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        for (int i = 0; i < 5; i++) {
            Response wrong = submitCode(browser, fixture.wrongCode(user));
            assertEquals(200, wrong.status(), wrong::toString);
            assertTrue(wrong.body().contains("Invalid code. Please try again."), wrong::toString);
        }
        Response lockedWrong = submitCode(browser, fixture.wrongCode(user));
        assertEquals(429, lockedWrong.status(), lockedWrong::toString);
        assertTrue(lockedWrong.body().contains("Too many attempts. Try again in 1 minute."), lockedWrong::toString);
        assertEquals("60", lockedWrong.header("Retry-After").orElse(null));

        // The right code during the lockout gets the very same answer (attack case 7).
        Response lockedRight = submitCode(browser, fixture.code(user));
        assertEquals(lockedWrong.status(), lockedRight.status());
        // The answer sits at the Token Code field (issue 15, item 2).
        assertEquals(lockedWrong.find("<p id=\"code-error\" class=\"error\">([^<]*)</p>"),
                lockedRight.find("<p id=\"code-error\" class=\"error\">([^<]*)</p>"));
        assertGuarded(browser.get("/admin/x"));

        fixture.clock().advance(Duration.ofMinutes(2));
        assertRedirectsTo("/admin/x", submitCode(browser, fixture.code(user)));
    }

    @Test
    void garbageCodesGetTheGenericAnswerNotAnError() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        for (String garbage : List.of("", "12345", "1234567", " 123456", "+12345", "\uff11\uff12\uff13\uff14\uff15\uff16",
                "<script>alert(1)</script>", "x".repeat(10_000))) {
            Response response = submitCode(browser, garbage);
            assertEquals(200, response.status(), response::toString);
            assertTrue(response.body().contains("Invalid code. Please try again."), response::toString);
            assertFalse(response.body().contains("<script>alert"), "never echoed: " + response);
            fixture.service().unlock(user, "test");
        }
    }

    @Test
    void aRecoveryCodeWorksOnce() throws Exception {
        String user = newUser();
        List<String> codes = fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response form = browser.get("/totpguard/recovery");
        assertEquals(200, form.status(), form::toString);
        assertProtectiveHeaders(form);
        assertTrue(form.body().contains("<label for=\"recovery-code\">Recovery code</label>"), form::toString);
        Response accepted = browser.post("/totpguard/recover", Map.of("totpguard_csrf", form.csrf(), "code", codes.get(3)));
        assertRedirectsTo("/admin/x", accepted);
        assertAdminContent(browser.follow(accepted));

        Browser again = browser();
        passwordOnly(again, user, "/admin/x");
        Response page = again.get("/totpguard/recovery");
        Response reused = again.post("/totpguard/recover", Map.of("totpguard_csrf", page.csrf(), "code", codes.get(3)));
        assertEquals(200, reused.status(), reused::toString);
        assertTrue(reused.body().contains("Invalid recovery code."), reused::toString);
        assertGuarded(again.get("/admin/x"));
    }

    @Test
    void aNewUserMustEnrollUnderPolicyRequired() throws Exception {
        String user = newUser();
        Browser browser = browser();
        Response toEnroll = passwordOnly(browser, user, "/admin/settings?tab=2");
        assertRedirectsTo(ENROLL, toEnroll);
        Response page = browser.follow(toEnroll);
        assertEquals(200, page.status(), page::toString);
        assertProtectiveHeaders(page);
        assertTrue(page.body().contains("<img src=\"data:image/png;base64,"), page::toString);
        assertTrue(page.body().contains("Google Authenticator"), page::toString);
        assertTrue(page.body().contains("<dd id=\"issuer\">TOTP Guard Test</dd>"), page::toString);
        assertTrue(page.body().contains("<dd id=\"account\">" + user + "</dd>"), page::toString);
        assertTrue(page.body().contains("<label for=\"code\">Token Code</label>"), page::toString);
        assertTrue(page.body().contains(">Save Changes</button>"), page::toString);
        String groupedKey = page.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
        assertTrue(groupedKey.matches("([A-Z2-7]{4} )+[A-Z2-7]{1,4}"), groupedKey);
        fixture.rememberSecret(user, groupedKey.replace(" ", ""));

        // A reload shows the same pending secret again, not a new one.
        assertEquals(groupedKey, browser.get(ENROLL).find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>"));

        Response wrong = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", page.csrf(), "code", fixture.wrongCode(user)));
        assertEquals(200, wrong.status(), wrong::toString);
        assertTrue(wrong.body().contains("That code does not match."), wrong::toString);
        assertGuarded(browser.get("/admin/settings?tab=2"));

        String before = browser.cookie("JSESSIONID");
        Response codes = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertEquals(200, codes.status(), codes::toString);
        assertProtectiveHeaders(codes);
        assertNotEquals(before, browser.cookie("JSESSIONID"));
        String shown = codes.find("<pre class=\"codes\" id=\"recovery-codes\"[^>]*>([^<]*)</pre>");
        assertEquals(10, shown.strip().split("\n").length, shown);
        assertTrue(codes.body().contains("download=\"recovery-codes.txt\" href=\"data:text/plain;charset=utf-8,"),
                codes::toString);
        assertTrue(codes.body().contains("id=\"copy-codes\""), codes::toString);
        assertFalse(codes.body().contains(groupedKey), "the key is not shown again");
        String next = codes.find("<a href=\"([^\"]+)\">Continue</a>");
        assertEquals(WebContainer.CONTEXT_PATH + "/admin/settings?tab=2", next.replace("&amp;", "&"));
        assertAdminContent(browser.get(URI.create(container.base().getScheme() + "://"
                + container.base().getAuthority() + next.replace("&amp;", "&"))));

        // Shown once: the enrollment page does not come back, not even to the user who just enrolled.
        Response enrollAgain = browser.get(ENROLL);
        assertRedirectsTo("/totpguard/manage", enrollAgain);
    }

    @Test
    void signingOutVoidsTheVerification() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        assertAdminContent(browser.get("/admin/x"));
        Response form = browser.get("/totpguard/manage");
        Response signOut = browser.post("/totpguard/logout", Map.of("totpguard_csrf", form.csrf()));
        assertEquals(303, signOut.status(), signOut::toString);
        assertRedirectsTo("/admin/", signOut);
        Response afterSignOut = browser.get("/admin/x");
        assertGuarded(afterSignOut);

        // The application's own logout (session invalidated) voids it as well.
        Browser other = verified(newUser());
        assertEquals("LOGGED OUT", other.get("/public/logout").body());
        assertGuarded(other.get("/admin/x"));
    }

    @Test
    void aNewLoginInTheSameSessionAsksForTheCodeAgain() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        assertAdminContent(browser.get("/admin/x"));
        // request.logout() then request.login() as the same user, the session kept: a new login, password only.
        Response again = browser.get("/public/relogin?user=" + user + "&password=" + Login.passwordOf(user));
        assertEquals("SIGNED IN AGAIN " + user, again.body(), again::toString);
        assertRedirectsTo(TOKEN, browser.get("/admin/x"));
    }

    @Test
    void aSessionWhoseLoginEndedAsksForTheCodeAfterTheNextLogin() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        assertAdminContent(browser.get("/admin/x"));
        // The container login ends (request.logout(), no invalidation); the session and its cookie live on.
        assertEquals("SIGNED OUT null", browser.get("/public/signout").body());
        // The same user signs in again through the container's form: the password alone, so the code again.
        assertRedirectsTo(TOKEN, passwordOnly(browser, user, "/admin/x"));
        assertGuarded(browser.get("/admin/x"));
    }

    @Test
    void theHalfAuthenticatedStateExpiresBackToTheLogin() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response page = browser.get(TOKEN);
        fixture.clock().advance(Duration.ofMinutes(5).plusSeconds(1));
        Response late = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertRedirectsTo("/admin/", late);
        Response login = browser.get("/admin/x");
        if (login.isRedirect()) {
            login = browser.follow(login);
        }
        assertTrue(login.body().contains(LoginPageServlet.LOGIN_MARKER), login::toString);
    }

    @Test
    void theTokenFormIgnoresAnyUserNameSentWithIt() throws Exception {
        String victim = newUser();
        String attacker = newUser();
        fixture.enroll(victim);
        fixture.enroll(attacker);
        Browser browser = browser();
        passwordOnly(browser, victim, "/admin/x");
        Response page = browser.get(TOKEN);
        Response foreign = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(attacker),
                "username", attacker, "userId", attacker, "j_username", attacker));
        assertTrue(foreign.body().contains("Invalid code"), foreign::toString);
        Response own = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(victim),
                "username", attacker));
        assertRedirectsTo("/admin/x", own);
        assertTrue(browser.follow(own).body().contains("for " + victim));
    }

    @Test
    void thePagesNeedThePasswordFirst() {
        Browser stranger = browser();
        for (String page : List.of(TOKEN, "/totpguard/recovery", ENROLL, "/totpguard/manage")) {
            Response response = stranger.get(page);
            assertRedirectsTo("/admin/", response);
        }
    }

    // ---- CSRF and methods --------------------------------------------------------------------------------

    @Test
    void aPostWithoutAValidCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response page = browser.get(TOKEN);
        String code = fixture.code(user);
        Response missing = browser.post("/totpguard/verify", Map.of("code", code));
        assertEquals(403, missing.status(), missing::toString);
        assertProtectiveHeaders(missing);
        Response wrongToken = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf() + "x", "code", code));
        assertEquals(403, wrongToken.status(), wrongToken::toString);
        Response foreignOrigin = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code),
                Map.of("Origin", "https://evil.example"));
        assertEquals(403, foreignOrigin.status(), foreignOrigin::toString);
        Response crossSite = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code),
                Map.of("Sec-Fetch-Site", "cross-site"));
        assertEquals(403, crossSite.status(), crossSite::toString);
        Response opaqueOriginCrossSite = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code),
                Map.of("Origin", "null", "Sec-Fetch-Site", "cross-site"));
        assertEquals(403, opaqueOriginCrossSite.status(), opaqueOriginCrossSite::toString);
        Response opaqueOriginUnknownSite = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code),
                Map.of("Origin", "null"));
        assertEquals(403, opaqueOriginUnknownSite.status(), opaqueOriginUnknownSite::toString);
        // Nothing was evaluated: the same code still works, from this origin.
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code),
                Map.of("Origin", container.base().getScheme() + "://" + container.base().getAuthority(),
                        "Sec-Fetch-Site", "same-origin"));
        assertRedirectsTo("/admin/x", accepted);
    }

    @Test
    void theFiltersOwnFormPostedByABrowserWithOriginNullIsAccepted() throws Exception {
        // A browser posting a form from a page sent with "Referrer-Policy: no-referrer" sends "Origin: null" and,
        // because the form is this server's own, "Sec-Fetch-Site: same-origin" (seen with Chromium).
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)),
                Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin"));
        assertRedirectsTo("/admin/x", accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/totpguard/verify", "/totpguard/recover", "/totpguard/confirm", "/totpguard/reenroll",
        "/totpguard/regenerate", "/totpguard/disable", "/totpguard/logout"})
    void aGetToAStateChangingActionIs405(String action) throws Exception {
        Browser browser = verified(newUser());
        Response response = browser.get(action);
        assertEquals(405, response.status(), response::toString);
        assertEquals("POST", response.header("Allow").orElse(null));
        assertAdminContent(browser.get("/admin/x"));
    }

    @Test
    void aPostWhileUnverifiedIsNotReplayed() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        String counterBefore = browser.get("/public/counter").body();
        Response post = browser.post("/admin/counter", Map.of("amount", "1000"));
        assertEquals(303, post.status(), post::toString);
        assertRedirectsTo(TOKEN, post);
        assertEquals("", post.body());
        assertEquals(counterBefore, browser.get("/public/counter").body());
        Response accepted = submitCode(browser, fixture.code(user));
        // Back to the last GET target, never to the POST.
        assertRedirectsTo("/admin/x", accepted);
        assertEquals(counterBefore, browser.get("/public/counter").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void everyMethodOnAProtectedPathGoesToTheTokenPageWithAnEmptyBody(String method) throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        String counterBefore = browser.get("/public/counter").body();
        Response response = browser.send(method, "/admin/counter");
        assertRedirectsTo(TOKEN, response);
        assertEquals("", response.body());
        assertEquals(counterBefore, browser.get("/public/counter").body());
    }

    // ---- dispatcher types and other login paths -----------------------------------------------------------

    @Test
    void forwardIncludeErrorPageAndAsyncDispatchAreGuarded() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        assertGuarded(browser.get("/public/forward?to=/admin/x"));
        Response include = browser.get("/public/include?to=/admin/x");
        assertFalse(include.body().contains(AdminServlet.MARKER), include::toString);
        assertGuarded(browser.get("/public/boom"));
        assertGuarded(browser.get("/public/async?to=/admin/x"));

        // Anonymous: the same routes reach nothing either.
        Browser stranger = browser();
        assertGuarded(stranger.get("/public/forward?to=/admin/x"));
        assertFalse(stranger.get("/public/include?to=/admin/x").body().contains(AdminServlet.MARKER));
        assertGuarded(stranger.get("/public/boom"));
        assertGuarded(stranger.get("/public/async?to=/admin/x"));

        // And once verified they all work: the filter guards, it does not break them.
        Response accepted = submitCode(browser, fixture.code(user));
        assertRedirectsTo("/admin/x", accepted);
        assertAdminContent(browser.get("/public/forward?to=/admin/x"));
        assertTrue(browser.get("/public/include?to=/admin/x").body().contains(AdminServlet.MARKER));
        assertTrue(browser.get("/public/boom").body().contains(AdminServlet.MARKER + " GET /admin/error"));
        assertAdminContent(browser.get("/public/async?to=/admin/x"));
    }

    @Test
    void aProgrammaticLoginStillNeedsTheCode() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        Response response = browser.get("/public/login?user=" + user + "&password=" + Login.passwordOf(user)
                + "&to=/admin/x");
        assertGuarded(response);
    }

    // ---- step-up and maximum age -------------------------------------------------------------------------

    @Test
    void aStepUpPathWantsARecentCode() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        assertAdminContent(browser.get("/admin/security/keys"));
        fixture.clock().advance(Duration.ofMinutes(6));
        assertAdminContent(browser.get("/admin/x"));
        Response stepUp = browser.get("/admin/security/keys");
        assertRedirectsTo(TOKEN, stepUp);
        Response accepted = submitCode(browser, fixture.code(user));
        assertRedirectsTo("/admin/security/keys", accepted);
        assertAdminContent(browser.follow(accepted));
    }

    @Test
    void aVerifiedSessionAsksAgainAfterTheMaximumAge() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        fixture.clock().advance(Duration.ofHours(8).plusMinutes(1));
        assertRedirectsTo(TOKEN, browser.get("/admin/x"));
        Response accepted = submitCode(browser, fixture.code(user));
        assertRedirectsTo("/admin/x", accepted);
    }

    // ---- managing the second factor -------------------------------------------------------------------------

    @Test
    void anEnrolledUserSeesNoQrCodeWithoutACurrentCode() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser halfway = browser();
        passwordOnly(halfway, user, "/admin/x");
        assertRedirectsTo(TOKEN, halfway.get(ENROLL));
        Response token = halfway.get(TOKEN);
        Response confirm = halfway.post("/totpguard/confirm", Map.of("totpguard_csrf", token.csrf(), "code", "123456"));
        assertEquals(403, confirm.status(), confirm::toString);

        Browser browser = verified(user);
        assertRedirectsTo("/totpguard/manage", browser.get(ENROLL));
        Response manage = browser.get("/totpguard/manage");
        assertEquals(200, manage.status(), manage::toString);
        Response refused = browser.post("/totpguard/reenroll", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.wrongCode(user)));
        assertTrue(refused.body().contains("Invalid code. Nothing was changed."), refused::toString);
        assertFalse(refused.body().contains("data:image/png"), refused::toString);

        Response qr = browser.post("/totpguard/reenroll", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.code(user)));
        assertEquals(200, qr.status(), qr::toString);
        assertProtectiveHeaders(qr);
        String newKey = qr.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
        fixture.nextStep();
        fixture.rememberSecret(user, newKey.replace(" ", ""));
        Response codes = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", qr.csrf(), "code", fixture.code(user)));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("Save your recovery codes"), codes::toString);

        fixture.nextStep();
        Browser next = browser();
        passwordOnly(next, user, "/admin/x");
        assertRedirectsTo("/admin/x", submitCode(next, fixture.code(user)));
    }

    /**
     * A lost phone: the user signs in with a recovery code and must be able to set up a new authenticator with another
     * one (the page refused every recovery code before, leaving only an administrator's reset). A recovery code is used
     * up like at sign-in and a wrong one counts like a wrong code.
     */
    @Test
    void aLostPhoneSetsUpANewAuthenticatorWithARecoveryCode() throws Exception {
        String user = newUser();
        List<String> codes = fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response form = browser.get("/totpguard/recovery");
        assertRedirectsTo("/admin/x", browser.post("/totpguard/recover", Map.of("totpguard_csrf", form.csrf(), "code", codes.get(0))));
        Response manage = browser.get("/totpguard/manage");
        assertEquals(200, manage.status(), manage::toString);
        assertTrue(manage.body().contains("<label for=\"code-reenroll\">Code from your app or a recovery code</label>"),
                manage::toString);
        assertFalse(manage.body().contains("pattern=\"[0-9 ]*\""), "a recovery code is letters too: " + manage);

        Response wrong = browser.post("/totpguard/reenroll", Map.of("totpguard_csrf", manage.csrf(), "code", "aaaaa-aaaaa"));
        assertTrue(wrong.body().contains("Invalid code. Nothing was changed."), wrong::toString);
        assertEquals(1, fixture.service().status(user).failureCount(), "a wrong recovery code counts like a wrong code");
        Response used = browser.post("/totpguard/reenroll", Map.of("totpguard_csrf", manage.csrf(), "code", codes.get(0)));
        assertTrue(used.body().contains("Invalid code. Nothing was changed."), "the code of the sign-in is used up: " + used);

        Response qr = browser.post("/totpguard/reenroll", Map.of("totpguard_csrf", manage.csrf(),
                "code", codes.get(1).toUpperCase(java.util.Locale.ROOT)));
        assertEquals(200, qr.status(), qr::toString);
        String newKey = qr.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
        fixture.rememberSecret(user, newKey.replace(" ", ""));
        Response confirmed = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", qr.csrf(), "code", fixture.code(user)));
        assertEquals(200, confirmed.status(), confirmed::toString);
        assertTrue(confirmed.body().contains("Save your recovery codes"), confirmed::toString);
        fixture.nextStep();

        Response again = browser.get("/totpguard/manage");
        String fresh = confirmed.find("<pre class=\"codes\" id=\"recovery-codes\"[^>]*>([^<]*)</pre>").strip().split("\n")[0];
        Response regenerated = browser.post("/totpguard/regenerate", Map.of("totpguard_csrf", again.csrf(), "code", fresh));
        assertEquals(200, regenerated.status(), regenerated::toString);
        assertTrue(regenerated.body().contains("id=\"recovery-codes\""), "new recovery codes with a recovery code: " + regenerated);

        Browser next = browser();
        passwordOnly(next, user, "/admin/x");
        assertRedirectsTo("/admin/x", submitCode(next, fixture.code(user)));
    }

    @Test
    void newRecoveryCodesNeedACurrentCodeAndVoidTheOldOnes() throws Exception {
        String user = newUser();
        List<String> old = fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        assertRedirectsTo("/admin/x", submitCode(browser, fixture.code(user)));
        fixture.nextStep();
        Response manage = browser.get("/totpguard/manage");
        assertTrue(manage.body().contains("Recovery codes left: 10."), manage::toString);
        Response refused = browser.post("/totpguard/regenerate", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.wrongCode(user)));
        assertTrue(refused.body().contains("Invalid code. Nothing was changed."), refused::toString);
        Response csrfMissing = browser.post("/totpguard/regenerate", Map.of("code", fixture.code(user)));
        assertEquals(403, csrfMissing.status());
        Response fresh = browser.post("/totpguard/regenerate", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.code(user)));
        assertEquals(200, fresh.status(), fresh::toString);
        assertProtectiveHeaders(fresh);
        String shown = fresh.find("<pre class=\"codes\" id=\"recovery-codes\"[^>]*>([^<]*)</pre>");
        assertFalse(shown.contains(old.get(0)));

        Browser later = browser();
        passwordOnly(later, user, "/admin/x");
        Response form = later.get("/totpguard/recovery");
        Response oldCode = later.post("/totpguard/recover", Map.of("totpguard_csrf", form.csrf(), "code", old.get(0)));
        assertTrue(oldCode.body().contains("Invalid recovery code."), oldCode::toString);
        Response newCode = later.post("/totpguard/recover", Map.of("totpguard_csrf", form.csrf(), "code", shown.strip().split("\n")[0]));
        assertRedirectsTo("/admin/x", newCode);
    }

    @Test
    void turningOffTheSecondFactorIsRefusedUnderPolicyRequired() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        Response manage = browser.get("/totpguard/manage");
        assertFalse(manage.body().contains("/totpguard/disable"), manage::toString);
        Response refused = browser.post("/totpguard/disable", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.code(user)));
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(fixture.service().status(user).isActive());
    }

    @Test
    void anotherUsersNameInAManagementFormIsRefused() throws Exception {
        String user = newUser();
        Browser browser = verified(user);
        Response manage = browser.get("/totpguard/manage");
        Response refused = browser.post("/totpguard/regenerate", Map.of("totpguard_csrf", manage.csrf(), "code", fixture.code(user),
                "user", "someone-else"));
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(fixture.service().status(user).recoveryCodesRemaining() == 10);
    }

    // ---- path bypass attempts ------------------------------------------------------------------------------

    /** The bypass list of issue 4 and attack case 14, sent exactly as written. */
    static Stream<String> bypassAttempts() {
        return Stream.of("/admin", "/admin/", "//admin/x", "/./admin/x", "/foo/../admin/x", "/%61dmin/x",
                "/admin;jsessionid=1/x", "/admin;a=b/x", "/admin/x;.css", "/ADMIN/x", "/admin%2fx",
                "/admin/%2e%2e/admin/x", "/admin;x=1/p", "/admin/;/p", "/;/admin/p", "/pub/..;/admin/p",
                "/%2e/admin/p", "/admin%5cp", "/admin%00/p", "/admin%0a/p", "/%252e/admin/p", "/ADMIN/p",
                "/admin/p/", "/admin/x%20", "/admin/x?%2e%2e/",
                // A static file served by the container's default servlet, on a second protected path.
                "/ops/secret.txt", "/OPS/secret.txt", "/ops/SECRET.TXT", "/ops/secret.txt;.css", "/ops/secret.txt%00",
                "/ops/secret.txt/", "/ops/secret.txt.", "/Ops/secret.txt", "/ops/%73ecret.txt", "/ops\\secret.txt",
                "/ops/./secret.txt", "/x/../ops/secret.txt", "/ops//secret.txt", "/ops/secret.txt::$DATA");
    }

    @ParameterizedTest
    @MethodSource("bypassAttempts")
    void aBypassAttemptEndsAtTheTokenPageOrA4xx(String path) throws Exception {
        Browser browser = halfAuthenticated();
        Response get = browser.raw("GET", WebContainer.CONTEXT_PATH + path);
        assertGuarded(get);
        for (String method : List.of("HEAD", "OPTIONS")) {
            Response response = browser.raw(method, WebContainer.CONTEXT_PATH + path);
            if (get.status() == 404 && response.status() == 200) {
                // A path the container decodes to something that does not exist (e.g. "/admin\n/p"): the default
                // servlet answers HEAD/OPTIONS with headers only, about a resource that is not there.
                assertEquals("", response.body(), response::toString);
            } else {
                assertGuarded(response);
            }
        }
    }

    /**
     * The cases of jakartaee/servlet's CanonicalUriPathTest (Servlet 6.0 section 3.5.2), rewritten with
     * the protected path: {@code /foo} became {@code /admin} and {@code /bar} became {@code /x}. Cases
     * without a leading slash are sent as the raw request target.
     */
    static Stream<String> canonicalUriCases() {
        return Stream.of("admin/x", "/admin/x", "/admin/x;jsessionid=1234", "/admin/x/", "/admin/x/;jsessionid=1234",
                "/admin;/x;", "/admin;/x;/;", "/admin%00/x/", "/admin%7Fx", "/admin%2Fx", "/admin%2Fx%25r",
                "/admin/x%25r", "/admin\\x", "/admin%5Cx", "/admin;%2F/x", "/admin/./x", "/admin/././x", "/./admin/x",
                "/admin/%2e/x", "/admin/.;/x", "/admin/%2e;/x", "/admin/.%2Fx", "/admin/.%5Cx", "/admin/x/.",
                "/admin/x/./", "/admin/x/.;", "/admin/x/./;", "/admin/.x", "/admin/../x", "/admin/../../x",
                "/../admin/x", "/admin/%2e%2E/x", "/admin/%2e%2e/%2E%2E/x", "/admin/./../x", "/admin/..;/x",
                "/admin/%2e%2E;/x", "/admin/..%2Fx", "/admin/..%5Cx", "/admin/x/..", "/admin/x/../", "/admin/x/..;",
                "/admin/x/../;", "/admin/..x", "/admin/.../x", "/admin//x", "//admin//x//", "/;/admin;/;/x/;/;",
                "/admin//../x", "/admin/;/../x", "/admin%E2%82%ACx", "/admin%20x", "/admin%E2%82", "/admin%E2%82x",
                "/admin%-1/x", "/admin%XX/x", "/admin%/x", "/admin/x%0", "/good%20/admin%/%20mix%", "/admin/x?q",
                "/admin/x#f", "/admin/x?q#f", "/admin/x/?q", "/admin/x/#f", "/admin/x/?q#f", "/admin/x;?q",
                "/admin/x;#f", "/admin/x;?q#f", "/admin", "//admin", "/;/admin", "/admin/.", "/admin/..", "/admin/./",
                "/admin/../", "./admin/x/", "%2e/admin/x/", "../admin/x/", ".%2e/admin/x/", ";/admin/x/", "#f", "?q");
    }

    @ParameterizedTest
    @MethodSource("canonicalUriCases")
    void aCanonicalUriCaseUnderAdminNeverReachesProtectedContent(String uriCase) throws Exception {
        Browser browser = halfAuthenticated();
        String target = uriCase.startsWith("/") ? WebContainer.CONTEXT_PATH + uriCase : uriCase;
        assertGuarded(browser.raw("GET", target));
    }

    private String tableUser;

    /** A new session of one enrolled user, signed in with the password only. */
    synchronized Browser halfAuthenticated() throws Exception {
        if (tableUser == null) {
            tableUser = newUser();
            fixture.enroll(tableUser);
        }
        Browser browser = browser();
        assertRedirectsTo(TOKEN, passwordOnly(browser, tableUser, "/admin/x"));
        return browser;
    }

    // ---- return targets ------------------------------------------------------------------------------------

    @Test
    void theReturnTargetNeverLeavesTheOrigin() throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Map<String, String> headers = new HashMap<>();
        headers.put("Referer", "https://evil.example/phish");
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x?next=https://evil.example&to=//evil.example&r=%0d%0aLocation:x");
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user),
                "next", "//evil.example", "returnTo", "https://evil.example", "redirect", "/\\evil.example"), headers);
        assertRedirectsTo("/admin/x", accepted);
        String location = accepted.header("Location").orElseThrow();
        assertFalse(location.contains("\r") || location.contains("\n"), location);
        assertEquals("next=https://evil.example&to=//evil.example&r=%0d%0aLocation:x", accepted.location().getRawQuery());
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "/%5C%5Cevil.example",
        "/https://evil.example", "/javascript:alert(1)", "/%0d%0aLocation:%20https://evil.example"})
    void aTargetThatCouldLeaveTheOriginIsNeverSaved(String path) throws Exception {
        String user = newUser();
        fixture.enroll(user);
        Browser browser = browser();
        passwordOnly(browser, user, "/admin/x");
        Response attempt = browser.raw("GET", WebContainer.CONTEXT_PATH + "/admin" + path);
        assertGuarded(attempt);
        Response accepted = submitCode(browser, fixture.code(user));
        assertEquals(303, accepted.status(), accepted::toString);
        assertEquals(container.base().getAuthority(), accepted.location().getAuthority(), accepted::toString);
        assertTrue(accepted.location().getPath().startsWith(WebContainer.CONTEXT_PATH + "/admin/"), accepted::toString);
    }
}
