package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unmodified jetty-home 12.1 as its own process, set up only as the jetty archive's INSTALL.txt says:
 * {@code jetty/*} copied into a fresh jetty base, {@code --add-modules=totpguard} (which brings Jetty's
 * {@code jaas} module, so the JDK reads {@code etc/login.conf} through {@code java.security.auth.login.config}),
 * the README's jaas.conf as {@code etc/login.conf}, and a WAR with a {@code j_totp} field and no TOTP Guard in it.
 */
class JettyJaasModuleIT {

    static Path work;
    static OperatorStore store;
    static ContainerProcess jetty;
    static URI app;
    static List<String> startCommand;
    static Path base;

    @BeforeAll
    static void startJetty() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        work = Files.createTempDirectory(Path.of("target"), "jetty-jaas-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("jetty", work.resolve("download"));
        base = Files.createDirectories(work.resolve("base"));
        Distributions.copyTree(totpguard.resolve("jetty"), base);

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        Files.writeString(store.dir().resolve("jetty-users.properties"), "kate: kate-pw, admin\nliam: liam-pw, admin\nnora: nora-pw, admin\n");
        Files.writeString(base.resolve("etc/login.conf"), Readme.jaasConfFor(store.dir(), store.jdbcUrl()), StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard");

        int port = ContainerProcess.freePort();
        startCommand = Distributions.jettyBase(home, base, "http,ee10-deploy,totpguard", work.resolve("add-modules.log"), port);
        app = URI.create("http://127.0.0.1:" + port + "/app/");
        launch();
    }

    private static void launch() throws Exception {
        jetty = ContainerProcess.start("jetty", startCommand, base, work.resolve("jetty.log"));
        jetty.awaitHttp(app);
    }

    @AfterAll
    static void stopJetty() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void passwordAloneIsRefused() throws Exception {
        store.enroll("liam");
        assertLoginError(new Browser().formLogin(app, "liam", "liam-pw", null));
        assertLoginError(new Browser().formLogin(app, "liam", "liam-pw", ""));
    }

    @Test
    void codeFromTheFormFieldLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String code = kate.nextCode();
        Browser browser = new Browser();
        assertSecret(browser.formLogin(app, "kate", "kate-pw", code));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.get(app.resolve("secret.html")));
        }
        assertLoginError(new Browser().formLogin(app, "kate", "kate-pw", code));
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        jetty.close();
        launch();
        assertSecret(new Browser().formLogin(app, "nora", "nora-pw", nora.nextCode()));
    }

    private static void assertSecret(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.statusCode() + ": " + response.body() + "\n" + jetty.log());
    }

    private static void assertLoginError(HttpResponse<String> response) {
        assertTrue(response.body().contains(TestWebapp.LOGIN_ERROR) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the login error page, got " + response.statusCode() + ": " + response.body() + "\n" + jetty.log());
    }
}
