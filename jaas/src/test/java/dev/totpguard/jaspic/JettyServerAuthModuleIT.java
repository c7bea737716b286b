package dev.totpguard.jaspic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.jaas.PasswordVerifier;
import dev.totpguard.jaas.TestStore;
import dev.totpguard.jaas.TotpLoginModule;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.security.jaspi.DefaultAuthConfigFactory;
import org.eclipse.jetty.ee10.security.jaspi.JaspiAuthenticatorFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TotpServerAuthModule} on Jetty 12 (ee10 Jakarta Authentication) over real HTTP. Contexts:
 * {@code /app} (two-step flow), {@code /one} (one page), {@code /down} (the store is unreachable) and
 * {@code /boom} (the users source throws inside validateRequest).
 */
class JettyServerAuthModuleIT {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    static Path dir;
    static TestStore store;
    static Server server;
    static URI base;

    @BeforeAll
    static void startJetty() throws Exception {
        store = TestStore.create(dir);
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
            store.addUser(user, user + "-pw", "admin");
        }
        AuthConfigFactory.setFactory(new DefaultAuthConfigFactory());
        AuthConfigFactory factory = AuthConfigFactory.getFactory();

        Map<String, Object> app = new HashMap<>(store.standaloneOptions());
        TotpAuthConfigProvider.register(factory, "server /app", app);

        Map<String, Object> one = new HashMap<>(store.standaloneOptions());
        one.put(TotpGuardSettings.SAM_FLOW, "one-page");
        one.put(TotpGuardSettings.SAM_BRAND_NAME, "Acme <Ops>");
        one.put(TotpGuardSettings.SAM_BRAND_STYLESHEET, "/static/site.css");
        TotpAuthConfigProvider.register(factory, "server /one", one);

