package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR drop-in on the unmodified jetty-home 12.1 as its own process: a WAR with FORM login and a
 * {@code metadata-complete} web.xml (so Jetty ignores the jar's web fragment) deployed into a jetty base with
 * {@code --add-modules=http,ee10-deploy,ee10-annotations} (annotations run the jar's initializer), the jetty archive's
 * {@code webapp/WEB-INF/lib} jars in its {@code WEB-INF/lib}, and the two context parameters of filter/README.md's
 * drop-in block; the store is the README's default H2 file under {@code ./totpguard-data} of the jetty base. The
 * realm is the operator's own (a {@code HashLoginService}), which TOTP Guard does not touch.
 */
class JettyDropInIT {

    private static final Pattern KEY = Pattern.compile("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
    private static final Pattern CSRF = Pattern.compile("name=\"totpguard_csrf\" value=\"([^\"]+)\"");

    static Path work;
    static Path base;
    static ChildProcess jetty;
    static URI admin;
    static List<String> startCommand;

    @BeforeAll
    static void startJetty() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        work = Files.createTempDirectory(Path.of("target"), "jetty-dropin-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("jetty", work.resolve("download"));
        base = Files.createDirectories(work.resolve("base"));

        Path etc = Files.createDirectories(work.resolve("etc-myapp"));
        KeyRing.generateKeyFile(etc.resolve("totpguard.key"));
        Map<String, String> parameters = Readme.dropInContextParameters();
        assertEquals(List.of("totpguard.key.file", "totpguard.enforcement"), List.copyOf(parameters.keySet()),
                "filter/README.md's drop-in block promises two context parameters");
        parameters.put("totpguard.key.file", etc.resolve("totpguard.key").toString());
        Path webapp = base.resolve("webapps/app");
        TestWebapp.writeDropIn(webapp, "Operators", parameters);
        Distributions.copyTree(totpguard.resolve("webapp/WEB-INF/lib"), webapp.resolve("WEB-INF/lib"));

        // The operator's realm, as jetty-home's demo-realm module builds one.
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/operators.properties"),
                "kate: kate-pw, admin\nliam: liam-pw, admin\nnora: nora-pw, admin\n", StandardCharsets.UTF_8);
        Path realm = base.resolve("etc/operators-realm.xml");
        Files.writeString(realm, """
                <?xml version="1.0"?>
                <!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
                <Configure id="Server" class="org.eclipse.jetty.server.Server">
                  <Call class="org.eclipse.jetty.util.resource.ResourceFactory" name="of">
                    <Arg><Ref refid="Server"/></Arg>
                    <Call id="operators" name="newResource"><Arg>%s</Arg></Call>
                  </Call>
                  <Call name="addBean">
                    <Arg>
                      <New class="org.eclipse.jetty.security.HashLoginService">
                        <Set name="name">Operators</Set>
                        <Set name="config"><Ref refid="operators"/></Set>
                      </New>
                    </Arg>
                  </Call>
                </Configure>
                """.formatted(base.resolve("etc/operators.properties")), StandardCharsets.UTF_8);

        JettyBase jettyBase = JettyBase.create(home, base, "http,ee10-deploy,ee10-annotations");
        startCommand = jettyBase.startCommand(realm.toString());
        admin = URI.create("http://127.0.0.1:" + jettyBase.port() + "/app/admin/");
        launch();
    }

    private static void launch() throws Exception {
        jetty = ChildProcess.start("jetty", new ProcessBuilder(startCommand).directory(base.toFile()), work.resolve("jetty.log"));
        jetty.awaitHttp(admin, Distributions.CONTAINER_START);
    }

    @AfterAll
    static void stopJetty() {
        if (jetty != null) {
            jetty.kill();
        }
    }

    @Test
    void thePasswordAloneNeverGetsTheProtectedPage() throws Exception {
        Response enroll = TestWebapp.formLogin(new Browser(), admin, "liam", "liam-pw", null);
        assertEquals("/app/totpguard/enroll", enroll.uri().getPath(), enroll.body() + "\n" + jetty.output());
        assertFalse(enroll.body().contains(TestWebapp.SECRET_PAGE), enroll.body());
    }

    @Test
    void enrollmentThenTenRequestsWithoutACodeAndTheCodeIsNotAcceptedTwice() throws Exception {
        Browser browser = new Browser();
        Response enroll = TestWebapp.formLogin(browser, admin, "kate", "kate-pw", null);
        Authenticator app = new Authenticator(find(KEY, enroll));
        String code = app.nextCode();
        Response codes = browser.submit(enroll.uri().resolve("confirm"),
                Map.of("totpguard_csrf", find(CSRF, enroll), "code", code));
        assertTrue(codes.status() == 200 && codes.body().contains("Save your recovery codes"),
                codes.status() + "\n" + codes.body() + "\n" + jetty.output());
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.open(admin.resolve("secret.html")));
        }

        Browser other = new Browser();
        Response token = TestWebapp.formLogin(other, admin, "kate", "kate-pw", null);
        assertEquals("/app/totpguard/token", token.uri().getPath(), token.body());
        Response replay = other.submit(token.uri().resolve("verify"),
                Map.of("totpguard_csrf", find(CSRF, token), "code", code));
        assertTrue(replay.body().contains("Invalid code") && !replay.body().contains(TestWebapp.SECRET_PAGE),
                "a replayed code:\n" + replay.body());
        assertFalse(other.open(admin.resolve("secret.html")).body().contains(TestWebapp.SECRET_PAGE), "after a replay");
    }

    @Test
    void anEnrollmentSurvivesARestart() throws Exception {
        Browser browser = new Browser();
        Response enroll = TestWebapp.formLogin(browser, admin, "nora", "nora-pw", null);
        Authenticator app = new Authenticator(find(KEY, enroll));
        Response codes = browser.submit(enroll.uri().resolve("confirm"),
                Map.of("totpguard_csrf", find(CSRF, enroll), "code", app.nextCode()));
        assertEquals(200, codes.status(), codes.body());

        // Stopped as an operator does (SIGTERM): the filter closes its H2 file.
        assertTrue(jetty.stop(Duration.ofSeconds(30)), () -> "jetty did not stop within 30 s of SIGTERM\n" + jetty.output());
        launch();
        Browser after = new Browser();
        Response token = TestWebapp.formLogin(after, admin, "nora", "nora-pw", null);
        assertEquals("/app/totpguard/token", token.uri().getPath(), token.body() + "\n" + jetty.output());
        assertSecret(after.submit(token.uri().resolve("verify"), Map.of("totpguard_csrf", find(CSRF, token),
                "code", app.nextCode())));
        assertSecret(after.open(admin.resolve("secret.html")));
    }

    @Test
    void theInitializerInstalledTheFilterAndNoPasswordReachedTheLog() {
        assertFalse(jetty.linesWith("TOTP Guard filter registered by its initializer").isEmpty(), jetty.output());
        assertTrue(jetty.linesWith("kate-pw").isEmpty() && jetty.linesWith("liam-pw").isEmpty()
                && jetty.linesWith("nora-pw").isEmpty(), "a password reached the log:\n" + jetty.output());
        // While serving, that is before the restart's stop: at JVM exit H2's own shutdown hook (DB_CLOSE_ON_EXIT) can
        // still run after Jetty closed the web application's class loader and fail to load an H2 class then.
        String log = jetty.output();
        int stop = log.indexOf("Stopped oejs.Server");
        String serving = stop < 0 ? log : log.substring(0, stop);
        assertFalse(Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(serving).find(),
                "a class is missing from webapp/WEB-INF/lib:\n" + log);
    }

    /**
     * The case filter/README.md lists among those no code in the jar can catch: without {@code ee10-annotations} Jetty
     * runs no initializer, and {@code metadata-complete} makes it ignore the fragment. If this ever stops opening the
     * page with the password alone, the README (and SECURITY.md) must say what happens instead.
     */
    @Test
    void withoutTheAnnotationsModuleNoTotpGuardCodeRunsAsTheReadmeWarns() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        Path bare = Files.createDirectories(work.resolve("base-without-annotations"));
        Distributions.copyTree(base.resolve("webapps/app"), bare.resolve("webapps/app"));
        Distributions.copyTree(base.resolve("etc"), bare.resolve("etc"));
        JettyBase bareBase = JettyBase.create(home, bare, "http,ee10-deploy");
        List<String> start = bareBase.startCommand(bare.resolve("etc/operators-realm.xml").toString());
        URI bareAdmin = URI.create("http://127.0.0.1:" + bareBase.port() + "/app/admin/");
        try (ChildProcess unguarded = ChildProcess.start("jetty without annotations", new ProcessBuilder(start).directory(bare.toFile()),
                work.resolve("jetty-without-annotations.log"))) {
            unguarded.awaitHttp(bareAdmin, Distributions.CONTAINER_START);
            Response page = TestWebapp.formLogin(new Browser(), bareAdmin, "liam", "liam-pw", null);
            assertTrue(page.body().contains(TestWebapp.SECRET_PAGE) && unguarded.linesWith("TOTP Guard").isEmpty(),
                    "filter/README.md says the page opens with the password alone here; it did not:\n" + page.body()
                            + "\n" + unguarded.output());
        }
    }

    private static void assertSecret(Response response) {
        assertTrue(response.status() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the protected page, got " + response.status() + " for " + response.uri() + ": "
                        + response.body() + "\n" + jetty.output());
    }

    private static String find(Pattern pattern, Response page) {
        Matcher matcher = pattern.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in " + page.uri() + ":\n" + page.body());
        }
        return matcher.group(1);
    }
}
