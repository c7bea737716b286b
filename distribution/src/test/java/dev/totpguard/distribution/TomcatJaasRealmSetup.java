package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.jaas.PasswordHash;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An unmodified Tomcat as its own process, set up only as the tomcat archive's INSTALL.txt says: its
 * {@code tomcat/lib} jars in {@code $CATALINA_BASE/lib}, the shipped Realm line in {@code conf/server.xml}'s
 * {@code <Host>}, the README's jaas.conf through {@code java.security.auth.login.config}, and a WAR with a plain
 * FORM login and no TOTP Guard in it: the user types {@code password:code} into the password field. The
 * subclasses name the Tomcat version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatJaasRealmSetup {

    private Path work;
    private OperatorStore store;
    private ContainerProcess tomcat;
    private URI app;
    private List<String> startCommand;
    private Path base;

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        base = Files.createDirectories(work.resolve("base"));
        Distributions.copyTree(totpguard.resolve("tomcat/lib"), base.resolve("lib"));
        int port = ContainerProcess.freePort();
        String realm = Files.readString(totpguard.resolve("conf-snippets/server.xml-Realm.xml"), StandardCharsets.UTF_8);
        TomcatBase.create(home, base, port, realm);

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        PasswordHash hash = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();
        Files.writeString(store.dir().resolve("users.properties"),
                "kate = " + hash.hash("kate-pw".toCharArray()) + ", admin\n"
                        + "liam = " + hash.hash("liam-pw".toCharArray()) + ", admin\n"
                        + "mia = " + hash.hash("mia-pw".toCharArray()) + ", admin\n"
                        + "nora = " + hash.hash("nora-pw".toCharArray()) + ", admin\n", StandardCharsets.UTF_8);
        Path jaasConf = store.dir().resolve("jaas.conf");
        Files.writeString(jaasConf, Readme.jaasConfFor(store.dir(), store.jdbcUrl()), StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard");
        TestWebapp.write(base.resolve("webapps/basic"), "TOTP Guard", "BASIC");
        Files.createDirectories(base.resolve("conf/Catalina/localhost"));
        Files.copy(totpguard.resolve("conf-snippets/basic-context.xml"), base.resolve("conf/Catalina/localhost/basic.xml"));

        // CATALINA_OPTS from INSTALL.txt.
        startCommand = TomcatBase.command(home, base, "-Djava.security.auth.login.config=" + jaasConf);
        app = URI.create("http://127.0.0.1:" + port + "/app/");
        launch();
    }

    private void launch() throws Exception {
        tomcat = ContainerProcess.start("tomcat " + version(), startCommand, base, work.resolve("tomcat.log"));
        tomcat.awaitHttp(app);
    }

    @AfterAll
    void stopTomcat() {
        if (tomcat != null) {
            tomcat.close();
        }
        if (store != null) {
            store.close();
        }
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
                    "request " + (i + 1) + ": expected the protected page, got " + response.statusCode() + "\n" + tomcat.log());
        }
        assertEquals(401, new Browser().getBasic(basic, "mia", password).statusCode(), "replay from another browser");
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        tomcat.close();
        launch();
        assertSecret(new Browser().formLogin(app, "nora", "nora-pw:" + nora.nextCode(), null));
    }

    @Test
    void noSecretReachesTheLog() {
        // The log has the container's own lines; no typed password or code may be among them.
        assertTrue(tomcat.logLinesWith("kate-pw").isEmpty() && tomcat.logLinesWith("liam-pw").isEmpty()
                        && tomcat.logLinesWith("mia-pw").isEmpty() && tomcat.logLinesWith("nora-pw").isEmpty(),
                "a password reached the log:\n" + tomcat.log());
        assertTrue(!Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(tomcat.log()).find(),
                "a class is missing from tomcat/lib:\n" + tomcat.log());
    }

    private void assertSecret(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.statusCode() + ": " + response.body() + "\n" + tomcat.log());
    }

    private void assertLoginError(HttpResponse<String> response) {
        assertTrue(response.body().contains(TestWebapp.LOGIN_ERROR) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the login error page, got " + response.statusCode() + ": " + response.body() + "\n" + tomcat.log());
    }
}
