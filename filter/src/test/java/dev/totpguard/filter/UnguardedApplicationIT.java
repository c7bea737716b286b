package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test application without TOTP Guard, on both containers: proves the harness works (FORM login,
 * realm, static files) and that every route the bypass tests use really does reach the protected content
 * when no filter is there, so those tests can fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnguardedApplicationIT {

    private WebContainer jetty;
    private WebContainer tomcat;

    @BeforeAll
    void start() throws Exception {
        jetty = WebContainer.start("jetty", new WebContainer.Deployment(WebContainer.TEST_WEBAPP));
        tomcat = WebContainer.start("tomcat", new WebContainer.Deployment(WebContainer.TEST_WEBAPP));
    }

    @AfterAll
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private WebContainer container(String name) {
        return name.equals("jetty") ? jetty : tomcat;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void formLoginReachesAdminContent(String name) {
        Browser browser = new Browser(container(name).base());
        Response back = Login.formLogin(browser, "/admin/x", "user01", "password-01");
        Response page = browser.follow(back);
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains(AdminServlet.MARKER + " GET /admin/x for user01"), page::toString);
        Response file = browser.get("/ops/secret.txt");
        assertTrue(file.body().contains(AdminServlet.MARKER), file::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void publicRoutesReachAdminContentWhenNothingGuardsThem(String name) {
        Browser browser = new Browser(container(name).base());
        assertLeaks(browser.get("/public/forward?to=/admin/x"));
        assertLeaks(browser.get("/public/include?to=/admin/x"));
        assertLeaks(browser.get("/public/boom"));
        assertLeaks(browser.get("/public/async?to=/admin/x"));
        assertLeaks(browser.get("/public/login?user=user02&password=password-02&to=/admin/x"));
    }

    @Test
    void theContainersAreWhatTheBriefAsksFor() {
        assertTrue(jetty.name().startsWith("Jetty 12."), jetty.name());
        assertTrue(tomcat.name().startsWith("Tomcat 11."), tomcat.name());
    }

    private static void assertLeaks(Response response) {
        assertTrue(response.body().contains(AdminServlet.MARKER), response::toString);
    }
}
