package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Pages;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The enrollment grace of enforcement REQUIRED over real HTTP (issue 17): 3 days and 3 sign-ins, whichever runs out
 * first. Within it a user without a second factor reaches the protected page with the notice the application shows;
 * afterwards every protected page leads to enrollment. The fixture's {@code MutableClock} moves the days on; no test
 * sleeps. "Node 2" is a second container with a service of its own over the same database: a restarted application.
 * The store is an H2 server over TCP, so the last test can take it down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class EnrollmentGraceContract {

    private static final String ADMIN = "/admin/start";
    private static final String ENROLL = "/totpguard/enroll";

    private GuardedApplication application;
    private TwoFactorFixture fixture;
    private WebContainer nodeTwo;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        application = GuardedApplication.on(containerKind(), () -> TwoFactorFixture.h2Server(
                TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).enrollmentGrace(3, 3)
                        .addressLimit(0, Duration.ofMinutes(15)).build()),
                GuardedApplication.withFilter(WebContainer.TEST_WEBAPP)).start();
        fixture = application.fixture();
        nodeTwo = WebContainer.start(containerKind(), new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                .initializer(TotpFilter.initializer(TotpFilter.builder().service(fixture.otherNode()).build())));
    }

    @AfterAll
    void stop() throws Exception {
        if (nodeTwo != null) {
            nodeTwo.close();
        }
        if (application != null) {
            application.close();
        }
    }

    /** Signs {@code user} in with the password on a new browser of {@code base} and opens the protected page. */
    private Response signIn(java.net.URI base, String user) {
        Browser browser = new Browser(base);
        return browser.follow(Login.formLogin(browser, ADMIN, user, Login.passwordOf(user)));
    }

    private Browser signedIn(String user) {
        Browser browser = application.browser(containerKind());
        assertInGrace(browser.follow(Login.formLogin(browser, ADMIN, user, Login.passwordOf(user))));
        return browser;
    }

    private static void assertInGrace(Response page) {
        Pages.assertAdminContent(page);
        assertTrue(page.body().contains(AdminServlet.GRACE_MARKER), page::toString);
        assertTrue(page.body().contains("set up at " + WebContainer.CONTEXT_PATH + ENROLL), page::toString);
    }

    private static void assertSentToEnrollment(Response response) {
        Pages.assertRedirectsTo(ENROLL, response);
        assertFalse(response.body().contains(AdminServlet.MARKER), response::toString);
    }

    @Test
    @Order(1)
    void withinTheGraceThePageIsServedWithTheNoticeAndEverySignInCountsOnce() {
        String user = application.newUser("user");

        Browser browser = signedIn(user);
        Response again = browser.get(ADMIN);
        assertInGrace(again);
        assertTrue(again.body().contains("2 sign-ins left"), again::toString);
        assertInGrace(browser.get("/admin/other"));
        assertTrue(browser.get(ADMIN).body().contains("2 sign-ins left"), "pages of one login count one sign-in");

        assertTrue(signedIn(user).get(ADMIN).body().contains("1 sign-ins left"));
        Browser third = signedIn(user);
        assertTrue(third.get(ADMIN).body().contains("0 sign-ins left"), "the third sign-in is the last one in grace");
        assertInGrace(third.get(ADMIN));

        Browser fourth = application.browser(containerKind());
        assertSentToEnrollment(fourth.follow(Login.formLogin(fourth, ADMIN, user, Login.passwordOf(user))));
        assertSentToEnrollment(fourth.get("/admin/other"));
        assertEquals(200, fourth.get(ENROLL).status(), "the enrollment page itself opens");
    }

    @Test
    @Order(2)
    void afterTheDaysEveryProtectedPageLeadsToEnrollmentEvenInTheSameLogin() {
        String user = application.newUser("user");
        Browser browser = signedIn(user);

        fixture.clock().advance(Duration.ofDays(3).minusMinutes(1));
        assertInGrace(browser.get(ADMIN));
        fixture.clock().advance(Duration.ofMinutes(1));

        assertSentToEnrollment(browser.get(ADMIN));
        assertSentToEnrollment(signIn(application.container().base(), user));
    }

    @Test
    @Order(3)
    void neitherARestartedApplicationNorANewLoginStartsThePeriodAgain() {
        String user = application.newUser("user");
        signedIn(user);
        fixture.clock().advance(Duration.ofDays(2));
        assertInGrace(signIn(nodeTwo.base(), user));
        fixture.clock().advance(Duration.ofDays(1));

        assertSentToEnrollment(signIn(nodeTwo.base(), user));
        assertSentToEnrollment(signIn(application.container().base(), user));
    }

    @Test
    @Order(4)
    void anAccountFirstSeenLaterGetsItsOwnFullPeriod() {
        String early = application.newUser("user");
        signedIn(early);
        fixture.clock().advance(Duration.ofDays(10));
        String later = application.newUser("user");

        Browser browser = signedIn(later);
        assertSentToEnrollment(signIn(application.container().base(), early));

        fixture.clock().advance(Duration.ofDays(3).minusMinutes(1));
        assertInGrace(browser.get(ADMIN));
        fixture.clock().advance(Duration.ofMinutes(1));
        assertSentToEnrollment(browser.get(ADMIN));
    }

    @Test
    @Order(5)
    void anEnrolledUserGivesTheCodeAsBefore() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        Browser browser = application.browser(containerKind());

        Login.bothFactors(browser, fixture, user, ADMIN);

        Response page = browser.get(ADMIN);
        Pages.assertAdminContent(page);
        assertFalse(page.body().contains(AdminServlet.GRACE_MARKER), page::toString);
    }

    @Test
    @Order(99)
    void failingGraceBookkeepingServesNoPageNeverGraceForever() throws Exception {
        String user = application.newUser("user");
        Browser browser = signedIn(user);
        String newcomer = application.newUser("user");

        // The credential table still answers, only the grace table is gone: the status is known, the grace is not.
        try (Connection connection = fixture.connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE totpguard_enrollment_grace RENAME TO totpguard_enrollment_grace_gone");
        }
        try {
            Response sameLogin = browser.get(ADMIN);
            assertEquals(503, sameLogin.status(), sameLogin::toString);
            assertFalse(sameLogin.body().contains(AdminServlet.MARKER), sameLogin::toString);
            Response newLogin = signIn(application.container().base(), newcomer);
            assertEquals(503, newLogin.status(), newLogin::toString);
            assertFalse(newLogin.body().contains(AdminServlet.MARKER), newLogin::toString);
        } finally {
            try (Connection connection = fixture.connect(); Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE IF EXISTS totpguard_enrollment_grace_gone RENAME TO totpguard_enrollment_grace");
            }
        }
        assertInGrace(browser.get(ADMIN));
    }

    @Test
    @Order(100)
    void aDeadStoreServesNoPageNeverGraceForever() {
        String user = application.newUser("user");
        Browser browser = signedIn(user);

        fixture.stopDatabase();

        Response response = browser.get(ADMIN);
        assertEquals(503, response.status(), response::toString);
        assertFalse(response.body().contains(AdminServlet.MARKER), response::toString);
    }
}
