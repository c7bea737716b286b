package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * An unmodified Tomcat as its own process with TOTP Guard's Jakarta Authentication module, set up only as
 * jaas/README.md says: the tomcat archive's {@code tomcat/lib} jars in {@code $CATALINA_BASE/lib}, and
 * {@code conf/jaspic-providers.xml} taken from the README's block, registering {@code /app}. Both WARs have a
 * plain BASIC login against Tomcat's stock {@code UserDatabaseRealm} and no TOTP Guard in them. A second
 * registration, for {@code /wrong}, uses the literal {@code "<host> <context path>"} reading
 * ({@code localhost /wrong}), which Tomcat silently ignores: that application must not serve its page with the
 * realm's password alone. The subclasses name the Tomcat version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatJaspicSetup {

    private Path work;
    private OperatorStore store;
    private ContainerProcess tomcat;
    private URI app;
    private URI wrong;
    private List<String> startCommand;
    private Path base;

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-jaspic-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        TomcatBase tomcatBase = TomcatBase.create(home, totpguard, work.resolve("base"), "");
        base = tomcatBase.dir();

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        PasswordHash hash = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();
        StringBuilder users = new StringBuilder();
        for (String user : List.of("kate", "liam", "nora", "pia")) {
            users.append(user).append(" = ").append(hash.hash((user + "-pw").toCharArray())).append(", admin\n");
        }
        Files.writeString(store.dir().resolve("users.properties"), users, StandardCharsets.UTF_8);

        // The README's file for /app, plus its <provider> once more for /wrong with the literal reading.
        String readme = Readme.jaspicProviders();
        String right = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "Catalina/localhost /manager",
                "Catalina/localhost /app");
        String literal = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "Catalina/localhost /manager",
                "localhost /wrong");
        String wrongProvider = literal.substring(literal.indexOf("  <provider "), literal.indexOf("</jaspic-providers>"));
        Files.writeString(base.resolve("conf/jaspic-providers.xml"),
                right.replace("</jaspic-providers>", wrongProvider + "</jaspic-providers>"), StandardCharsets.UTF_8);

        // The operator's existing realm, which the WARs' BASIC login would use without TOTP Guard.
        Path tomcatUsers = base.resolve("conf/tomcat-users.xml");
        Files.writeString(tomcatUsers, Files.readString(tomcatUsers, StandardCharsets.UTF_8).replace("</tomcat-users>",
                "<role rolename=\"admin\"/><user username=\"olga\" password=\"olga-pw\" roles=\"admin\"/></tomcat-users>"));
        TestWebapp.write(base.resolve("webapps/app"), "Tomcat", "BASIC");
        TestWebapp.write(base.resolve("webapps/wrong"), "Tomcat", "BASIC");

        startCommand = tomcatBase.startCommand();
        app = URI.create("http://127.0.0.1:" + tomcatBase.port() + "/app/");
        wrong = URI.create("http://127.0.0.1:" + tomcatBase.port() + "/wrong/");
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
        // not-enrolled=refuse (the default the README's block keeps): the right password alone is no login.
        assertSignInPage(SamLogin.login(new Browser(), app, "pia", "pia-pw", "123456"));
        OperatorStore.Enrolled pia = store.enroll("pia");
        assertSecret(SamLogin.login(new Browser(), app, "pia", "pia-pw", pia.nextCode()));
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        tomcat.close();
        launch();
        assertSecret(SamLogin.login(new Browser(), app, "nora", "nora-pw", nora.nextCode()));
    }

    @Test
    void aRegistrationTomcatIgnoresStopsItsApplicationAndNamesTheRightString() throws Exception {
        HttpResponse<String> response = new Browser().getBasic(wrong.resolve("secret.html"), "olga", "olga-pw");
        assertNotSecret(response);
        List<String> lines = tomcat.logLinesWith("TOTP Guard refuses to start /wrong");
        assertFalse(lines.isEmpty(), "no refusal in the log:\n" + tomcat.log());
        assertTrue(lines.get(0).contains("\"localhost /wrong\"") && lines.get(0).contains("appContext=\"Catalina/localhost /wrong\""),
                lines.get(0));
        // The other application, registered right, is not touched by it.
        assertTrue(tomcat.logLinesWith("TOTP Guard refuses to start /app").isEmpty(), tomcat.log());
    }

    @Test
    void noSecretReachesTheLog() {
        for (String password : List.of("kate-pw", "liam-pw", "nora-pw", "pia-pw", "olga-pw")) {
            assertTrue(tomcat.logLinesWith(password).isEmpty(), "a password reached the log:\n" + tomcat.log());
        }
        assertFalse(Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(tomcat.log()).find(),
                "a class is missing from tomcat/lib:\n" + tomcat.log());
    }

    private void assertSecret(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.statusCode() + ": " + response.body() + "\n" + tomcat.log());
    }

    private void assertNotSecret(HttpResponse<String> response) {
        assertFalse(response.body().contains(TestWebapp.SECRET_PAGE),
                "the protected page was served: " + response.statusCode() + "\n" + tomcat.log());
    }

    private void assertSignInPage(HttpResponse<String> response) {
        assertTrue(SamLogin.isLoginPage(app, response) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected TOTP Guard's sign-in page, got " + response.statusCode() + ": " + response.body() + "\n" + tomcat.log());
    }
}
