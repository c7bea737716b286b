package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.Browser;
import dev.totpguard.filter.harness.Response;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack case 21 for container BASIC login on Jetty and Tomcat: a password sent with every request is
 * still only the first factor; the code is asked once per session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BasicLoginIT {

    private static final Path WEBAPP = Path.of("src", "test", "webapp-basic").toAbsolutePath();

    private TwoFactorFixture fixture;
    private final Map<String, WebContainer> containers = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        fixture = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED);
        TotpFilter filter = TotpFilter.builder().service(fixture.service()).build();
        for (String kind : new String[] {"jetty", "tomcat"}) {
            containers.put(kind, WebContainer.start(kind,
                    new WebContainer.Deployment(WEBAPP).initializer(TotpFilter.initializer(filter))));
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

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void basicLoginStillNeedsTheCode(String kind) throws Exception {
        String user = kind.equals("jetty") ? "user01" : "user02";
        fixture.enroll(user);
        Map<String, String> basic = Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":password-" + user.substring(4)).getBytes(StandardCharsets.UTF_8)));
        Browser browser = new Browser(containers.get(kind).base());
        assertEquals(401, browser.get("/admin/x").status());

        // A new session: back once, so the container binds the BASIC login to the session before the code.
        Response back = browser.send("GET", browser.uri("/admin/x"), null, basic);
        assertTrue(back.isRedirect(), back::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/admin/x", back.location().getPath());
        Response toToken = browser.send("GET", back.location(), null, basic);
        assertTrue(toToken.isRedirect(), toToken::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/token", toToken.location().getPath());
        assertFalse(toToken.body().contains(AdminServlet.MARKER));

        Response page = browser.send("GET", toToken.location(), null, basic);
        assertEquals(200, page.status(), page::toString);
        Response accepted = browser.send("POST", browser.uri("/totpguard/verify"),
                Map.of("totpguard_csrf", page.csrf(), "code", fixture.code(user)), basic);
        assertEquals(303, accepted.status(), accepted::toString);
        Response content = browser.send("GET", accepted.location(), null, basic);
        assertEquals(200, content.status(), content::toString);
        assertTrue(content.body().contains(AdminServlet.MARKER + " GET /admin/x for " + user), content::toString);

        // The same password in a new session (no cookie) is only the first factor again.
        Browser another = new Browser(containers.get(kind).base());
        Response again = another.send("GET", another.send("GET", another.uri("/admin/x"), null, basic).location(), null, basic);
        assertTrue(again.isRedirect(), again::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/token", again.location().getPath());
    }
}
