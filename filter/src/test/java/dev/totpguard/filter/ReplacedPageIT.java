package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.Browser;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.Response;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.ReplacedPageServlet;
import jakarta.servlet.ServletContainerInitializer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
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

    private TwoFactorFixture fixture;
    private final Map<String, WebContainer> containers = new HashMap<>();
    private final AtomicInteger nextUser = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        fixture = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED);
        TotpFilter filter = TotpFilter.builder().service(fixture.service())
                .page("token", "/replaced/include")
                .page("recovery", "/replaced/forward")
                .build();
        ServletContainerInitializer install = (classes, context) -> {
            TotpFilter.register(context, filter);
            context.addServlet("replaced", ReplacedPageServlet.class).addMapping("/replaced/*");
        };
        for (String kind : new String[] {"jetty", "tomcat"}) {
            containers.put(kind, WebContainer.start(kind,
                    new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(install)));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (WebContainer container : containers.values()) {
            container.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** An enrolled user past the password only, sent to the token page. */
    private Browser passwordOnly(String kind) throws Exception {
        String user = String.format("user%02d", nextUser.incrementAndGet());
        fixture.enroll(user);
        Browser browser = new Browser(containers.get(kind).base());
        Response toToken = browser.follow(Login.formLogin(browser, "/admin/start", user, Login.passwordOf(user)));
        assertTrue(toToken.isRedirect(), toToken::toString);
        assertEquals(WebContainer.CONTEXT_PATH + TOKEN, toToken.location().getPath(), toToken::toString);
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
