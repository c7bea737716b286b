package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.security.jaas.JAASLoginService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jetty 12's {@code JAASLoginService} with FORM login over real HTTP, configured with the README's jaas.conf
 * (entry {@code TotpGuardJetty}): Jetty's PropertyFileLoginModule checks the password, TOTP Guard the code
 * from the form field {@code j_totp} (Jetty's RequestParameterCallback).
 */
class JettyJaasLoginServiceIT {

    @TempDir
    static Path dir;
    static TestStore store;
    static Server server;
    static URI base;

    @BeforeAll
    static void startJetty() throws Exception {
        store = TestStore.create(dir);
        Files.writeString(dir.resolve("jetty-users.properties"), "alice: alice pw, admin\nbob: bob pw, admin\n");
        Path conf = ReadmeJaasConf.write(store);
        assertNotNull(ReadmeJaasConf.parse(conf).getAppConfigurationEntry("TotpGuardJetty"), "README jaas.conf parses");

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app",
                ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                String path = request.getPathInfo();
                response.getWriter().print("/login.html".equals(path) ? "login page" : "/error.html".equals(path)
                        ? "login failed" : "admin page for " + request.getRemoteUser() + " admin=" + request.isUserInRole("admin"));
            }
        }), "/*");
        JAASLoginService loginService = new JAASLoginService("totp");
        loginService.setLoginModuleName("TotpGuardJetty");
        loginService.setConfiguration(ReadmeJaasConf.parse(conf));
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
        security.setLoginService(loginService);
        security.setAuthenticator(new FormAuthenticator("/login.html", "/error.html", false));
        ConstraintMapping admin = new ConstraintMapping();
        admin.setPathSpec("/admin/*");
        admin.setConstraint(Constraint.from("admin"));
        security.addConstraintMapping(admin);
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterAll
    static void stopJetty() throws Exception {
        server.stop();
        store.close();
        TotpLoginModule.closeSharedServices();
    }

    private static Response login(Browser browser, String user, String password, String code) throws Exception {
        Response challenge = browser.get("/app/admin/");
        assertEquals(302, challenge.status());
        assertTrue(challenge.locationHeader().contains("/app/login.html"), challenge.locationHeader());
        return browser.post("/app/j_security_check", "j_username", user, "j_password", password, "j_totp", code);
    }

    @Test
    void passwordAndCodeInTheTotpFieldOpenTheAdminPage() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        Browser browser = new Browser(base);
        Response response = login(browser, "alice", "alice pw", alice.nextCode());
        String before = browser.cookie("JSESSIONID");
        assertEquals(303, response.status(), response.body());
        assertTrue(response.locationHeader().contains("/app/admin/"), response.locationHeader());
        Response page = browser.get("/app/admin/");
        assertEquals(200, page.status());
        assertEquals("admin page for alice admin=true", page.body());
        assertNotNull(before);
    }

    @Test
    void wrongCodeWrongPasswordAndReplayedCodeGoToTheErrorPage() throws Exception {
        TestStore.Enrolled bob = store.enroll("bob");
        String code = bob.nextCode();
        for (String[] attempt : new String[][] {{"bob pw", bob.wrongCode()}, {"wrong", code}, {"bob pw", ""}}) {
            Browser browser = new Browser(base);
            Response response = login(browser, "bob", attempt[0], attempt[1]);
            assertTrue(response.locationHeader().contains("/app/error.html"), response.locationHeader());
            assertEquals(302, browser.get("/app/admin/").status(), "still not logged in");
        }
        // The wrong password did not consume the code (checked in commit, after Jetty's module accepted).
        Browser first = new Browser(base);
        assertTrue(login(first, "bob", "bob pw", code).locationHeader().contains("/app/admin/"));
        Browser replay = new Browser(base);
        assertTrue(login(replay, "bob", "bob pw", code).locationHeader().contains("/app/error.html"));
        assertNotEquals(first.cookie("JSESSIONID"), replay.cookie("JSESSIONID"));
    }
}
