package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.filter.harness.Browser;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Response;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** The default of totpguard.sessions.refresh. */
    private static final Duration REFRESH = Duration.ofSeconds(10);

    private final AtomicInteger nextUser = new AtomicInteger();
    private TwoFactorFixture fixture;
    private TwoFactorService nodeTwo;
    private WebContainer container;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        fixture = TwoFactorFixture.h2Server(TwoFactorPolicy.Enforcement.REQUIRED);
        nodeTwo = fixture.otherNode();
        TotpFilter filter = TotpFilter.builder().service(fixture.service()).clock(fixture.clock()).build();
        container = WebContainer.start(containerKind(),
                new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(filter)));
    }

    @AfterAll
    void stop() throws Exception {
        if (container != null) {
            container.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** An enrolled user who passed both factors on node 1; the browser holds the verified session. */
    private Browser verified(String user) throws Exception {
        Browser browser = new Browser(container.base());
        Response back = Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user));
        Response token = browser.follow(back);
        assertRedirectsTo(TOKEN, token);
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertRedirectsTo("/admin/start", accepted);
        fixture.nextStep();
        assertAdminContent(browser.get("/admin/start"));
        return browser;
    }

    private String enrolledUser() throws Exception {
        String user = String.format("user%02d", nextUser.incrementAndGet());
        fixture.enroll(user);
        return user;
    }

    private static void assertRedirectsTo(String path, Response response) {
        assertTrue(response.isRedirect(), () -> "expected a redirect to " + path + ": " + response);
        assertEquals(WebContainer.CONTEXT_PATH + path, response.location().getPath(), response::toString);
    }

    private static void assertAdminContent(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(AdminServlet.MARKER), response::toString);
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
        assertAdminContent(browser.get("/admin/x"));

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
        assertAdminContent(bystander.get("/admin/x"));
        // The account itself still works: password and a new code give a new session.
        assertAdminContent(verified(user).get("/admin/x"));
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
        assertAdminContent(browser.get("/admin/report?day=1"));

        fixture.clock().advance(Duration.ofMinutes(2));
        assertRedirectsTo(TOKEN, browser.get("/admin/report?day=1"));
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)));
        assertRedirectsTo("/admin/report", accepted);
        assertEquals("day=1", accepted.location().getQuery(), accepted::toString);
        assertAdminContent(browser.follow(accepted));
    }

    @Test
    @Order(99)
    void aDeadStoreWhenTheRevocationIsDueFailsClosedWith503() throws Exception {
        String user = enrolledUser();
        Browser browser = verified(user);

        fixture.stopDatabase();
        assertAdminContent(browser.get("/admin/x"));
        fixture.clock().advance(REFRESH);

        Response refused = browser.get("/admin/x");
        assertEquals(503, refused.status(), refused::toString);
        assertFalse(refused.body().contains(AdminServlet.MARKER), refused::toString);
    }
}
