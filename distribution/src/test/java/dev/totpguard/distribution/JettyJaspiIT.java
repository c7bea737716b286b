package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.jaas.PasswordHash;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unmodified jetty-home 12.1 as its own process with TOTP Guard's Jakarta Authentication module, set up only
 * as jaas/README.md says: {@code jetty/*} copied into a fresh jetty base, {@code --add-modules=totpguard-jaspi}
 * (Jetty's own {@code ee10-jaspi} and {@code ee10-annotations}), and
 * {@code etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml} from the README's block, registering {@code /app}.
 * A second registration, for {@code /wrong}, uses {@code localhost /wrong}, which Jetty never matches (it looks
 * up {@code server /wrong}): that application must not start. Both WARs have a BASIC login and no TOTP Guard.
 */
class JettyJaspiIT {

    static Path work;
    static OperatorStore store;
    static ContainerProcess jetty;
    static URI app;
    static URI wrong;
    static List<String> startCommand;
    static Path base;

    @BeforeAll
    static void startJetty() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        work = Files.createTempDirectory(Path.of("target"), "jetty-jaspi-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("jetty", work.resolve("download"));
        base = Files.createDirectories(work.resolve("base"));
        Distributions.copyTree(totpguard.resolve("jetty"), base);

        List<String> start = new ArrayList<>(List.of(ContainerProcess.java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base));
        List<String> addModules = new ArrayList<>(start);
        addModules.add("--add-modules=http,ee10-deploy,totpguard-jaspi");
        ContainerProcess.run(addModules, base, work.resolve("add-modules.log"));

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        PasswordHash hash = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();
        StringBuilder users = new StringBuilder();
        for (String user : List.of("kate", "liam", "nora", "pia")) {
            users.append(user).append(" = ").append(hash.hash((user + "-pw").toCharArray())).append(", admin\n");
        }
        Files.writeString(store.dir().resolve("users.properties"), users, StandardCharsets.UTF_8);

        // The README's file for /app, plus its registration once more for /wrong with a host Jetty never uses.
        String readme = Readme.jettyJaspiConfig();
        String right = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "server /app", "server /app");
        String literal = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "server /app", "localhost /wrong");
        String wrongCall = literal.substring(literal.indexOf("    <Call name=\"registerConfigProvider\">"),
                literal.indexOf("  </Call>\n</Configure>"));
        Path config = base.resolve("etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml");
        assertTrue(Files.isRegularFile(config), "--add-modules=totpguard-jaspi did not copy " + config);
        Files.writeString(config, right.replace("  </Call>\n</Configure>", wrongCall + "  </Call>\n</Configure>"),
                StandardCharsets.UTF_8);

        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard", "BASIC");
        TestWebapp.write(base.resolve("webapps/wrong"), "TOTP Guard", "BASIC");

        int port = ContainerProcess.freePort();
        start.add("jetty.http.port=" + port);
        start.add("jetty.http.host=127.0.0.1");
        startCommand = List.copyOf(start);
        app = URI.create("http://127.0.0.1:" + port + "/app/");
        wrong = URI.create("http://127.0.0.1:" + port + "/wrong/");
        launch();
    }

    private static void launch() throws Exception {
        jetty = ContainerProcess.start("jetty", startCommand, base, work.resolve("jetty.log"));
        jetty.awaitHttp(app);
    }

    @AfterAll
    static void stopJetty() {
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
        assertNotSecret(new Browser().getBasic(app.resolve("secret.html"), "liam", "liam-pw"));
        Browser browser = new Browser();
        SamLogin.password(browser, app, "liam", "liam-pw");
        assertSignInPage(browser.get(app.resolve("secret.html")));
        assertSignInPage(SamLogin.login(new Browser(), app, "liam", "liam-pw", ""));
    }

    @Test
    void codeLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String code = kate.nextCode();
        Browser browser = new Browser();
        assertSecret(SamLogin.login(browser, app, "kate", "kate-pw", code));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.get(app.resolve("secret.html")));
        }
        assertSignInPage(SamLogin.login(new Browser(), app, "kate", "kate-pw", code));
    }

    @Test
    void aUserWithoutTotpIsRefusedUntilEnrolled() throws Exception {
        assertSignInPage(SamLogin.login(new Browser(), app, "pia", "pia-pw", "123456"));
        OperatorStore.Enrolled pia = store.enroll("pia");
        assertSecret(SamLogin.login(new Browser(), app, "pia", "pia-pw", pia.nextCode()));
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        jetty.close();
        launch();
        assertSecret(SamLogin.login(new Browser(), app, "nora", "nora-pw", nora.nextCode()));
    }

    @Test
    void aRegistrationJettyIgnoresStopsItsApplicationAndNamesTheRightString() throws Exception {
        assertNotSecret(new Browser().getBasic(wrong.resolve("secret.html"), "kate", "kate-pw"));
        List<String> lines = jetty.logLinesWith("TOTP Guard refuses to start /wrong");
        assertFalse(lines.isEmpty(), "no refusal in the log:\n" + jetty.log());
        assertTrue(lines.get(0).contains("\"localhost /wrong\"") && lines.get(0).contains("appContext=\"server /wrong\""),
                lines.get(0));
        assertTrue(jetty.logLinesWith("TOTP Guard refuses to start /app").isEmpty(), jetty.log());
    }

    @Test
    void noSecretReachesTheLog() {
        for (String password : List.of("kate-pw", "liam-pw", "nora-pw", "pia-pw")) {
            assertTrue(jetty.logLinesWith(password).isEmpty(), "a password reached the log:\n" + jetty.log());
        }
        assertFalse(Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(jetty.log()).find(),
                "a class is missing from lib/totpguard:\n" + jetty.log());
    }

    private static void assertSecret(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.statusCode() + ": " + response.body() + "\n" + jetty.log());
    }

    private static void assertNotSecret(HttpResponse<String> response) {
        assertFalse(response.body().contains(TestWebapp.SECRET_PAGE),
                "the protected page was served: " + response.statusCode() + "\n" + jetty.log());
    }

    private static void assertSignInPage(HttpResponse<String> response) {
        assertTrue(SamLogin.isLoginPage(app, response) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected TOTP Guard's sign-in page, got " + response.statusCode() + ": " + response.body() + "\n" + jetty.log());
    }
}
