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
import org.junit.jupiter.api.TestInstance;

/**
 * The WAR drop-in into a WAR nobody edits: the stock {@code manager} webapp of an unmodified Tomcat, its
 * {@code metadata-complete} web.xml and BASIC login untouched, set up only as filter/README.md ("A WAR you cannot edit")
 * says: the tomcat archive's {@code webapp/WEB-INF/lib} jars in {@code webapps/manager/WEB-INF/lib}, the manager's own
 * {@code META-INF/context.xml} as {@code conf/Catalina/localhost/manager.xml} with the README's {@code <Parameter>}
 * block, and a {@code manager-gui} user in {@code conf/tomcat-users.xml}. The browser sends the password only under
 * {@code /manager/html/}, where Tomcat asked for it; the filter's pages lie outside the manager's constraint. The
 * subclasses name the Tomcat version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatManagerDropInSetup {

    /** The title of the manager's HTML page. */
    private static final String MANAGER_PAGE = "Tomcat Web Application Manager";
    private static final Pattern KEY = Pattern.compile("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
    private static final Pattern CSRF = Pattern.compile("name=\"totpguard_csrf\" value=\"([^\"]+)\"");

    private Path work;
    private Path base;
    private ChildProcess tomcat;
    private List<String> startCommand;
    private URI html;

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-manager-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        TomcatBase tomcat = TomcatBase.create(home, work.resolve("base"), "");
        base = tomcat.dir();
        Path manager = base.resolve("webapps/manager");
        Distributions.copyTree(home.resolve("webapps/manager"), manager);
        assertTrue(Files.readString(manager.resolve("WEB-INF/web.xml")).contains("metadata-complete=\"true\""),
                "the stock manager's web.xml is no longer metadata-complete");
        Distributions.copyTree(totpguard.resolve("webapp/WEB-INF/lib"), manager.resolve("WEB-INF/lib"));

        Path users = base.resolve("conf/tomcat-users.xml");
        Files.writeString(users, Files.readString(users, StandardCharsets.UTF_8).replace("</tomcat-users>",
                "<role rolename=\"manager-gui\"/>\n"
                        + "<user username=\"kate\" password=\"kate-pw\" roles=\"manager-gui\"/>\n"
                        + "<user username=\"liam\" password=\"liam-pw\" roles=\"manager-gui\"/>\n"
                        + "<user username=\"nora\" password=\"nora-pw\" roles=\"manager-gui\"/>\n</tomcat-users>"),
                StandardCharsets.UTF_8);

        Path etc = Files.createDirectories(work.resolve("etc-tomcat"));
        KeyRing.generateKeyFile(etc.resolve("totpguard.key"));
        String parameters = Readme.filterBlock("tomcat manager parameters")
                .replace("/etc/tomcat/", etc + "/")
                .replace("/var/lib/tomcat/totpguard/", work.resolve("data") + "/");
        String context = Files.readString(home.resolve("webapps/manager/META-INF/context.xml"), StandardCharsets.UTF_8);
        assertTrue(context.contains("privileged=\"true\"") && context.contains("</Context>"), context);
        Files.createDirectories(base.resolve("conf/Catalina/localhost"));
        Files.writeString(base.resolve("conf/Catalina/localhost/manager.xml"),
                context.replace("</Context>", parameters + "</Context>"), StandardCharsets.UTF_8);

        startCommand = tomcat.startCommand();
        html = URI.create("http://127.0.0.1:" + tomcat.port() + "/manager/html/");
        launch();
    }

    private void launch() throws Exception {
        tomcat = ChildProcess.start("tomcat " + version(), new ProcessBuilder(startCommand).directory(base.toFile()), work.resolve("tomcat.log"));
        tomcat.awaitHttp(html, Distributions.CONTAINER_START);
    }

    @AfterAll
    void stopTomcat() {
        if (tomcat != null) {
            tomcat.kill();
        }
    }

    @Test
    void thePasswordAloneNeverGetsTheManager() throws Exception {
        for (String path : List.of("/manager/html/", "/manager/html/list", "/manager/status/", "/manager/status/all")) {
            Response response = new Browser().getBasicWithin(html.resolve(path), html, "liam", "liam-pw");
            assertFalse(response.body().contains(MANAGER_PAGE) || response.body().contains("Server Status"),
                    path + " with the password alone:\n" + response.body() + "\n" + tomcat.output());
        }
        Response enroll = new Browser().getBasicWithin(html, html, "liam", "liam-pw");
        assertEquals(200, enroll.status(), enroll.body());
        assertTrue(enroll.uri().getPath().equals("/manager/totpguard/enroll") && KEY.matcher(enroll.body()).find(),
                "expected the enrollment page, got " + enroll.uri() + "\n" + enroll.body() + "\n" + tomcat.output());
    }

    @Test
    void enrollmentThenTenRequestsWithoutACodeAndTheCodeIsNotAcceptedTwice() throws Exception {
        Browser browser = new Browser();
        Response enroll = browser.getBasicWithin(html, html, "kate", "kate-pw");
        Authenticator app = new Authenticator(find(KEY, enroll));
        String code = app.nextCode();
        Response codes = browser.submit(enroll.uri().resolve("confirm"),
                Map.of("totpguard_csrf", find(CSRF, enroll), "code", code));
        assertTrue(codes.status() == 200 && codes.body().contains("Save your recovery codes"),
                codes.status() + "\n" + codes.body() + "\n" + tomcat.output());
        for (int i = 0; i < 10; i++) {
            assertManager(browser.getBasicWithin(html, html, "kate", "kate-pw"));
        }
        assertManager(browser.getBasicWithin(html.resolve("list"), html, "kate", "kate-pw"));

        // Another browser with the password and the code just used: the code page again, never the manager.
        Browser other = new Browser();
        Response token = other.getBasicWithin(html, html, "kate", "kate-pw");
        assertEquals("/manager/totpguard/token", token.uri().getPath(), token.body());
        Response replay = other.submit(token.uri().resolve("verify"),
                Map.of("totpguard_csrf", find(CSRF, token), "code", code));
        assertTrue(replay.body().contains("Invalid code") && !replay.body().contains(MANAGER_PAGE),
                "a replayed code:\n" + replay.body());
        assertFalse(other.getBasicWithin(html, html, "kate", "kate-pw").body().contains(MANAGER_PAGE), "after a replay");
    }

    @Test
    void anEnrollmentSurvivesARestart() throws Exception {
        Browser browser = new Browser();
        Response enroll = browser.getBasicWithin(html, html, "nora", "nora-pw");
        Authenticator app = new Authenticator(find(KEY, enroll));
        Response codes = browser.submit(enroll.uri().resolve("confirm"),
                Map.of("totpguard_csrf", find(CSRF, enroll), "code", app.nextCode()));
        assertEquals(200, codes.status(), codes.body());

        // Stopped as bin/shutdown.sh does: the filter closes its H2 file (a killed JVM may lose H2's last commit).
        assertTrue(tomcat.stop(Duration.ofSeconds(30)), () -> "tomcat did not stop within 30 s of SIGTERM\n" + tomcat.output());
        // Tomcat checks the worker threads when the application stops: nothing of TOTP Guard's may stay behind there
        // (a ThreadLocal value of a TOTP Guard class pins the application's class loader after an undeploy).
        assertTrue(tomcat.linesWith("ThreadLocal").stream().noneMatch(line -> line.contains("dev.totpguard")),
                "a TOTP Guard ThreadLocal outlived the application:\n" + tomcat.output());
        launch();
        Browser after = new Browser();
        Response token = after.getBasicWithin(html, html, "nora", "nora-pw");
        assertEquals("/manager/totpguard/token", token.uri().getPath(), token.body() + "\n" + tomcat.output());
        Response verified = after.submit(token.uri().resolve("verify"),
                Map.of("totpguard_csrf", find(CSRF, token), "code", app.nextCode()));
        assertManager(verified);
        assertManager(after.getBasicWithin(html, html, "nora", "nora-pw"));
    }

    @Test
    void noPasswordOrMissingClassInTheLog() {
        assertTrue(tomcat.linesWith("kate-pw").isEmpty() && tomcat.linesWith("liam-pw").isEmpty()
                && tomcat.linesWith("nora-pw").isEmpty(), "a password reached the log:\n" + tomcat.output());
        assertFalse(Pattern.compile("NoClassDefFoundError|ClassNotFoundException").matcher(tomcat.output()).find(),
                "a class is missing from webapp/WEB-INF/lib:\n" + tomcat.output());
    }

    private void assertManager(Response response) {
        assertTrue(response.status() == 200 && response.body().contains(MANAGER_PAGE),
                "expected the manager, got " + response.status() + " for " + response.uri() + ":\n" + response.body()
                        + "\n" + tomcat.output());
    }

    private static String find(Pattern pattern, Response page) {
        Matcher matcher = pattern.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in " + page.uri() + ":\n" + page.body());
        }
        return matcher.group(1);
    }
}
