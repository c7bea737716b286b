package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.distribution.springapp.AdminWebApplication;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A Spring Boot 4 / Spring Security 7 admin WAR ({@link AdminWebApplication}: form login, CSRF on,
 * {@code /admin/**} for ROLE_ADMIN) with TOTP Guard added as filter/README.md's Spring Boot section says (the tomcat
 * archive's {@code webapp/WEB-INF/lib} jars, the README's {@code application.properties}), run as its own process
 * and driven over real HTTP with Spring's login form: the password alone never shows {@code /admin/}; enrollment
 * and sign-out POSTs pass Spring's {@code CsrfFilter} and TOTP Guard's check; the code opens the admin pages for the
 * session; a replayed code is refused; a restart keeps the enrollment. The subclasses say where the WAR runs. The
 * tests share one process and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SpringAdminWarSetup {

    private static final String PASSWORD = "alice-pw-5e1d";
    private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>");
    private static final Totp TOTP = Totp.builder().build();

    Path work;
    Path war;
    private ChildProcess process;
    /** The application's root, e.g. {@code http://127.0.0.1:port/app/}. */
    URI app;

    private byte[] secret;
    private String enrollmentCode;
    private long lastStep;
    private Browser verified;

    /** Prepares the runtime in {@link #work} for {@link #war}; returns the application's root URI. */
    abstract URI prepare() throws Exception;

    /** Starts the runtime's process. */
    abstract ChildProcess start() throws Exception;

    @BeforeAll
    void buildAndStart() throws Exception {
        work = Files.createTempDirectory(Path.of("target"), getClass().getSimpleName() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        Path etc = Files.createDirectories(work.resolve("etc-myapp"));
        KeyRing.generateKeyFile(etc.resolve("totpguard.key"));
        String properties = Readme.springBootPropertiesFor(etc)
                // The application's own user, not TOTP Guard's business.
                + AdminWebApplication.PASSWORD_HASH_PROPERTY + "={bcrypt}" + new BCryptPasswordEncoder().encode(PASSWORD) + "\n";
        war = work.resolve("app.war");
        SpringAdminWar.write(war, totpguard.resolve("webapp/WEB-INF/lib"), properties);
        app = prepare();
        launch();
    }

    private void launch() throws Exception {
        process = start();
        process.awaitHttp(app, Distributions.CONTAINER_START);
    }

    @AfterAll
    void stop() {
        if (process != null) {
            process.kill();
        }
    }

    @Test
    @Order(1)
    void thePasswordAloneNeverShowsTheAdminPages() throws Exception {
        Browser browser = new Browser();
        Response afterPassword = signIn(browser);
        assertEquals("/app/totpguard/enroll", afterPassword.uri().getPath(), () -> describe(afterPassword));
        for (String path : List.of("admin/", "admin/users", "admin/../admin/", "ADMIN/")) {
            Response response = browser.open(app.resolve(path));
            assertFalse(response.body().contains(AdminWebApplication.MARKER), () -> path + ": " + describe(response));
        }
    }

    @Test
    @Order(2)
    void enrollmentPassesBothCsrfChecksAndTheCodeOpensTheAdminPagesForTheSession() throws Exception {
        Browser browser = new Browser();
        Response enroll = signIn(browser);
        assertEquals("/app/totpguard/enroll", enroll.uri().getPath(), () -> describe(enroll));
        Matcher key = Pattern.compile("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").matcher(enroll.body());
        assertTrue(key.find(), () -> describe(enroll));
        secret = Secret.fromBase32(key.group(1).replace(" ", "")).bytes();
        lastStep = TOTP.currentStep();
        enrollmentCode = TOTP.generateAtStep(secret, lastStep);

        Map<String, String> form = hiddenFields(enroll.body(), "/app/totpguard/confirm");
        assertTrue(form.containsKey("_csrf") && form.containsKey("totpguard_csrf"),
                "the enrollment form carries Spring's token and TOTP Guard's: " + form.keySet());
        Map<String, String> withoutSpringsToken = new LinkedHashMap<>(form);
        withoutSpringsToken.remove("_csrf");
        withoutSpringsToken.put("code", enrollmentCode);
        assertEquals(403, browser.submit(app.resolve("totpguard/confirm"), withoutSpringsToken).status(),
                "Spring's CsrfFilter is on and guards TOTP Guard's pages too");
        form.put("code", enrollmentCode);
        Response codes = browser.submit(app.resolve("totpguard/confirm"), form);
        assertTrue(codes.status() == 200 && codes.body().contains("Save your recovery codes"), () -> describe(codes));

        for (int i = 0; i < 10; i++) {
            assertAdminPage(browser.open(app.resolve("admin/")));
        }
        assertTrue(process.linesWith("Invalid CSRF token").isEmpty(), process::output);
        verified = browser;
    }

    @Test
    @Order(3)
    void aReplayedCodeIsRefused() throws Exception {
        Browser browser = new Browser();
        Response token = signIn(browser);
        assertEquals("/app/totpguard/token", token.uri().getPath(), () -> describe(token));
        Response replayed = submitCode(browser, token, enrollmentCode);
        assertTrue(replayed.body().contains("Invalid code"), () -> describe(replayed));
        assertFalse(browser.open(app.resolve("admin/")).body().contains(AdminWebApplication.MARKER));
    }

    @Test
    @Order(4)
    void signingOutPostsThroughBothCsrfChecksAndEndsTheSession() throws Exception {
        Response manage = verified.open(app.resolve("totpguard/manage"));
        assertEquals(200, manage.status(), () -> describe(manage));
        Response signedOut = verified.submit(app.resolve("totpguard/logout"),
                hiddenFields(manage.body(), "/app/totpguard/logout"));
        assertEquals("/app/login", signedOut.uri().getPath(), () -> describe(signedOut));
        Response admin = verified.open(app.resolve("admin/"));
        assertEquals("/app/login", admin.uri().getPath(), () -> describe(admin));
        assertFalse(admin.body().contains(AdminWebApplication.MARKER));
    }

    @Test
    @Order(5)
    void aRestartKeepsTheEnrollment() throws Exception {
        // Stopped as a shutdown script does (SIGTERM): a killed JVM may lose H2's last commit, and with it the enrollment.
        assertTrue(process.stop(Duration.ofSeconds(30)), () -> "process did not stop within 30 s of SIGTERM\n" + process.output());
        launch();
        Browser browser = new Browser();
        Response token = signIn(browser);
        assertEquals("/app/totpguard/token", token.uri().getPath(), () -> describe(token));
        assertAdminPage(submitCode(browser, token, nextCode()));
    }

    @Test
    @Order(6)
    void noPasswordOrCodeReachesTheLog() {
        assertTrue(process.linesWith(PASSWORD).isEmpty(), process::output);
        assertTrue(enrollmentCode == null || process.linesWith(" " + enrollmentCode).isEmpty(), process::output);
    }

    /** Spring Security's login form, as a person fills it in; returns the page the browser ends on. */
    Response signIn(Browser browser) throws Exception {
        Response login = browser.open(app.resolve("admin/"));
        assertEquals("/app/login", login.uri().getPath(), () -> describe(login));
        Map<String, String> form = hiddenFields(login.body(), "/app/login");
        form.put("username", AdminWebApplication.USER);
        form.put("password", PASSWORD);
        return browser.submit(app.resolve("login"), form);
    }

    private Response submitCode(Browser browser, Response tokenPage, String code) throws Exception {
        Map<String, String> form = hiddenFields(tokenPage.body(), "/app/totpguard/verify");
        form.put("code", code);
        return browser.submit(app.resolve("totpguard/verify"), form);
    }

    /**
     * A code of a step not used yet: the current step's, or the next step's (the default window accepts one step
     * ahead) when the enrollment used the current one, so the test never waits for the clock.
     */
    private String nextCode() {
        lastStep = Math.max(lastStep + 1, TOTP.currentStep());
        return TOTP.generateAtStep(secret, lastStep);
    }

    private void assertAdminPage(Response response) {
        assertTrue(response.status() == 200 && response.body().startsWith(AdminWebApplication.MARKER + " /app/admin/")
                && response.body().endsWith(" for " + AdminWebApplication.USER), () -> describe(response));
    }

    /** The hidden fields of the page's POST form to {@code action}. */
    static Map<String, String> hiddenFields(String html, String action) {
        int form = html.indexOf("action=\"" + action + "\"");
        if (form < 0) {
            throw new AssertionError("no form to " + action + " in\n" + html);
        }
        String body = html.substring(form, html.indexOf("</form>", form));
        Map<String, String> fields = new LinkedHashMap<>();
        for (Matcher input = INPUT.matcher(body); input.find();) {
            String element = input.group();
            if (element.contains("type=\"hidden\"")) {
                fields.put(attribute(element, "name"), unescape(attribute(element, "value")));
            }
        }
        return fields;
    }

    private static String attribute(String element, String name) {
        Matcher value = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(element);
        if (!value.find()) {
            throw new AssertionError("no " + name + " in " + element);
        }
        return value.group(1);
    }

    private static String unescape(String text) {
        return text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private String describe(Response response) {
        return response.status() + " " + response.uri() + "\n" + response.body() + "\n" + process.output();
    }
}