        JdbcDataSource dead = new JdbcDataSource();
        dead.setURL("jdbc:h2:mem:unreachable-store;IFEXISTS=TRUE");
        TwoFactorService down = TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dead).database(JdbcCredentialStore.Database.H2).build())
                .keyRing(KeyRing.fromKeyFile(Path.of(store.settings().get(TotpGuardSettings.KEY_FILE)))).build();
        Map<String, Object> downOptions = new HashMap<>(store.standaloneOptions());
        downOptions.put(TotpLoginModule.SERVICE_OPTION, down);
        TotpAuthConfigProvider.register(factory, "server /down", downOptions);

        // A users source with a bug: the exception surfaces inside validateRequest.
        PasswordVerifier broken = (user, password) -> {
            throw new IllegalStateException("users source bug");
        };
        Map<String, Object> boom = new HashMap<>(store.settings());
        boom.put(TotpLoginModule.VERIFIER_OPTION, broken);
        TotpAuthConfigProvider.register(factory, "server /boom", boom);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        Handler.Sequence contexts = new Handler.Sequence();
        for (String path : new String[] {"/app", "/one", "/down", "/boom"}) {
            contexts.addHandler(context(path));
        }
        server.setHandler(contexts);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static ServletContextHandler context(String path) {
        ServletContextHandler context = new ServletContextHandler(path,
                ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().print("admin page for " + request.getRemoteUser() + " admin=" + request.isUserInRole("admin"));
            }
        }), "/*");
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
        JaspiAuthenticatorFactory authenticators = new JaspiAuthenticatorFactory();
        authenticators.setServerName("server");
        security.setAuthenticatorFactory(authenticators);
        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(Constraint.from("admin"));
        security.addConstraintMapping(everything);
        return context;
    }

    @AfterAll
    static void stopJetty() throws Exception {
        server.stop();
        store.close();
        TotpLoginModule.closeSharedServices();
    }

    private static String csrf(Response page) {
        Matcher matcher = CSRF.matcher(page.body());
        assertTrue(matcher.find(), page.body());
        return matcher.group(1);
    }

    /** Password step; returns the response to the password POST. */
    private static Response password(Browser browser, String context, String user, String password)
            throws Exception {
        Response page = browser.get(context + "/totpguard/login");
        assertEquals(200, page.status());
        return browser.post(context + "/totpguard/login", "csrf", csrf(page), "j_username", user, "j_password", password);
    }

    private static Response code(Browser browser, String context, String code) throws Exception {
        Response page = browser.get(context + "/totpguard/code");
        assertEquals(200, page.status(), page.body());
        return browser.post(context + "/totpguard/code", "csrf", csrf(page), "j_totp", code);
    }

    @Test
    void twoStepLoginRotatesTheSessionAfterEachStepAndReturnsToTheAskedPage() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        Browser browser = new Browser(base);
        Response challenge = browser.get("/app/admin/reports");
        assertEquals(303, challenge.status());
        assertEquals("/app/totpguard/login", challenge.locationHeader());
        Response page = browser.get("/app/totpguard/login");
        assertEquals("no-store", page.header("Cache-Control").orElse(""));
        assertTrue(page.header("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        String anonymous = browser.cookie("JSESSIONID");
        assertNotNull(anonymous);

        Response afterPassword = browser.post("/app/totpguard/login", "csrf", csrf(page),
                "j_username", "alice", "j_password", "alice-pw");
        assertEquals("/app/totpguard/code", afterPassword.locationHeader());
        String halfAuthenticated = browser.cookie("JSESSIONID");
        assertNotEquals(anonymous, halfAuthenticated);
        assertEquals(303, browser.get("/app/admin/reports").status(), "password alone opens nothing");

        Response afterCode = code(browser, "/app", alice.nextCode());
        assertEquals("/app/admin/reports", afterCode.locationHeader());
        assertNotEquals(halfAuthenticated, browser.cookie("JSESSIONID"));
        Response admin = browser.get("/app/admin/reports");
        assertEquals(200, admin.status());
        assertEquals("admin page for alice admin=true", admin.body());
    }

    @Test
    void wrongPasswordWrongCodeAndUnknownUserEndInTheSameGenericFailure() throws Exception {
        TestStore.Enrolled bob = store.enroll("bob");
        String[][] attempts = {{"bob", "wrong-pw", bob.nextCode()}, {"bob", "bob-pw", bob.wrongCode()},
                {"mallory", "bob-pw", bob.wrongCode()}};
        String firstNotice = null;
        for (String[] attempt : attempts) {
            Browser browser = new Browser(base);
            Response afterPassword = password(browser, "/app", attempt[0], attempt[1]);
            assertEquals("/app/totpguard/code", afterPassword.locationHeader(), "the password step never tells");
            Response afterCode = code(browser, "/app", attempt[2]);
            assertEquals("/app/totpguard/login", afterCode.locationHeader());
            String notice = browser.get("/app/totpguard/login").body().replaceAll("value=\"[^\"]+\"", "");
            assertTrue(notice.contains("Login failed: wrong user name, password or code."), notice);
            if (firstNotice != null) {
                assertEquals(firstNotice, notice);
            }
            firstNotice = notice;
            assertEquals(303, browser.get("/app/admin/").status());
        }
        // The code typed after the wrong password was not consumed.
        Browser browser = new Browser(base);
        password(browser, "/app", "bob", "bob-pw");
        assertEquals("/app/", code(browser, "/app", bob.lastCode()).locationHeader());
    }

    @Test
    void fiveTriesOfACandidatePasswordAndAProbeConfirmNothing() throws Exception {
        // Issue 13 item 1: "erin-pw" is the candidate; right for erin, wrong for frank. Before, only codes after a right
        // password counted, so only erin's probe said "locked", which confirmed the password.
        TestStore.Enrolled erin = store.enroll("erin");
        TestStore.Enrolled frank = store.enroll("frank");
        for (int i = 0; i < TestStore.LOCKOUT_FAILURES; i++) {
            for (String[] attempt : new String[][] {{"erin", erin.wrongCode()}, {"frank", frank.wrongCode()}}) {
                Browser browser = new Browser(base);
                password(browser, "/app", attempt[0], "erin-pw");
                assertEquals("/app/totpguard/login", code(browser, "/app", attempt[1]).locationHeader());
            }
        }

        String[] probes = new String[2];
        int[] statuses = new int[2];
        TestStore.Enrolled[] users = {erin, frank};
        for (int i = 0; i < 2; i++) {
            Browser browser = new Browser(base);
            password(browser, "/app", i == 0 ? "erin" : "frank", "erin-pw");
            Response afterCode = code(browser, "/app", users[i].nextCode());
            statuses[i] = afterCode.status();
            probes[i] = browser.get("/app/totpguard/login").body().replaceAll("value=\"[^\"]+\"", "");
        }
        assertEquals(statuses[0], statuses[1]);
        assertEquals(probes[0], probes[1], "the same answer whether the candidate was right or wrong");
        assertTrue(probes[1].contains("Too many failed attempts"), probes[1]);

        // Guessing stops after the limit: frank's own password and code are refused until the lock ends.
        Browser browser = new Browser(base);
        password(browser, "/app", "frank", "frank-pw");
        assertEquals("/app/totpguard/login", code(browser, "/app", frank.nextCode()).locationHeader());
        assertEquals(303, browser.get("/app/admin/").status());
    }

    @Test
    void formsWithoutTheSessionsCsrfTokenAreForbidden() throws Exception {
        Browser browser = new Browser(base);
        browser.get("/app/totpguard/login");
        Response forged = browser.post("/app/totpguard/login", "csrf", "forged", "j_username", "carol",
                "j_password", "carol-pw");
        assertEquals(403, forged.status());
        assertEquals(403, new Browser(base).post("/app/totpguard/code", "j_totp", "123456").status());
        // The right token in the URL instead of the body: logged by proxies and servers, so no longer a secret.
        String token = csrf(browser.get("/app/totpguard/login"));
        Response inUrl = browser.post("/app/totpguard/login?csrf=" + token, "j_username", "carol",
                "j_password", "carol-pw");
        assertEquals(403, inUrl.status());
        Response inBoth = browser.post("/app/totpguard/login?csrf=" + token, carolsLogin(token), Map.of());
        assertEquals(403, inBoth.status());
    }

    @Test
    void aCrossSitePostIsForbiddenEvenWithTheSessionsValidToken() throws Exception {
        Browser browser = new Browser(base);
        String token = csrf(browser.get("/app/totpguard/login"));
        // The filter's check: a browser names the posting page's origin, which no page can forge.
        Response crossSite = browser.post("/app/totpguard/login", carolsLogin(token),
                Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));
        assertEquals(403, crossSite.status());
        Response otherOrigin = browser.post("/app/totpguard/login", carolsLogin(token),
                Map.of("Origin", "https://evil.example"));
        assertEquals(403, otherOrigin.status());
        Response sandboxed = browser.post("/app/totpguard/login", carolsLogin(token),
                Map.of("Origin", "null"));
        assertEquals(403, sandboxed.status());
        // The same token from this site's own form goes on to the code step.
        Response sameSite = browser.post("/app/totpguard/login", carolsLogin(token),
                Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin"));
        assertEquals(303, sameSite.status());
        assertEquals("/app/totpguard/code", sameSite.locationHeader());
    }

    private static Map<String, String> carolsLogin(String csrfToken) {
        return Map.of("csrf", csrfToken, "j_username", "carol", "j_password", "carol-pw");
    }

    @Test
    void codePageWithoutThePasswordStepSendsToLogin() throws Exception {
        Response response = new Browser(base).get("/app/totpguard/code");
        assertEquals(303, response.status());
        assertEquals("/app/totpguard/login", response.locationHeader());
    }

    @Test
    void onePageFlowTakesAllThreeFields() throws Exception {
        TestStore.Enrolled carol = store.enroll("carol");
        Browser browser = new Browser(base);
        Response page = browser.get("/one/totpguard/login");
        assertTrue(page.body().contains("name=\"j_totp\""));
        Response response = browser.post("/one/totpguard/login", "csrf", csrf(page),
                "j_username", "carol", "j_password", "carol-pw", "j_totp", carol.nextCode());
        assertEquals("/one/", response.locationHeader());
        assertEquals("admin page for carol admin=true", browser.get("/one/admin/").body());
    }

    @Test
    void theBrandingOptionsPutTheNameAndStyleSheetOnThePagesAndSelfIntoStyleSrcOnly() {
        Browser browser = new Browser(base);
        Response branded = browser.get("/one/totpguard/login");
        assertTrue(branded.body().contains("<header><span class=\"brand\">Acme &lt;Ops&gt;</span></header>"), branded.body());
        assertTrue(branded.body().contains("<link rel=\"stylesheet\" href=\"/one/static/site.css\">"), branded.body());
        String policy = branded.header("Content-Security-Policy").orElse("");
        assertTrue(policy.startsWith("default-src 'none'; img-src data:; style-src 'self' 'sha256-"), policy);

        Response plain = new Browser(base).get("/app/totpguard/login");
        assertFalse(plain.body().contains("<header") || plain.body().contains("<link"), plain.body());
        assertTrue(plain.header("Content-Security-Policy").orElse("").startsWith("default-src 'none'; img-src data:;"
                + " style-src 'sha256-"), plain.toString());
    }

    @Test
    void storeOutageGivesServiceUnavailableAndNoAccess() throws Exception {
        TestStore.Enrolled dave = store.enroll("dave");
        for (String password : new String[] {"dave-pw", "wrong"}) {
            Browser browser = new Browser(base);
            // The attempt is counted in the store before the password is hashed: the password step fails closed.
            Response response = password(browser, "/down", "dave", password);
            assertEquals(503, response.status());
            assertFalse(response.body().contains("Exception"), response.body());
            Response admin = browser.get("/down/admin/");
            assertEquals(303, admin.status(), "never SUCCESS while the store is down");
        }
    }

    @Test
    void exceptionInsideTheModuleFailsClosed() throws Exception {
        Browser browser = new Browser(base);
        Response response = password(browser, "/boom", "dave", "dave-pw");
        assertEquals(500, response.status());
        assertFalse(response.body().contains("users source bug"), response.body());
        assertEquals(303, browser.get("/boom/admin/").status());
    }
}
