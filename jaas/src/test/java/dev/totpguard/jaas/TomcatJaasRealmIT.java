package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.catalina.realm.JAASRealm;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tomcat 11's {@code JAASRealm} with FORM login over real HTTP, configured with the README's jaas.conf
 * (entry {@code TotpGuard}): Tomcat passes only j_username and j_password, so the code is appended.
 */
class TomcatJaasRealmIT {

    @TempDir
    static Path dir;
    static TestStore store;
    static Tomcat tomcat;
    static URI base;

    @BeforeAll
    static void startTomcat() throws Exception {
        store = TestStore.create(dir);
        for (String user : new String[] {"alice", "bob", "carol"}) {
            store.addUser(user, user + " pw", "admin");
        }
        Path conf = ReadmeJaasConf.write(store);
        assertNotNull(ReadmeJaasConf.parse(conf).getAppConfigurationEntry("TotpGuard"), "README jaas.conf parses");

        tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        tomcat.setPort(0);
        Context context = tomcat.addContext("/app", dir.toString());
        Tomcat.addServlet(context, "pages", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                String path = request.getServletPath();
                response.getWriter().print(path.equals("/login.html") ? "login page" : path.equals("/error.html")
                        ? "login failed" : "admin page for " + request.getRemoteUser() + " admin=" + request.isUserInRole("admin"));
            }
        });
        context.addServletMappingDecoded("/", "pages");
        context.setLoginConfig(new LoginConfig("FORM", "totp", "/login.html", "/error.html"));
        context.getPipeline().addValve(new FormAuthenticator());
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole("admin");
        SecurityCollection admin = new SecurityCollection();
        admin.addPatternDecoded("/admin/*");
        constraint.addCollection(admin);
        context.addConstraint(constraint);
        context.addSecurityRole("admin");
        JAASRealm realm = new JAASRealm();
        realm.setAppName("TotpGuard");
        realm.setUserClassNames(UserPrincipal.class.getName());
        realm.setRoleClassNames(RolePrincipal.class.getName());
        realm.setConfigFile(conf.toAbsolutePath().toString());
        context.setRealm(realm);
        tomcat.getConnector();
        tomcat.start();
        base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        store.close();
        TotpLoginModule.closeSharedServices();
    }

    private static Response login(Browser browser, String user, String password) throws Exception {
        assertEquals(200, browser.get("/app/admin/").status(), "Tomcat shows the login page in place");
        return browser.post("/app/j_security_check", "j_username", user, "j_password", password);
    }

    @Test
    void passwordWithAppendedCodeOpensTheAdminPage() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        Browser browser = new Browser(base);
        String before = browser.cookie("JSESSIONID");
        Response response = login(browser, "alice", "alice pw:" + alice.nextCode());
        assertEquals(303, response.status(), response.body());
        assertTrue(response.locationHeader().endsWith("/app/admin/"), response.locationHeader());
        Response page = browser.get("/app/admin/");
        assertEquals(200, page.status());
        assertEquals("admin page for alice admin=true", page.body());
        assertTrue(before == null || !before.equals(browser.cookie("JSESSIONID")), "session id changed at login");
    }

    @Test
    void wrongCodeReplayedCodeAndPasswordWithoutCodeAreRefused() throws Exception {
        TestStore.Enrolled bob = store.enroll("bob");
        for (String password : new String[] {"bob pw:" + bob.wrongCode(), "bob pw", "wrong:" + bob.nextCode()}) {
            Browser browser = new Browser(base);
            Response response = login(browser, "bob", password);
            assertEquals("login failed", response.body());
            assertEquals(200, browser.get("/app/admin/").status());
            assertEquals("login page", browser.get("/app/admin/").body());
        }
        String code = bob.lastCode();
        assertEquals(303, login(new Browser(base), "bob", "bob pw:" + code).status());
        assertEquals("login failed", login(new Browser(base), "bob", "bob pw:" + code).body(), "replay refused");
    }

    @Test
    void unknownUserGetsTheSameAnswer() throws Exception {
        store.enroll("carol");
        assertEquals("login failed", login(new Browser(base), "mallory", "carol pw:123456").body());
    }
}
