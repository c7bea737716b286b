package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.internal.web.TrustedBrowserCookies;
import dev.totpguard.otp.Totp;
import dev.totpguard.spring.app.ProtectedContent;
import dev.totpguard.spring.app.TrustedBrowserApplication;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * "Remember this browser" in the Spring Security module, over real HTTP on embedded Tomcat, in
 * {@link TrustedBrowserApplication} (Spring's own remember-me on), with the test's service over a real H2 database,
 * trusting browsers for 30 days, and a clock the test moves. Each known bypass of the feature is a test: the trust
 * cookie alone, a remember-me login (after the session cookie is gone) with the trust cookie, trust that survives a
 * new secret, a reset or a lock, another account's token, an expired token, a step-up path.
 */
@ExtendWith(WithoutBuildProperties.class)
class TrustedBrowserIT {

    private static final String TOKEN = "/totpguard/token";
    private static final String MANAGE = "/totpguard/manage";
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private static final Map<String, String> PASSWORDS = Map.of(ProtectedContent.USER, ProtectedContent.PASSWORD,
            TrustedBrowserApplication.OTHER, TrustedBrowserApplication.OTHER_PASSWORD);

    @TempDir
    Path directory;

    private MutableClock clock;
    private KeyRing keys;
    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
    private TwoFactorService service;
    private ConfigurableApplicationContext application;
    private final Map<String, byte[]> secrets = new HashMap<>();
    private Totp totp;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @BeforeEach
    void start() throws Exception {
        start(false);
    }

    private void start(boolean httpBasic) throws Exception {
        if (application != null) {
            application.close();
            service.close();
        }
        if (keys == null) {
            keys = KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
            clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        }
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        service = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true)
                .build()).keyRing(keys).policy(TwoFactorPolicy.builder().trustedBrowserDays(30).build()).clock(clock)
                .recoveryCodeIterations(1_000).listener(events::add).build();
        totp = Totp.builder().clock(clock).build();
        application = new SpringApplicationBuilder(TrustedBrowserApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                        TrustedBrowserApplication.HTTP_BASIC, Boolean.toString(httpBasic)))
                .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", service))
                .run();
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        service.close();
    }

    private Browser browser() {
        return new Browser(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")));
    }

    /** Enrolls {@code user} through the service; returns the recovery codes. */
    private List<String> enroll(String user) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        secrets.put(user, enrollment.otpAuthUri().secret().bytes());
        EnrollmentResult result = service.confirmEnrollment(user, enrollment.nonce(), code(user), "127.0.0.1");
        assertTrue(result.isAccepted(), result::toString);
        return result.recoveryCodes();
    }

    /** The current code of {@code user}; the clock moves on a step, so each code is used once. */
    private String code(String user) {
        String code = totp.generate(secrets.get(user));
        clock.advance(Duration.ofSeconds(30));
        return code;
    }

    /**
     * Spring's form login of {@code user} on the way to {@code path} (with Spring's remember-me if asked); returns
     * the answer to the first request after it (not followed).
     */
    private static Response password(Browser browser, String user, String path, boolean rememberMe) {
        Response challenge = browser.get(path);
        assertTrue(challenge.isRedirect(), challenge::toString);
        assertEquals("/login", challenge.location().getPath(), challenge::toString);
        Response form = browser.follow(challenge);
        Map<String, String> fields = new HashMap<>(Map.of("username", user, "password", PASSWORDS.get(user),
                "_csrf", form.find(TotpFactorIT.SPRING_CSRF)));
        if (rememberMe) {
            fields.put("remember-me", "on");
        }
        Response signedIn = browser.post("/login", fields);
        assertTrue(signedIn.isRedirect(), signedIn::toString);
        return browser.follow(signedIn);
    }

    private static Response password(Browser browser, String user) {
        return password(browser, user, "/app/start", false);
    }

    /** Password, then the code with "trust this browser" ticked (and remember-me if asked); returns the trust cookie. */
    private String signInTrusting(Browser browser, String user, boolean rememberMe) {
        Response afterPassword = password(browser, user, "/app/start", rememberMe);
        assertEquals(TOKEN, afterPassword.location().getPath(), afterPassword::toString);
        Response page = browser.follow(afterPassword);
        assertTrue(page.body().contains("name=\"trust\""), () -> "the choice is offered: " + page);
        assertTrue(page.body().contains("30 days"), page::toString);
        Response answer = browser.post("/totpguard/verify", Map.of("_csrf", page.find(TotpFactorIT.SPRING_CSRF),
                "code", code(user), "trust", "on"), Map.of("User-Agent", FIREFOX));
        assertTrue(answer.isRedirect(), answer::toString);
        assertEquals("/app/start", answer.location().getPath(), answer::toString);
        assertApp(browser.follow(answer));
        return trustCookie(answer);
    }

    /** The trust cookie on a response: its value, after checking its attributes. */
    private static String trustCookie(Response response) {
        List<String> cookies = response.headers("Set-Cookie").stream()
                .filter(c -> c.startsWith(TrustedBrowserCookies.NAME + "=")).toList();
        assertEquals(1, cookies.size(), response::toString);
        String cookie = cookies.get(0);
        for (String attribute : List.of("; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/;",
                "; Max-Age=" + Duration.ofDays(30).toSeconds())) {
            assertTrue(cookie.contains(attribute), () -> attribute + " in " + cookie);
        }
        String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertEquals(TwoFactorService.TRUSTED_BROWSER_TOKEN_LENGTH, value.length(), cookie);
        return value;
    }

    /** A new browser that holds only {@code token}, as after closing the browser (the cookie is Secure: set by hand on HTTP). */
    private Browser browserWith(String token) {
        Browser browser = browser();
        browser.setCookie(TrustedBrowserCookies.NAME, token);
        return browser;
    }

    private String trustedToken(String user) {
        return signInTrusting(browser(), user, false);
    }

    private static void assertApp(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(TrustedBrowserApplication.APP_MARKER), response::toString);
    }

    private static void assertNoContent(String what, Response response) {
        assertFalse(response.body().contains(TrustedBrowserApplication.APP_MARKER), () -> what + ": " + response);
    }

    /** After the password: the token page with its code form, no content. */
    private static void assertCodeAsked(Browser browser, Response afterPassword) {
        assertTrue(afterPassword.isRedirect(), afterPassword::toString);
        assertEquals(TOKEN, afterPassword.location().getPath(), afterPassword::toString);
        Response page = browser.follow(afterPassword);
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains("action=\"/totpguard/verify\""), page::toString);
        assertNoContent("the token page", page);
    }

    @Test
    void aTrustedBrowserSkipsTheCodeButNotThePassword() throws Exception {
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(trustedToken(ProtectedContent.USER));

        Response beforePassword = browser.get("/app/start");
        assertTrue(beforePassword.isRedirect() && beforePassword.location().getPath().equals("/login"),
                () -> "the trust cookie alone authenticates: " + beforePassword);
        Response afterPassword = browser.follow(browser.post("/login", Map.of("username", ProtectedContent.USER,
                "password", ProtectedContent.PASSWORD, "_csrf", browser.follow(beforePassword)
                        .find(TotpFactorIT.SPRING_CSRF))));
        assertEquals(TOKEN, afterPassword.location().getPath(), afterPassword::toString);
        Response skipped = browser.follow(afterPassword);
        assertTrue(skipped.isRedirect(), skipped::toString);
        assertEquals("/app/start", skipped.location().getPath(), "back to the saved request: " + skipped);
        assertApp(browser.follow(skipped));
        assertApp(browser.get("/app/other"));
        assertApp(browser.get("/totp-only/x"));
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.TRUSTED_BROWSER_USED),
                events::toString);
    }

    @Test
    void theTrustCookieAloneNeverSignsIn() throws Exception {
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(trustedToken(ProtectedContent.USER));
        for (String path : List.of("/app/start", "/totp-only/x", "/admin/x", TOKEN, MANAGE, "/totpguard/enroll")) {
            Response response = browser.get(path);
            assertNoContent(path, response);
            assertTrue(response.isRedirect(), () -> path + ": " + response);
            assertEquals("/login", response.location().getPath(), () -> path + ": " + response);
        }
    }

    /**
     * Spring's remember-me cookie signs the user in after the session cookie is gone, without the password: the
     * trust cookie beside it must not complete the login, not even where the application asks for the TOTP factor
     * alone (it would be a login with no password and no code).
     */
    @Test
    void aRememberMeLoginIsNeverCompletedByTheTrustedBrowser() throws Exception {
        enroll(ProtectedContent.USER);
        Browser first = browser();
        String token = signInTrusting(first, ProtectedContent.USER, true);
        String rememberMe = first.cookie("remember-me");
        assertNotNull(rememberMe, "Spring's remember-me cookie was set: " + first.cookies());

        // The browser closed: the session cookie is gone, the remember-me and trust cookies stay.
        Browser browser = browserWith(token);
        browser.setCookie("remember-me", rememberMe);
        Response totpOnly = browser.get("/totp-only/x");
        assertNoContent("the remember-me login", totpOnly);
        // Spring itself sends a remember-me login that lacks a factor to the login form; the token page is there all
        // the same for any signed-in user, and remember-me signed this browser in (else this were the login form too).
        Response page = browser.get(TOKEN);
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains("action=\"/totpguard/verify\""), page::toString);
        assertFalse(page.body().contains("name=\"trust\""), "no trust offered to a remember-me login: " + page);
        assertNoContent("again", browser.get("/totp-only/x"));
        assertNoContent("the password's pages", browser.get("/app/start"));
        assertFalse(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.TRUSTED_BROWSER_USED),
                events::toString);
    }

    /**
     * An HTTP Basic login repeats the password by itself with every request (the browser does): like a remember-me
     * login it is not a login that has just typed its password, so the trust cookie does not complete it.
     */
    @Test
    void anHttpBasicLoginIsNeitherOfferedTrustNorCompletedByIt() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        start(true);
        Browser browser = browserWith(token);
        Response response = browser.getBasic(browser.uri("/totp-only/x"), ProtectedContent.USER,
                ProtectedContent.PASSWORD);
        assertNoContent("the HTTP Basic login", response);
        assertEquals(200, response.status(), response::toString);
        assertEquals(TOKEN, response.uri().getPath(), response::toString);
        assertTrue(response.body().contains("action=\"/totpguard/verify\""), response::toString);
        assertFalse(response.body().contains("name=\"trust\""), "no trust offered to an HTTP Basic login: " + response);
        assertFalse(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.TRUSTED_BROWSER_USED),
                events::toString);
    }

    @Test
    void aNewSecretEndsTheTrust() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        // The new secret (re-enrollment) of the same account.
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, ProtectedContent.USER));
    }

    @Test
    void turningTheFactorOffEndsTheTrust() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        service.disable(ProtectedContent.USER);
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, ProtectedContent.USER));
    }

    /** A recovery code is for a lost authenticator: it signs in, but never trusts the browser, whatever the form says. */
    @Test
    void aRecoveryCodeNeverTrustsTheBrowser() throws Exception {
        List<String> recoveryCodes = enroll(ProtectedContent.USER);
        Browser browser = browser();
        browser.follow(password(browser, ProtectedContent.USER));
        Response page = browser.get("/totpguard/recovery");
        assertEquals(200, page.status(), page::toString);
        assertFalse(page.body().contains("name=\"trust\""), page::toString);
        Response answer = browser.post("/totpguard/recover", Map.of("_csrf", page.find(TotpFactorIT.SPRING_CSRF),
                "code", recoveryCodes.get(0), "trust", "on"));
        assertTrue(answer.isRedirect(), answer::toString);
        assertEquals("/app/start", answer.location().getPath(), answer::toString);
        assertTrue(answer.headers("Set-Cookie").stream().noneMatch(c -> c.startsWith(TrustedBrowserCookies.NAME)),
                answer::toString);
        assertTrue(service.trustedBrowsers(ProtectedContent.USER).isEmpty());
    }

    @Test
    void aResetEndsTheTrust() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        service.reset(ProtectedContent.USER, "admin-of-the-test");
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, ProtectedContent.USER));
    }

    @Test
    void aLockEndsTheTrust() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        for (int attempt = 0; attempt < TwoFactorPolicy.defaults().maxFailures(); attempt++) {
            Verification wrong = service.verify(ProtectedContent.USER, "000000".equals(totp.generate(
                    secrets.get(ProtectedContent.USER))) ? "111111" : "000000", "127.0.0.1");
            assertFalse(wrong.isAccepted(), wrong::toString);
        }
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isPresent());
        clock.advance(Duration.ofDays(1));
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isEmpty(), "the lock is over");
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, ProtectedContent.USER));
    }

    @Test
    void aTokenWorksForItsOwnAccountOnly() throws Exception {
        enroll(ProtectedContent.USER);
        enroll(TrustedBrowserApplication.OTHER);
        String token = trustedToken(ProtectedContent.USER);
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, TrustedBrowserApplication.OTHER));
    }

    @Test
    void anExpiredTokenAsksForTheCode() throws Exception {
        enroll(ProtectedContent.USER);
        String token = trustedToken(ProtectedContent.USER);
        clock.advance(Duration.ofDays(30).plusMinutes(1));
        Browser browser = browserWith(token);
        assertCodeAsked(browser, password(browser, ProtectedContent.USER));
    }

    @Test
    void aStepUpPathAsksForTheCodeOfATrustedBrowser() throws Exception {
        enroll(ProtectedContent.USER);
        Browser browser = browserWith(trustedToken(ProtectedContent.USER));
        Response afterPassword = password(browser, ProtectedContent.USER, "/admin/report", false);
        assertEquals(TOKEN, afterPassword.location().getPath(), afterPassword::toString);
        // The trusted browser grants the factor; the fresh one /admin needs is still missing: the code, not a loop.
        Response skipped = browser.follow(afterPassword);
        assertEquals("/admin/report", skipped.location().getPath(), skipped::toString);
        Response stepUp = browser.follow(skipped);
        assertNoContent("the step-up path", stepUp);
        assertEquals(TOKEN, stepUp.location().getPath(), stepUp::toString);
        Response page = browser.follow(stepUp);
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains("action=\"/totpguard/verify\""), page::toString);
        assertApp(browser.get("/app/start"));

        Response accepted = browser.post("/totpguard/verify", Map.of("_csrf", page.find(TotpFactorIT.SPRING_CSRF),
                "code", code(ProtectedContent.USER)));
        assertEquals("/admin/report", accepted.location().getPath(), accepted::toString);
        assertApp(browser.follow(accepted));
    }

    @Test
    void withoutTheTickNoCookieAndTheCodeIsAskedNextTime() throws Exception {
        enroll(ProtectedContent.USER);
        Browser browser = browser();
        Response page = browser.follow(password(browser, ProtectedContent.USER));
        Response answer = browser.post("/totpguard/verify", Map.of("_csrf", page.find(TotpFactorIT.SPRING_CSRF),
                "code", code(ProtectedContent.USER)));
        assertTrue(answer.headers("Set-Cookie").stream().noneMatch(c -> c.startsWith(TrustedBrowserCookies.NAME)),
                answer::toString);
        assertTrue(service.trustedBrowsers(ProtectedContent.USER).isEmpty());
    }

    @Test
    void forgettingOneBrowserEndsTheSessionItOpened() throws Exception {
        enroll(ProtectedContent.USER);
        Browser trusted = browserWith(trustedToken(ProtectedContent.USER));
        Response skipped = trusted.follow(password(trusted, ProtectedContent.USER));
        assertApp(trusted.follow(skipped));

        Browser owner = browser();
        Response afterPassword = password(owner, ProtectedContent.USER);
        Response page = owner.follow(afterPassword);
        Response coded = owner.post("/totpguard/verify", Map.of("_csrf", page.find(TotpFactorIT.SPRING_CSRF),
                "code", code(ProtectedContent.USER)));
        assertApp(owner.follow(coded));
        Response manage = owner.get(MANAGE);
        String id = service.trustedBrowsers(ProtectedContent.USER).get(0).id();
        Response forgotten = owner.post("/totpguard/forget", Map.of("browser", id,
                "_csrf", manage.find(TotpFactorIT.SPRING_CSRF)));
        assertEquals(200, forgotten.status(), forgotten::toString);

        Response after = trusted.get("/app/start");
        assertNoContent("the forgotten browser's session goes on", after);
        assertTrue(after.isRedirect() && after.location().getPath().equals("/login"), after::toString);
        assertApp(owner.get("/app/start"));
    }

    @Test
    void theSettingsPageListsTheTrustedBrowsersAndForgetsOneOrAll() throws Exception {
        enroll(ProtectedContent.USER);
        String first = trustedToken(ProtectedContent.USER);
        Browser browser = browser();
        String second = signInTrusting(browser, ProtectedContent.USER, false);
        Response manage = browser.get(MANAGE);
        assertEquals(200, manage.status(), manage::toString);
        assertEquals(2, manage.body().split("Firefox / Linux", -1).length - 1, manage::toString);
        assertTrue(manage.body().contains("action=\"/totpguard/forget\""), manage::toString);
        assertTrue(manage.body().contains("action=\"/totpguard/forgetall\""), manage::toString);

        // Without Spring's CSRF token: refused, nothing forgotten.
        String id = service.trustedBrowsers(ProtectedContent.USER).get(0).id();
        Response forged = browser.post("/totpguard/forget", Map.of("browser", id));
        assertEquals(403, forged.status(), forged::toString);
        assertEquals(2, service.trustedBrowsers(ProtectedContent.USER).size());

        Response forgotten = browser.post("/totpguard/forget", Map.of("browser", id,
                "_csrf", manage.find(TotpFactorIT.SPRING_CSRF)));
        assertEquals(200, forgotten.status(), forgotten::toString);
        assertEquals(1, forgotten.body().split("Firefox / Linux", -1).length - 1, forgotten::toString);
        assertEquals(1, service.trustedBrowsers(ProtectedContent.USER).size());
        Browser forgottenBrowser = browserWith(first);
        assertCodeAsked(forgottenBrowser, password(forgottenBrowser, ProtectedContent.USER));

        Response all = browser.post("/totpguard/forgetall", Map.of("_csrf", forgotten.find(TotpFactorIT.SPRING_CSRF)));
        assertEquals(200, all.status(), all::toString);
        assertTrue(all.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith(TrustedBrowserCookies.NAME + "=;")
                && c.contains("Max-Age=0")), all::toString);
        assertTrue(service.trustedBrowsers(ProtectedContent.USER).isEmpty());
        assertApp(browser.get("/app/start"));
        Browser secondBrowser = browserWith(second);
        assertCodeAsked(secondBrowser, password(secondBrowser, ProtectedContent.USER));
    }
}
