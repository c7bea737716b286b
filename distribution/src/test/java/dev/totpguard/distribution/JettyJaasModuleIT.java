package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unmodified jetty-home 12.1 as its own process, set up only as the jetty archive's INSTALL.txt says:
 * {@code jetty/*} copied into a fresh jetty base, {@code --add-modules=totpguard} (which brings Jetty's
 * {@code jaas} module, so the JDK reads {@code etc/login.conf} through {@code java.security.auth.login.config}),
 * the README's jaas.conf as {@code etc/login.conf}, and a WAR with a {@code j_totp} field and no TOTP Guard in it.
 */
class JettyJaasModuleIT extends ContainerSetup {

    @Override
    String containerName() {
        return "jetty";
    }

    @Override
    List<String> passwords() {
        return List.of("kate-pw", "liam-pw", "nora-pw");
    }

    @BeforeAll
    void startJetty() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        work = Files.createTempDirectory(Path.of("target"), "jetty-jaas-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("jetty", work.resolve("download"));
        base = work.resolve("base");
        JettyBase jetty = JettyBase.create(home, totpguard, base, "http,ee10-deploy,totpguard");

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        Files.writeString(store.dir().resolve("jetty-users.properties"), "kate: kate-pw, admin\nliam: liam-pw, admin\nnora: nora-pw, admin\n");
        Files.writeString(base.resolve("etc/login.conf"), Readme.jaasConfFor(store.dir(), store.jdbcUrl()), StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard");

        startCommand = jetty.startCommand();
        app = URI.create("http://127.0.0.1:" + jetty.port() + "/app/");
        launch();
    }

    @Test
    void passwordAloneIsRefused() throws Exception {
        store.enroll("liam");
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "liam", "liam-pw", null));
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "liam", "liam-pw", ""));
    }

    @Test
    void codeFromTheFormFieldLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String code = kate.nextCode();
        Browser browser = new Browser();
        assertSecret(TestWebapp.formLogin(browser, app, "kate", "kate-pw", code));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.open(app.resolve("secret.html")));
        }
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "kate", "kate-pw", code));
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        restart();
        assertSecret(TestWebapp.formLogin(new Browser(), app, "nora", "nora-pw", nora.nextCode()));
    }

    private void assertLoginError(Response response) {
        assertTrue(response.body().contains(TestWebapp.LOGIN_ERROR) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the login error page, got " + response.status() + ": " + response.body() + "\n" + container.output());
    }
}
