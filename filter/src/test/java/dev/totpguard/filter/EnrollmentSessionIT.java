package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pending enrollment belongs to the browser session that started it (issue 11 section 2), over real HTTP on
 * Jetty 12 and Tomcat 11 with the filter's own enrollment pages and policy REQUIRED: whoever else knows the
 * password, in another session, sees another secret and cannot confirm the victim's, nor plant one the victim
 * confirms; and an enrollment not confirmed within {@code totpguard.enrollment.timeout} is refused. The half-auth
 * timeout is set above the enrollment timeout here, so the enrollment's own expiry is what is tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrollmentSessionIT {

    private static final String ENROLL = "/totpguard/enroll";
    private static final String CONFIRM = "/totpguard/confirm";
    private static final String KEY = "<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>";

    @RegisterExtension
    static final GuardedApplication application = GuardedApplication.onJettyAndTomcat(
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED), fixture -> {
                TotpFilter filter = TotpFilter.builder().service(fixture.service())
                        .halfAuthTimeout(java.time.Duration.parse("PT30M")).build();
                return new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                    .initializer(TotpFilter.initializer(filter));
            });

    private String user() {
        return application.newUser("user");
    }

    /** Password login in a new browser; returns the enrollment page the filter sends it to. */
    private static Response enrollmentPage(Browser browser, String user) {
        Response page = browser.follow(Login.passwordOnly(browser, "/admin/x", user, ENROLL));
        assertEquals(200, page.status(), page::toString);
        return page;
    }

    private String codeFor(String name, String groupedKey) {
        fixture().rememberSecret(name, groupedKey.replace(" ", ""));
        return fixture().code(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void twoSessionsOfOneUserSeeDifferentSecretsAndNeitherConfirmsTheOthers(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String user = user();
        Browser victim = new Browser(container.base());
        Browser intruder = new Browser(container.base());
        Response victimPage = enrollmentPage(victim, user);
        String victimKey = victimPage.find(KEY);

        // Someone else with the password, in another session: a secret of their own, not the victim's.
        Response intruderPage = enrollmentPage(intruder, user);
        String intruderKey = intruderPage.find(KEY);
        assertNotEquals(victimKey, intruderKey, "another session must not be shown the pending secret");
        assertFalse(intruderPage.body().contains(victimKey), intruderPage::toString);

        // The victim's session cannot confirm the secret the intruder planted (its own enrollment was replaced).
        Response planted = victim.post(CONFIRM, Map.of(CsrfProtection.PARAMETER, victimPage.csrf(), "code", codeFor(user + "/intruder", intruderKey)));
        assertFalse(planted.status() == 200 && planted.body().contains("recovery-codes"), planted::toString);
        assertEquals(TwoFactorStatus.State.PENDING, fixture().service().status(user).state(), "a planted secret was confirmed");

        // The intruder's session cannot confirm with a code of the victim's secret.
        Response foreign = intruder.post(CONFIRM, Map.of(CsrfProtection.PARAMETER, intruderPage.csrf(), "code", codeFor(user + "/victim", victimKey)));
        assertFalse(foreign.body().contains("recovery-codes"), foreign::toString);
        assertEquals(TwoFactorStatus.State.PENDING, fixture().service().status(user).state());

        // Each session that starts again gets its own enrollment and can confirm it.
        Response fresh = victim.get(ENROLL);
        String freshKey = fresh.find(KEY);
        assertNotEquals(intruderKey, freshKey);
        fixture().nextStep();
        Response codes = victim.post(CONFIRM, Map.of(CsrfProtection.PARAMETER, fresh.csrf(), "code", codeFor(user + "/fresh", freshKey)));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("recovery-codes"), codes::toString);
        assertTrue(fixture().service().status(user).isActive());
        fixture().nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anEnrollmentNotConfirmedWithinTheTimeoutIsRefused(String kind) throws Exception {
        String user = user();
        Browser browser = application.browser(kind);
        Response page = enrollmentPage(browser, user);
        String key = page.find(KEY);

        fixture().clock().advance(fixture().service().policy().enrollmentTimeout().plus(Duration.ofSeconds(1)));
        Response late = browser.post(CONFIRM, Map.of(CsrfProtection.PARAMETER, page.csrf(), "code", codeFor(user + "/late", key)));

        assertFalse(late.body().contains("recovery-codes"), late::toString);
        assertEquals(TwoFactorStatus.State.PENDING, fixture().service().status(user).state(), "an expired enrollment was confirmed");
        Response again = browser.get(ENROLL);
        assertNotEquals(key, again.find(KEY), "the expired secret is not shown again");
        fixture().nextStep();
    }

    private static TwoFactorFixture fixture() {
        return application.fixture();
    }
}
