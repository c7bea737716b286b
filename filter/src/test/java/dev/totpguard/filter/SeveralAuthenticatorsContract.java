package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Authenticator;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Pages;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Several authenticators per account (issue 17 section 2) on the settings page, over real HTTP, on a container FORM login
 * with the store on H2 and enforcement REQUIRED: a second authenticator is added with a current code of the first and
 * its own first code, then either signs in; one is removed with a code of the other; the last one stays; a refused code
 * is said at the form's field; a form without the CSRF token changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeveralAuthenticatorsContract {

    private static final String MANAGE = "/totpguard/manage";

    private GuardedApplication application;
    private TwoFactorFixture fixture;

    /** "jetty" or "tomcat". */
    abstract String containerKind();

    @BeforeAll
    void start() throws Exception {
        TwoFactorPolicy policy = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED)
                .issuer("TOTP Guard Test").addressLimit(0, Duration.ofMinutes(15)).maxAuthenticators(2).build();
        application = GuardedApplication.on(containerKind(), () -> TwoFactorFixture.h2(policy, new dev.totpguard.LoggingTwoFactorListener()),
                fixture -> new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(
                        TotpFilter.builder().service(fixture.service()).build()))).start();
        fixture = application.fixture();
    }

    @AfterAll
    void stop() throws Exception {
        if (application != null) {
            application.close();
        }
    }

    /** An enrolled user signed in with both factors on a new browser. */
    private Browser signedIn(String user) {
        Browser browser = application.browser(containerKind());
        Login.bothFactors(browser, fixture, user, "/admin/start");
        return browser;
    }

    /** The fixture's name for the secret of {@code user}'s second authenticator. */
    private static String second(String user) {
        return user + "#second";
    }

    /** Adds a second authenticator labelled {@code label} through the settings page; returns the page after it. */
    private Response addSecond(Browser browser, String user, String label) {
        Response manage = browser.get(MANAGE);
        assertEquals(200, manage.status(), manage::toString);
        assertTrue(manage.body().contains("action=\"" + WebContainer.CONTEXT_PATH + "/totpguard/addauthenticator\""), manage::toString);
        Response qr = browser.post("/totpguard/addauthenticator", Map.of("totpguard_csrf", manage.csrf(), "label", label,
                "code", fixture.code(user)));
        fixture.nextStep();
        assertEquals(200, qr.status(), qr::toString);
        assertTrue(qr.body().contains("action=\"" + WebContainer.CONTEXT_PATH + "/totpguard/confirmauthenticator\""), qr::toString);
        fixture.rememberSecret(second(user), qr.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").replace(" ", ""));
        Response done = browser.post("/totpguard/confirmauthenticator", Map.of("totpguard_csrf", qr.csrf(),
                "code", fixture.code(second(user))));
        fixture.nextStep();
        assertEquals(200, done.status(), done::toString);
        assertTrue(done.body().contains("The new authenticator is set up"), done::toString);
        return done;
    }

    private void assertSignsInWith(String user, String code) {
        Browser browser = application.browser(containerKind());
        Pages.assertRedirectsTo("/totpguard/token", browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user))));
        Pages.assertRedirectsTo("/admin/start", Login.submitCode(browser, code));
        Pages.assertAdminContent(browser.get("/admin/start"));
    }

    @Test
    void aSecondAuthenticatorIsAddedOnTheSettingsPageAndEitherSignsIn() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        Browser browser = signedIn(user);

        Response done = addSecond(browser, user, "backup app");

        assertTrue(done.body().contains("backup app, added "), done::toString);
        assertEquals(List.of(Optional.empty(), Optional.of("backup app")),
                fixture.service().authenticators(user).stream().map(Authenticator::label).toList());
        assertFalse(done.body().contains("addauthenticator\""), "at the limit of 2 the form is gone: " + done);
        assertTrue(done.body().contains("You have the most authenticators allowed (2)"), done::toString);
        assertSignsInWith(user, fixture.code(second(user)));
        fixture.nextStep();
        assertSignsInWith(user, fixture.code(user));
        fixture.nextStep();
    }

    @Test
    void aWrongCodeIsSaidAtTheAddFormAndAddsNothing() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        Browser browser = signedIn(user);
        Response manage = browser.get(MANAGE);

        Response refused = browser.post("/totpguard/addauthenticator", Map.of("totpguard_csrf", manage.csrf(), "label", "attacker",
                "code", fixture.wrongCode(user)));

        assertEquals(200, refused.status(), refused::toString);
        assertTrue(refused.body().contains("id=\"code-add-authenticator\"") && refused.body().contains("aria-invalid=\"true\" "
                + "aria-describedby=\"code-add-authenticator-error\""), refused::toString);
        assertTrue(refused.body().contains("<p id=\"code-add-authenticator-error\" class=\"error\">Invalid code. Nothing was changed.</p>"),
                refused::toString);
        Response withoutToken = browser.post("/totpguard/addauthenticator", Map.of("label", "attacker", "code", fixture.code(user)));
        assertEquals(403, withoutToken.status(), withoutToken::toString);
        assertEquals(1, fixture.service().authenticators(user).size());
    }

    @Test
    void oneIsRemovedWithACodeOfTheOtherAndTheLastOneStays() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        Browser browser = signedIn(user);
        addSecond(browser, user, "backup app");
        String firstId = fixture.service().authenticators(user).get(0).id();

        Response manage = browser.get(MANAGE);
        Response removed = browser.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", manage.csrf(),
                "authenticator", firstId, "code", fixture.code(second(user))));
        fixture.nextStep();

        assertEquals(200, removed.status(), removed::toString);
        assertTrue(removed.body().contains("The authenticator is removed"), removed::toString);
        assertEquals(List.of(Optional.of("backup app")), fixture.service().authenticators(user).stream().map(Authenticator::label).toList());
        Pages.assertAdminContent(browser.get("/admin/start"));
        Browser other = application.browser(containerKind());
        Pages.assertRedirectsTo("/totpguard/token", other.follow(Login.formLogin(other, "/admin/start", user, Login.passwordOf(user))));
        assertEquals(200, Login.submitCode(other, fixture.code(user)).status(), "the removed one's code is refused");

        String lastId = fixture.service().authenticators(user).get(0).id();
        Response listed = browser.get(MANAGE);
        assertTrue(listed.body().contains("backup app, added "), listed::toString);
        assertFalse(listed.body().contains("id=\"code-remove-" + lastId + "\""), "no Remove form for the last one: " + listed);
        Response last = browser.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", browser.get(MANAGE).csrf(),
                "authenticator", lastId, "code", fixture.code(second(user))));
        assertEquals(403, last.status(), last::toString);
        assertTrue(last.body().contains("id=\"authenticator-" + lastId + "-error\" class=\"error\">This site requires two-factor"),
                last::toString);
        assertEquals(1, fixture.service().authenticators(user).size());
    }

    /**
     * A lost phone: its owner proves the removal with a recovery code (the field takes letters), which is then used up;
     * the removed phone's code no longer signs in.
     */
    @Test
    void aLostPhoneIsRemovedWithARecoveryCode() throws Exception {
        String user = application.newUser("user");
        List<String> recoveryCodes = fixture.enroll(user);
        Browser browser = signedIn(user);
        addSecond(browser, user, "backup app");
        String lostId = fixture.service().authenticators(user).get(0).id();

        Response manage = browser.get(MANAGE);
        assertFalse(manage.body().contains("pattern=\"[0-9 ]*\""), "a recovery code is letters too: " + manage);
        assertTrue(manage.body().contains("<label for=\"code-remove-" + lostId + "\">Code from your app or a recovery code</label>"),
                manage::toString);
        Response removed = browser.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", manage.csrf(),
                "authenticator", lostId, "code", recoveryCodes.get(0)));

        assertEquals(200, removed.status(), removed::toString);
        assertTrue(removed.body().contains("The authenticator is removed"), removed::toString);
        assertEquals(List.of(Optional.of("backup app")), fixture.service().authenticators(user).stream().map(Authenticator::label).toList());
        Response again = browser.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", browser.get(MANAGE).csrf(),
                "authenticator", fixture.service().authenticators(user).get(0).id(), "code", recoveryCodes.get(0)));
        assertEquals(1, fixture.service().authenticators(user).size(), "a used recovery code proves nothing: " + again);
    }

    /**
     * Removing an authenticator ends the sessions of the account, on the next request, so one that a lost phone's code
     * opened does not outlive the phone; the session that removed it goes on.
     */
    @Test
    void removingOneEndsTheSessionsItOpened() throws Exception {
        String user = application.newUser("user");
        fixture.enroll(user);
        Browser lostPhoneSession = signedIn(user);
        fixture.nextStep();
        Browser owner = signedIn(user);
        addSecond(owner, user, "backup app");
        String firstId = fixture.service().authenticators(user).get(0).id();

        Response removed = owner.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", owner.get(MANAGE).csrf(),
                "authenticator", firstId, "code", fixture.code(second(user))));
        fixture.nextStep();
        assertTrue(removed.body().contains("The authenticator is removed"), removed::toString);

        Response after = lostPhoneSession.get("/admin/start");
        assertTrue(after.isRedirect(), () -> "the session the removed phone opened goes on: " + after);
        Pages.assertAdminContent(owner.get("/admin/start"));
    }

    /**
     * An application that requires the factor by a setting of its own (policy OPTIONAL, as the example's "Require
     * two-factor authentication") tells the filter: its settings page then neither turns the factor off nor removes the
     * last authenticator, whatever the proof.
     */
    @Test
    void aRunTimeRequirementKeepsTheLastOne() throws Exception {
        TwoFactorPolicy optional = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.OPTIONAL)
                .issuer("TOTP Guard Test").addressLimit(0, Duration.ofMinutes(15)).build();
        java.util.concurrent.atomic.AtomicBoolean required = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (GuardedApplication runTime = GuardedApplication.on(containerKind(),
                () -> TwoFactorFixture.h2(optional, new dev.totpguard.LoggingTwoFactorListener()),
                fixture -> new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(
                        TotpFilter.builder().service(fixture.service()).requiredAtRunTime(required::get).build()))).start()) {
            TwoFactorFixture own = runTime.fixture();
            String user = runTime.newUser("user");
            own.enroll(user);
            Browser browser = runTime.browser(containerKind());
            Login.bothFactors(browser, own, user, "/admin/start");
            own.nextStep();
            Response manage = browser.get(MANAGE);
            assertFalse(manage.body().contains("/totpguard/disable\""), "no turning off offered: " + manage);
            assertTrue(manage.body().contains("This site requires two-factor authentication; it cannot be turned off."), manage::toString);

            Response disable = browser.post("/totpguard/disable", Map.of("totpguard_csrf", manage.csrf(), "code", own.code(user)));
            own.nextStep();
            assertEquals(403, disable.status(), disable::toString);
            String id = own.service().authenticators(user).get(0).id();
            Response remove = browser.post("/totpguard/removeauthenticator", Map.of("totpguard_csrf", browser.get(MANAGE).csrf(),
                    "authenticator", id, "code", own.code(user)));
            own.nextStep();
            assertEquals(403, remove.status(), remove::toString);
            assertTrue(own.service().status(user).isActive());

            required.set(false);
            Response off = browser.post("/totpguard/disable", Map.of("totpguard_csrf", browser.get(MANAGE).csrf(),
                    "code", own.code(user)));
            assertEquals(200, off.status(), off::toString);
            assertFalse(own.service().status(user).isActive(), "with the setting off, the policy (OPTIONAL) decides");
        }
    }
}
