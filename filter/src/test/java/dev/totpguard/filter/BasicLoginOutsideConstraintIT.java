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
import java.net.URI;
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
 * Container BASIC login whose security constraint covers {@code /admin/*} but not the filter's pages, as the stock
 * Tomcat {@code manager} webapp's covers {@code /html/*} (issue 12, item 1). The browser sends the password only
 * inside the protection space it was asked in ({@code /admin/}), as browsers do, and the container authenticates only
 * inside the constraint; so on {@code /totpguard/*} nobody is signed in. Before the filter remembered who it sent
 * there, the login went {@code /admin/x -> /totpguard/enroll -> /admin/} for ever.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BasicLoginOutsideConstraintIT {

    private static final Path WEBAPP = Path.of("src", "test", "webapp-basic-outside").toAbsolutePath();
    /** More hops than any login needs: a longer chain of redirects is a loop. */
    private static final int MAX_HOPS = 8;

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
    void aNewUserEnrollsOnPagesOutsideTheConstraintAndReachesThePage(String kind) throws Exception {
        String user = kind.equals("jetty") ? "user11" : "user21";
        Browser browser = new Browser(containers.get(kind).base());
        Response enroll = browse(browser, "/admin/x", user);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", enroll.uri().getPath(), enroll::toString);
        assertEquals(200, enroll.status(), enroll::toString);
        fixture.rememberSecret(user, enroll.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").replace(" ", ""));

        Response codes = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", enroll.csrf(), "code", fixture.code(user)));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("Save your recovery codes"), codes::toString);
        // The code verified this login: the protected page and the ten after it come without another code.
        for (int i = 0; i < 11; i++) {
            assertAdminPage(browse(browser, "/admin/x", user), user);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anEnrolledUserTypesTheCodeOnceOnPagesOutsideTheConstraint(String kind) throws Exception {
        String user = kind.equals("jetty") ? "user12" : "user22";
        fixture.enroll(user);
        Browser browser = new Browser(containers.get(kind).base());
        Response token = browse(browser, "/admin/x", user);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/token", token.uri().getPath(), token::toString);
        assertEquals(200, token.status(), token::toString);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", token.csrf(), "code", fixture.code(user)));
        assertEquals(303, accepted.status(), accepted::toString);
        assertAdminPage(browse(browser, accepted.location().getPath().substring(WebContainer.CONTEXT_PATH.length()), user), user);
        assertAdminPage(browse(browser, "/admin/y", user), user);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anotherSessionGetsNeitherThePendingUsersPagesNorTheirCode(String kind) throws Exception {
        String victim = kind.equals("jetty") ? "user13" : "user23";
        String attacker = kind.equals("jetty") ? "user14" : "user24";
        fixture.enroll(victim);
        Browser victimBrowser = new Browser(containers.get(kind).base());
        Response token = browse(victimBrowser, "/admin/x", victim);
        assertEquals(200, token.status(), token::toString);

        // No cookie, no password: the filter's pages send it to sign in; they never show or check the victim's code.
        Browser stranger = new Browser(containers.get(kind).base());
        for (String page : new String[] {"/totpguard/token", "/totpguard/enroll", "/totpguard/manage"}) {
            Response response = stranger.get(page);
            assertTrue(response.isRedirect() && !response.location().getPath().startsWith(WebContainer.CONTEXT_PATH + "/totpguard"),
                    () -> page + ": " + response);
        }
        String code = fixture.code(victim);
        Response posted = stranger.post("/totpguard/verify", Map.of("totpguard_csrf", token.csrf(), "code", code));
        assertEquals(403, posted.status(), posted::toString);

        // Another user's own session, with its own CSRF token, posting the victim's current code: checked for that
        // user (who has none), never for the victim, and the code stays unused.
        Browser other = new Browser(containers.get(kind).base());
        Response otherEnroll = browse(other, "/admin/x", attacker);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", otherEnroll.uri().getPath(), otherEnroll::toString);
        Response refused = other.post("/totpguard/verify",
                Map.of("totpguard_csrf", otherEnroll.csrf(), "code", code, "user", victim, "j_username", victim));
        assertFalse(refused.status() == 303 && refused.location().getPath().contains("/admin/"), refused::toString);
        Response stillEnroll = browse(other, "/admin/x", attacker);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", stillEnroll.uri().getPath(), stillEnroll::toString);

        if (kind.equals("jetty")) {
            // The same browser signed in as another user on the protected path: the pages serve that user, not the
            // victim. (Tomcat keeps the first BASIC user in the session and ignores another Authorization header.)
            Browser shared = new Browser(containers.get(kind).base());
            assertEquals(200, browse(shared, "/admin/x", victim).status());
            Response switched = browse(shared, "/admin/x", attacker);
            assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", switched.uri().getPath(), switched::toString);
            Response tokenPage = shared.get("/totpguard/token");
            assertTrue(tokenPage.isRedirect() && tokenPage.location().getPath().endsWith("/totpguard/enroll"),
                    tokenPage::toString);
        }

        // Signing out ends it.
        Response logout = victimBrowser.post("/totpguard/logout", Map.of("totpguard_csrf", token.csrf()));
        assertTrue(logout.isRedirect(), logout::toString);
        Response afterLogout = victimBrowser.get("/totpguard/token");
        assertTrue(afterLogout.isRedirect() && !afterLogout.location().getPath().startsWith(WebContainer.CONTEXT_PATH + "/totpguard"),
                afterLogout::toString);

        // The victim's code was never used: it still lets the victim in.
        Browser again = new Browser(containers.get(kind).base());
        Response victimToken = browse(again, "/admin/x", victim);
        Response accepted = again.post("/totpguard/verify", Map.of("totpguard_csrf", victimToken.csrf(), "code", code));
        assertEquals(303, accepted.status(), accepted::toString);
        assertAdminPage(browse(again, "/admin/x", victim), victim);
    }

    /**
     * Follows redirects from {@code path} as a browser does with BASIC: the password goes with requests under
     * {@code /admin/} (where the container asked for it), not with the filter's pages. Fails on a redirect loop.
     */
    private Response browse(Browser browser, String path, String user) {
        Map<String, String> basic = Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":password-" + user.substring(4)).getBytes(StandardCharsets.UTF_8)));
        URI uri = browser.uri(path);
        StringBuilder hops = new StringBuilder();
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            boolean protectionSpace = uri.getPath().startsWith(WebContainer.CONTEXT_PATH + "/admin/");
            Response response = browser.send("GET", uri, null, protectionSpace ? basic : Map.of());
            if (!response.isRedirect()) {
                return response;
            }
            hops.append(uri.getPath()).append(" -> ");
            uri = response.location();
        }
        throw new AssertionError("redirect loop: " + hops + uri.getPath());
    }

    private static void assertAdminPage(Response response, String user) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(AdminServlet.MARKER + " GET /admin/") && response.body().contains("for " + user),
                response::toString);
    }
}
