package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sessions end when the factor changes (issue 13, item 6), over real HTTP: node 1 is a container with the filter in
 * its default settings over its own {@link TwoFactorService}; node 2 is another service (its own memory of session
 * revocations) over the same H2 database, as a second application node has. The shared {@code MutableClock} passes
 * the refresh bound (10 s by default) and the verified lifetime (12 h by default) without waiting. The store is an H2
 * server over TCP, so the last test can take it down. Runs on Jetty 12 and Tomcat 11.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SessionRevocationContract {

    private static final String TOKEN = "/totpguard/token";
    private static final String ENROLL = "/totpguard/enroll";
    private static final String CONFIRM = "/totpguard/confirm";
    private static final String KEY = "<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>";
    /** The default of totpguard.sessions.refresh. */
    private static final Duration REFRESH = Duration.ofSeconds(10);

    private GuardedApplication application;
    private TwoFactorFixture fixture;
    private TwoFactorService nodeTwo;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        application = GuardedApplication.on(containerKind(), () -> TwoFactorFixture.h2Server(TwoFactorPolicy.Enforcement.REQUIRED),
                GuardedApplication.withFilter(WebContainer.TEST_WEBAPP)).start();
        fixture = application.fixture();
        nodeTwo = fixture.otherNode();
    }

    @AfterAll
    void stop() throws Exception {
        if (application != null) {
            application.close();
        }
    }

    /** An enrolled user who passed both factors on node 1; the browser holds the verified session. */
    private Browser verified(String user) throws Exception {
        Browser browser = application.browser(containerKind());
        Login.bothFactors(browser, fixture, user, "/admin/start");
        Pages.assertAdminContent(browser.get("/admin/start"));
        return browser;
    }

    private String enrolledUser() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        return user;
    }


    /** Sent to sign in again: not to a page of the filter that would take a code or show a secret. */
    private static void assertSentToSignIn(Response response) {
        assertTrue(response.isRedirect(), response::toString);
        assertFalse(response.location().getPath().startsWith(WebContainer.CONTEXT_PATH + "/totpguard/"), response::toString);
    }

    /** The session is gone: a protected page asks for the password (the container's login form, or a redirect to it). */
    private static void assertPasswordAskedAgain(Browser browser) {
        Response ended = browser.get("/admin/x");
        assertFalse(ended.body().contains(AdminServlet.MARKER), ended::toString);
        assertTrue(ended.isRedirect() || ended.body().contains(LoginPageServlet.LOGIN_MARKER), ended::toString);
    }

    /** The session is over: the browser is sent to sign in, and its cookie opens nothing afterwards either. */
    private static void assertSignedOut(Browser browser) {
        Response ended = browser.get("/admin/x");
        assertFalse(ended.body().contains(AdminServlet.MARKER), ended::toString);
        assertTrue(ended.isRedirect(), ended::toString);
        assertFalse(ended.location().getPath().equals(WebContainer.CONTEXT_PATH + TOKEN),
                () -> "a revoked session signs in again, it is not just asked for a code: " + ended);
        Response again = browser.get("/admin/x");
        assertFalse(again.body().contains(AdminServlet.MARKER), again::toString);
    }

    @Test
    @Order(1)
    void aResetOnAnotherNodeEndsTheVerifiedSessionWithinTheRefreshTime() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);

        nodeTwo.reset(user, "operator");
        // Node 1 answers from memory until its value for the account is older than the refresh time: no database
        // round trip per request.
        fixture.clock().advance(REFRESH.minusSeconds(1));
        Pages.assertAdminContent(browser.get("/admin/x"));

        fixture.clock().advance(Duration.ofSeconds(1));
        assertSignedOut(browser);
    }

    @Test
    @Order(2)
    void aPasswordChangeOnAnotherNodeEndsEverySessionOfTheAccountAndOnlyOfIt() throws Exception {
        String user = enrolledUser();
        String other = enrolledUser();
        Browser first = verified(user);
        Browser second = verified(user);
        Browser bystander = verified(other);

        nodeTwo.revokeSessions(user);
        fixture.clock().advance(REFRESH);

        assertSignedOut(first);
        assertSignedOut(second);
        Pages.assertAdminContent(bystander.get("/admin/x"));
        // The account itself still works: password and a new code give a new session.
        Pages.assertAdminContent(verified(user).get("/admin/x"));
    }

    @Test
    @Order(3)
    void aRevocationThroughThisNodeEndsTheSessionAtOnce() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);

        fixture.service().disable(user);

        assertSignedOut(browser);
    }

    @Test
    @Order(4)
    void aLockEndsTheVerifiedSessions() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);
        for (int i = 0; i < TwoFactorPolicy.defaults().maxFailures(); i++) {
            nodeTwo.verify(user, fixture.wrongCode(user), null);
        }
        fixture.clock().advance(REFRESH);

        assertSignedOut(browser);
    }

    @Test
    @Order(5)
    void theVerifiedStateEndsAfterTwelveHoursByDefaultAndKeepsThePageAskedFor() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);

        fixture.clock().advance(Duration.ofHours(12).minusMinutes(1));
        Pages.assertAdminContent(browser.get("/admin/report?day=1"));

        fixture.clock().advance(Duration.ofMinutes(2));
        Pages.assertRedirectsTo(TOKEN, browser.get("/admin/report?day=1"));
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        Pages.assertRedirectsTo("/admin/report", accepted);
        assertEquals("day=1", accepted.location().getQuery(), accepted::toString);
        Pages.assertAdminContent(browser.follow(accepted));
    }

    /** A user without a second factor, signed in with the password only; the browser is on the enrollment page. */
    private Browser onEnrollmentPage(String user) throws Exception {
        Browser browser = application.browser(containerKind());
        Response toEnroll = browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user)));
        Pages.assertRedirectsTo(ENROLL, toEnroll);
        return browser;
    }

    @Test
    @Order(6)
    void aPasswordChangeEndsASessionOnTheEnrollmentPageBeforeItEnrollsAnAuthenticator() throws Exception {
        String user = application.newUser("user");
        Browser attacker = onEnrollmentPage(user);
        Response page = attacker.get(ENROLL);
        assertEquals(200, page.status(), page::toString);
        fixture.rememberSecret(user, page.find(KEY).replace(" ", ""));

        nodeTwo.revokeSessions(user);
        fixture.clock().advance(REFRESH);

        // The session opened with the old password neither confirms the attacker's authenticator nor starts another.
        Response confirm = attacker.post(CONFIRM, Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertSentToSignIn(confirm);
        assertEquals(TwoFactorStatus.State.PENDING, fixture.service().status(user).state(), "the enrollment was confirmed");
        Response again = attacker.get(ENROLL);
        assertFalse(again.status() == 200 && again.body().contains("id=\"key\""), again::toString);
        assertPasswordAskedAgain(attacker);
    }

    @Test
    @Order(7)
    void aPasswordChangeEndsASessionThatHasNotGivenTheCodeYet() throws Exception {
        String user = enrolledUser();
        Browser attacker = application.browser(containerKind());
        Pages.assertRedirectsTo(TOKEN, attacker.follow(Login.formLogin(attacker, "/admin/start", user, Login.passwordOf(user))));
        Response page = attacker.get(TOKEN);
        assertEquals(200, page.status(), page::toString);

        nodeTwo.revokeSessions(user);
        fixture.clock().advance(REFRESH);

        // A valid code afterwards does not verify the login that the password change ended.
        Response refused = attacker.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertSentToSignIn(refused);
        assertPasswordAskedAgain(attacker);
        // The same code was not used up, and the account still works: password and code give a new session.
        Pages.assertAdminContent(verified(user).get("/admin/x"));
    }

    @Test
    @Order(8)
    void underOptionalEnforcementAPasswordChangeEndsAPasswordOnlySession() throws Exception {
        try (TwoFactorFixture optional = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.OPTIONAL);
                WebContainer node = WebContainer.start(containerKind(), new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                        .initializer(TotpFilter.initializer(TotpFilter.builder().service(optional.service()).build())))) {
            TwoFactorService otherNode = optional.otherNode();
            Browser browser = new Browser(node.base());
            Response in = browser.follow(Login.formLogin(browser, "/admin/start", "user60", Login.passwordOf("user60")));
            Pages.assertAdminContent(in);

            otherNode.revokeSessions("user60");
            optional.clock().advance(REFRESH.minusSeconds(1));
            Pages.assertAdminContent(browser.get("/admin/x"));
            optional.clock().advance(Duration.ofSeconds(1));

            Response ended = browser.get("/admin/x");
            assertFalse(ended.body().contains(AdminServlet.MARKER), ended::toString);
            assertTrue(ended.isRedirect(), ended::toString);
            Response again = browser.get("/admin/x");
            assertFalse(again.body().contains(AdminServlet.MARKER), again::toString);
            // The account itself still works: a new password login gets in.
            Browser fresh = new Browser(node.base());
            Pages.assertAdminContent(fresh.follow(Login.formLogin(fresh, "/admin/start", "user60", Login.passwordOf("user60"))));
        }
    }

    @Test
    @Order(99)
    void aDeadStoreWhenTheRevocationIsDueFailsClosedWith503() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);

        fixture.stopDatabase();
        Pages.assertAdminContent(browser.get("/admin/x"));
        fixture.clock().advance(REFRESH);

        Response refused = browser.get("/admin/x");
        assertEquals(503, refused.status(), refused::toString);
        assertFalse(refused.body().contains(AdminServlet.MARKER), refused::toString);
    }
}
