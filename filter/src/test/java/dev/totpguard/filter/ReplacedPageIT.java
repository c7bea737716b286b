package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.ReplacedPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.ServletContainerInitializer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replaced built-in pages ({@code totpguard.filter.page.*}) on Jetty 12 and Tomcat 11 with container FORM
 * login: the filter lets its own forward to the application's page through, and nothing else. A replacement
 * page that includes or forwards to a protected path while it renders for a password-only user shows none of
 * that path's content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplacedPageIT {

    private static final String TOKEN = "/totpguard/token";

    @RegisterExtension
    static final GuardedApplication application = GuardedApplication.onJettyAndTomcat(
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED), fixture -> {
                TotpFilter filter = TotpFilter.builder().service(fixture.service())
                        .page("token", "/replaced/include")
                        .page("recovery", "/replaced/forward")
                        .build();
                ServletContainerInitializer install = (classes, context) -> {
                    TotpFilter.register(context, filter);
                    context.addServlet("replaced", ReplacedPageServlet.class).addMapping("/replaced/*");
                };
                return new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(install);
            });

    /** An enrolled user past the password only, sent to the token page. */
    private Browser passwordOnly(String kind) throws Exception {
        String user = application.newUser("user");
        application.fixture().enroll(user);
        Browser browser = application.browser(kind);
        Login.passwordOnly(browser, "/admin/start", user, TOKEN);
        return browser;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aReplacementPageThatIncludesAProtectedPathShowsNoneOfItToAPasswordOnlyUser(String kind) throws Exception {
        Browser browser = passwordOnly(kind);
        Response page = browser.get(TOKEN);
        assertEquals(200, page.status(), page::toString);
        // The filter's own forward reached the replacement page ...
        assertTrue(page.body().contains(ReplacedPageServlet.MARKER + " token for "), page::toString);
        // ... but what that page included from /admin was judged as a dispatch of its own.
        assertFalse(page.body().contains(AdminServlet.MARKER), () -> "protected content leaked: " + page);
        assertTrue(page.body().contains("<div>[]</div>"), page::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aReplacementPageThatForwardsToAProtectedPathShowsNoneOfItToAPasswordOnlyUser(String kind)
            throws Exception {
        Browser browser = passwordOnly(kind);
        Response page = browser.get("/totpguard/recovery");
        assertFalse(page.body().contains(AdminServlet.MARKER), () -> "protected content leaked: " + page);
        assertTrue(page.isRedirect(), () -> "the forward to /admin/secret asks for the code: " + page);
        assertEquals(WebContainer.CONTEXT_PATH + TOKEN, page.location().getPath(), page::toString);
    }
}
