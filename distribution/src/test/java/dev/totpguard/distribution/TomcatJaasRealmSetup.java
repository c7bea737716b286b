package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unmodified Tomcat as its own process, set up only as the tomcat archive's INSTALL.txt says: its
 * {@code tomcat/lib} jars in {@code $CATALINA_BASE/lib}, the shipped Realm line in {@code conf/server.xml}'s
 * {@code <Host>}, the README's jaas.conf through {@code java.security.auth.login.config}, and a WAR with a plain
 * FORM login and no TOTP Guard in it: the user types {@code password:code} into the password field. The
 * subclasses name the Tomcat version.
 */
abstract class TomcatJaasRealmSetup extends ContainerSetup {

    private static final List<String> USERS = List.of("kate", "liam", "mia", "nora");

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @Override
    String containerName() {
        return "tomcat " + version();
    }

    @Override
    List<String> passwords() {
        return List.of("kate-pw", "liam-pw", "mia-pw", "nora-pw");
    }

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        String realm = Files.readString(totpguard.resolve("conf-snippets/server.xml-Realm.xml"), StandardCharsets.UTF_8);
        TomcatBase tomcat = TomcatBase.create(home, totpguard, work.resolve("base"), realm);
        base = tomcat.dir();

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        writeUsers(store.dir().resolve("users.properties"), USERS);
        Path jaasConf = store.dir().resolve("jaas.conf");
        Files.writeString(jaasConf, Readme.jaasConfFor(store.dir(), store.jdbcUrl()), StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard");
        TestWebapp.write(base.resolve("webapps/basic"), "TOTP Guard", "BASIC");
        Files.createDirectories(base.resolve("conf/Catalina/localhost"));
        Files.copy(totpguard.resolve("conf-snippets/basic-context.xml"), base.resolve("conf/Catalina/localhost/basic.xml"));

        // CATALINA_OPTS from INSTALL.txt.
        startCommand = tomcat.startCommand("-Djava.security.auth.login.config=" + jaasConf);
        app = URI.create("http://127.0.0.1:" + tomcat.port() + "/app/");
        launch();
    }

    @Test
    void passwordAloneIsRefused() throws Exception {
        store.enroll("liam");
        assertLoginError(new Browser().formLogin(app, "liam", "liam-pw", null));
        assertLoginError(new Browser().formLogin(app, "liam", "liam-pw:", null));
    }

    @Test
    void codeAppendedToThePasswordLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String password = "kate-pw:" + kate.nextCode();
        Browser browser = new Browser();
        assertSecret(browser.formLogin(app, "kate", password, null));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.get(app.resolve("secret.html")));
        }
        assertLoginError(new Browser().formLogin(app, "kate", password, null));
    }

    @Test
    void basicLoginWithTheShippedContextKeepsTheSessionInsteadOfReplayingTheCode() throws Exception {
        URI basic = app.resolve("/basic/secret.html");
        OperatorStore.Enrolled mia = store.enroll("mia");
        assertEquals(401, new Browser().getBasic(basic, "mia", "mia-pw").statusCode(), "password alone");

        String password = "mia-pw:" + mia.nextCode();
        Browser browser = new Browser();
        // The browser sends the same credentials with every request; only the first may run the login.
        for (int i = 0; i < 11; i++) {
            HttpResponse<String> response = browser.getBasic(basic, "mia", password);
            assertTrue(response.statusCode() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                    "request " + (i + 1) + ": expected the protected page, got " + response.statusCode() + "\n" + container.log());
        }
        assertEquals(401, new Browser().getBasic(basic, "mia", password).statusCode(), "replay from another browser");
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        restart();
        assertSecret(new Browser().formLogin(app, "nora", "nora-pw:" + nora.nextCode(), null));
    }

    private void assertLoginError(HttpResponse<String> response) {
        assertTrue(response.body().contains(TestWebapp.LOGIN_ERROR) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the login error page, got " + response.statusCode() + ": " + response.body() + "\n" + container.log());
    }
}
