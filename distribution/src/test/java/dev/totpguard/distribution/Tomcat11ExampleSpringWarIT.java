package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Spring example (example-spring: Spring Boot 4, Spring Security 7 and TOTP Guard's Spring Security factor) as the
 * WAR its build makes, dropped into {@code webapps/} of the unmodified Tomcat 11 distribution, started as its own
 * process, and driven over real HTTP: the password alone leads to TOTP Guard's pages, never to {@code /admin/}; the
 * right code opens it; a replayed code is refused; a POST without Spring's CSRF token is refused; the settings page
 * asks for a code again once the last one is older than {@code example.step-up-age} (5 s here; a recovery code
 * passes the step-up); signing out ends the session. One Tomcat for all of it: the tests run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Tomcat11ExampleSpringWarIT {

    private static final String PASSWORD = "example-spring-war-pw-3c9e";
    private static final String STEP_UP_SECONDS = "5";
    private static final Totp TOTP = Totp.builder().build();
    private static final Pattern CODE_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*)\"[^>]*>(?:(?!</form>).)*?name=\"code\"", Pattern.DOTALL);

    private ChildProcess tomcat;
    private URI app;
    private byte[] secret;
    private long lastStep;
    private String lastCode;
    private final List<String> recoveryCodes = new ArrayList<>();
    private Browser signedIn;

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), getClass().getSimpleName() + "-").toAbsolutePath();
        Path war = Path.of(System.getProperty("totpguard.example-spring.war", "target/example-spring/totpguard-example-spring.war"));
        assertTrue(Files.isRegularFile(war), war + " is missing: maven-dependency-plugin copies it in pre-integration-test");
        TomcatBase base = TomcatBase.create(Distributions.container("apache-tomcat-" + System.getProperty("it.tomcat11.version")),
                work.resolve("base"), "");
        Files.copy(war, base.dir().resolve("webapps/app.war"));
        ProcessBuilder command = new ProcessBuilder(base.startCommand()).directory(base.dir().toFile());
        // Spring Boot reads its settings from the environment in a container too (EXAMPLE_DATA -> example.data).
        command.environment().putAll(Map.of("EXAMPLE_DATA", work.resolve("data").toString(),
                "EXAMPLE_STEP_UP_AGE", "PT" + STEP_UP_SECONDS + "S", "TOTPGUARD_ADMIN_PASSWORD", PASSWORD));
        tomcat = ChildProcess.start("tomcat 11 with the Spring example WAR", command, work.resolve("tomcat.log"));
        app = URI.create("http://127.0.0.1:" + base.port() + "/app/");
        tomcat.awaitHttp(app.resolve("login"), Distributions.CONTAINER_START);
        assertTrue(Files.isRegularFile(work.resolve("data-keys/totpguard.key")), "the key file is created beside a new data folder");
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.kill();
        }
    }

    @Test
    @Order(1)
    void thePasswordAloneLeadsToEnrollmentAndNeverToTheAdminPages() throws Exception {
        Browser browser = new Browser();
        Response enroll = signIn(browser);
        assertEquals("/app/totpguard/enroll", enroll.uri().getPath(), () -> describe(enroll));
        for (String path : List.of("admin/", "admin/settings", "admin/../admin/", "admin;x=1/")) {
            Response response = browser.open(app.resolve(path));
            assertFalse(response.body().contains("id=\"welcome\"") || response.body().contains("id=\"step-up\""),
                    () -> path + ": " + describe(response));
        }

        Matcher key = Pattern.compile("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").matcher(enroll.body());
        assertTrue(key.find(), () -> describe(enroll));
        secret = Secret.fromBase32(key.group(1).replace(" ", "")).bytes();
        lastStep = TOTP.currentStep();
        Response codes = submitCode(browser, enroll, TOTP.generateAtStep(secret, lastStep));
        Matcher block = Pattern.compile("<pre class=\"codes\" id=\"recovery-codes\"[^>]*>([^<]*)</pre>").matcher(codes.body());
        assertTrue(block.find(), () -> describe(codes));
        block.group(1).lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(recoveryCodes::add);
        assertEquals(10, recoveryCodes.size(), () -> describe(codes));
        assertAdminPage(browser.open(app.resolve("admin/")));
    }

    @Test
    @Order(2)
    void theRightCodeOpensTheAdminPagesAndAReplayIsRefused() throws Exception {
        Browser browser = new Browser();
        Response token = signIn(browser);
        assertEquals("/app/totpguard/token", token.uri().getPath(), () -> describe(token));
        assertAdminPage(submitCode(browser, token, nextCode()));
        signedIn = browser;

        Browser attacker = new Browser();
        Response replayToken = signIn(attacker);
        Response replayed = submitCode(attacker, replayToken, lastCode);
        assertFalse(replayed.body().contains("id=\"welcome\""), () -> describe(replayed));
        assertFalse(attacker.open(app.resolve("admin/")).body().contains("id=\"welcome\""));
    }

    @Test
    @Order(3)
    void aPostWithoutSpringsCsrfTokenIsRefused() throws Exception {
        Response admin = signedIn.open(app.resolve("admin/"));
        Map<String, String> logout = SpringAdminWarSetup.hiddenFields(admin.body(), "/app/logout");
        assertTrue(logout.containsKey("_csrf"), () -> describe(admin));
        logout.remove("_csrf");
        assertEquals(403, signedIn.send("POST", app.resolve("logout"), logout, Map.of()).status());
        Browser fresh = new Browser();
        Response token = signIn(fresh);
        Map<String, String> form = SpringAdminWarSetup.hiddenFields(token.body(), codeFormAction(token));
        form.remove("_csrf");
        // Refused before any code is looked at: a code that is no code at all.
        form.put("code", "000000");
        assertEquals(403, fresh.send("POST", app.resolve(codeFormAction(token).substring("/app/".length())), form, Map.of()).status());
        assertAdminPage(signedIn.open(app.resolve("admin/")));
    }

    @Test
    @Order(4)
    void theSettingsPageAsksForACodeAgainOnceTheLastOneIsOlderThanTheStepUpAge() throws Exception {
        Response settings = signedIn.open(app.resolve("admin/settings"));
        assertTrue(settings.status() == 200 && settings.body().contains("id=\"step-up\""), () -> describe(settings));
        Thread.sleep(Long.parseLong(STEP_UP_SECONDS) * 1000 + 1000);
        assertAdminPage(signedIn.open(app.resolve("admin/")));
        Response again = signedIn.open(app.resolve("admin/settings"));
        assertTrue(again.uri().getPath().startsWith("/app/totpguard/"), () -> describe(again));
        Response recovery = signedIn.open(app.resolve("totpguard/recovery"));
        Map<String, String> form = SpringAdminWarSetup.hiddenFields(recovery.body(), codeFormAction(recovery));
        form.put("code", recoveryCodes.remove(0));
        Response after = signedIn.submit(app.resolve(codeFormAction(recovery).substring("/app/".length())), form);
        Response settingsAfter = after.body().contains("id=\"step-up\"") ? after : signedIn.open(app.resolve("admin/settings"));
        assertTrue(settingsAfter.body().contains("id=\"step-up\""), () -> describe(settingsAfter));
    }

    @Test
    @Order(5)
    void signingOutEndsTheSession() throws Exception {
        Response admin = signedIn.open(app.resolve("admin/"));
        Response signedOut = signedIn.submit(app.resolve("logout"), SpringAdminWarSetup.hiddenFields(admin.body(), "/app/logout"));
        assertEquals("/app/login", signedOut.uri().getPath(), () -> describe(signedOut));
        Response after = signedIn.open(app.resolve("admin/"));
        assertEquals("/app/login", after.uri().getPath(), () -> describe(after));
    }

    @Test
    @Order(6)
    void noPasswordCodeOrRecoveryCodeReachesTheLog() {
        assertTrue(tomcat.linesWith(PASSWORD).isEmpty(), tomcat::output);
        for (String code : recoveryCodes) {
            assertTrue(tomcat.linesWith(code).isEmpty(), tomcat::output);
        }
    }

    /** Spring Security's login form, as a person fills it in; returns the page the browser ends on. */
    private Response signIn(Browser browser) {
        Response login = browser.open(app.resolve("admin/"));
        assertEquals("/app/login", login.uri().getPath(), () -> describe(login));
        Map<String, String> form = SpringAdminWarSetup.hiddenFields(login.body(), "/app/login");
        form.put("username", "admin");
        form.put("password", PASSWORD);
        return browser.submit(app.resolve("login"), form);
    }

    private Response submitCode(Browser browser, Response page, String code) {
        String action = codeFormAction(page);
        Map<String, String> form = SpringAdminWarSetup.hiddenFields(page.body(), action);
        form.put("code", code);
        return browser.submit(app.resolve(action.substring("/app/".length())), form);
    }

    /** The action of the page's form that has the field {@code code}. */
    private String codeFormAction(Response page) {
        Matcher form = CODE_FORM.matcher(page.body());
        assertTrue(form.find(), () -> "no form with a code field: " + describe(page));
        return form.group(1);
    }

    /** A code of a step not used yet (the window accepts one step ahead, so the test never waits). */
    private String nextCode() {
        lastStep = Math.max(lastStep + 1, TOTP.currentStep());
        lastCode = TOTP.generateAtStep(secret, lastStep);
        return lastCode;
    }

    @Test
    @Order(7)
    void theDeployedWarKeepsItsCookieHeadersAndErrorPage() {
        // example-spring's hardening is the application's, not Boot's embedded server's: it holds when deployed.
        Response challenge = new Browser().send("GET", app.resolve("admin/"), null, Map.of());
        assertTrue(challenge.isRedirect(), challenge::toString);
        assertEquals("/app/login", challenge.locationHeader(), "a relative redirect");
        String cookie = challenge.headers("Set-Cookie").stream().filter(header -> header.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new AssertionError(challenge.toString()));
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax"), cookie);
        Response login = new Browser().open(app.resolve("login"));
        assertTrue(login.header("Content-Security-Policy").orElse("").startsWith("default-src 'none'"), login::toString);
        Response error = new Browser().open(app.resolve("error"));
        assertEquals(404, error.status(), error::toString);
        assertEquals("404 Not Found", error.body().strip(), error::toString);
    }

    private void assertAdminPage(Response response) {
        assertTrue(response.status() == 200 && response.uri().getPath().equals("/app/admin/")
                && response.body().contains("id=\"welcome\""), () -> describe(response));
    }

    private String describe(Response response) {
        return response.status() + " " + response.uri() + "\n" + response.body() + "\n" + tomcat.output();
    }
}
