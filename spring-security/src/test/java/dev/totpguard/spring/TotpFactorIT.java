package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.spring.app.AdminFactorApplication;
import dev.totpguard.spring.app.ProtectedContent;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The TOTP factor in a Spring Boot 4 application on embedded Tomcat, over real HTTP: {@link AdminFactorApplication}
 * requires a TOTP factor no older than five minutes for {@code /admin/**} only. The service is the test's, over an
 * H2 database, with a clock the test moves; a second service over the same database stands for another entry point
 * (the filter, the JAAS module) to show that a lock is the store's.
 */
@ExtendWith(WithoutBuildProperties.class)
class TotpFactorIT {

    static final String SPRING_CSRF = "name=\"_csrf\" (?:type=\"hidden\" )?value=\"([^\"]+)\"";

    @TempDir
    Path directory;

    private MutableClock clock;
    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
    private JdbcDataSource dataSource;
    private KeyRing keys;
    private TwoFactorService service;
    private ConfigurableApplicationContext application;
    private byte[] secret;
    private Totp totp;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @BeforeEach
    void start() throws Exception {
        keys = KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        service = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true)
                .build()).keyRing(keys).policy(TwoFactorPolicy.defaults()).clock(clock).recoveryCodeIterations(1_000)
                .listener(events::add).build();
        totp = Totp.builder().clock(clock).build();
        application = new SpringApplicationBuilder(AdminFactorApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1"))
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

    /** Enrolls the user through the service; returns the recovery codes. */
    private List<String> enroll() throws Exception {
        Enrollment enrollment = service.startEnrollment(ProtectedContent.USER);
        secret = enrollment.otpAuthUri().secret().bytes();
        EnrollmentResult result = service.confirmEnrollment(ProtectedContent.USER, enrollment.nonce(),
                totp.generate(secret), "127.0.0.1");
        assertTrue(result.isAccepted(), result::toString);
        // The step of the enrollment code is used; the next code is the next step's.
        clock.advance(Duration.ofSeconds(30));
        return result.recoveryCodes();
    }

    /** Spring Security's form login; returns the response to the first request after it. */
    static Response signIn(Browser browser, String path) {
        Response challenge = browser.get(path);
        assertTrue(challenge.isRedirect(), challenge::toString);
        Response form = browser.follow(challenge);
        assertEquals(200, form.status(), form::toString);
        Response signedIn = browser.post("/login", Map.of("username", ProtectedContent.USER,
                "password", ProtectedContent.PASSWORD, "_csrf", form.find(SPRING_CSRF)));
        assertTrue(signedIn.isRedirect(), signedIn::toString);
        return browser.follow(signedIn);
    }

    static Response submit(Browser browser, Response page, String action, String code) {
        return browser.post(action, Map.of("_csrf", page.find(SPRING_CSRF), "code", code));
    }

    private static void assertTokenPage(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.uri().getPath().endsWith("/totpguard/token"), response::toString);
        assertTrue(response.body().contains("action=\"/totpguard/verify\""), response::toString);
        assertFalse(response.body().contains(ProtectedContent.ADMIN_MARKER), response::toString);
    }

    private static void assertAdmin(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(ProtectedContent.ADMIN_MARKER), response::toString);
    }

    @Test
    void thePasswordAloneLeadsToTheTokenPageAndTheRightCodeToTheAdminPage() throws Exception {
        enroll();
        Browser browser = browser();
        Response home = signIn(browser, "/home");
        assertTrue(home.body().contains(ProtectedContent.HOME_MARKER), "the password suffices outside /admin");

        Response admin = browser.get("/admin/report");
        assertTrue(admin.isRedirect(), admin::toString);
        assertEquals("/totpguard/token", admin.location().getPath());
        Response token = browser.follow(admin);
        assertTokenPage(token);
        assertTrue(token.header("Content-Security-Policy").isPresent(), "the filter's CSP on the token page");

        Response accepted = submit(browser, token, "/totpguard/verify", totp.generate(secret));
        assertTrue(accepted.isRedirect(), accepted::toString);
        assertEquals("/admin/report", accepted.location().getPath(), "back to the saved request");
        Response report = browser.follow(accepted);
        assertAdmin(report);
        assertTrue(report.body().contains("for " + ProtectedContent.USER), report::toString);
    }

    /** One POST of Spring's login form with the given password; returns Spring's answer (a redirect). */
    private static Response passwordLogin(Browser browser, String password) {
        Response form = browser.get("/login");
        assertEquals(200, form.status(), form::toString);
        return browser.post("/login", Map.of("username", ProtectedContent.USER, "password", password,
                "_csrf", form.find(SPRING_CSRF)));
    }

    private static void assertRefusedLikeAWrongPassword(Response wrong, Response refused) {
        assertTrue(wrong.isRedirect(), wrong::toString);
        assertEquals(wrong.status(), refused.status(), refused::toString);
        assertEquals(wrong.locationHeader(), refused.locationHeader(), "the same answer as a wrong password: " + refused);
        assertEquals("/login", refused.location().getPath(), refused::toString);
        assertEquals("error", refused.location().getQuery(), refused::toString);
    }

    @Test
    void wrongPasswordsAtSpringsFormLoginLockTheAccountAndTheRightOneIsThenRefusedLikeAWrongOne() throws Exception {
        enroll();
        Browser attacker = browser();
        String wrongPassword = ProtectedContent.PASSWORD + "-wrong";
        TwoFactorPolicy policy = TwoFactorPolicy.defaults();
        Response wrong = null;
        for (int attempt = 0; attempt < policy.maxFailures(); attempt++) {
            wrong = passwordLogin(attacker, wrongPassword);
            assertTrue(wrong.isRedirect() && "error".equals(wrong.location().getQuery()), wrong::toString);
        }
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isPresent(),
                "wrong passwords count toward the account's lock: " + service.status(ProtectedContent.USER));
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.PASSWORD_REFUSED
                && event.user().equals(ProtectedContent.USER) && event.clientAddress().equals(Optional.of("127.0.0.1"))),
                "audited as a refused password from the client's address: " + events);

        Response refused = passwordLogin(attacker, ProtectedContent.PASSWORD);
        assertRefusedLikeAWrongPassword(wrong, refused);
        Response page = attacker.follow(refused);
        Response wrongPage = browser().follow(wrong);
        assertEquals(wrongPage.status(), page.status(), page::toString);
        assertFalse(page.body().toLowerCase(Locale.ROOT).contains("lock"), "no hint of a lock: " + page);
        assertFalse(attacker.get("/home").body().contains(ProtectedContent.HOME_MARKER), "not signed in while locked");

        // The lock is the service's and ends after the policy's lockout time.
        clock.advance(policy.lockoutBase().plusSeconds(1));
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isEmpty(), service.status(ProtectedContent.USER)::toString);
        Response signedIn = passwordLogin(attacker, ProtectedContent.PASSWORD);
        assertTrue(signedIn.isRedirect(), signedIn::toString);
        assertFalse("error".equals(signedIn.location().getQuery()), "the right password after the lock: " + signedIn);
        assertTrue(attacker.get("/home").body().contains(ProtectedContent.HOME_MARKER));
    }

    @Test
    void passwordGuessesForAnAccountWithoutAnAuthenticatorAreLimitedPerAccountName() throws Exception {
        Browser attacker = browser();
        TwoFactorPolicy policy = TwoFactorPolicy.defaults();
        Response wrong = null;
        for (int attempt = 0; attempt < policy.passwordAttemptsPerAccount(); attempt++) {
            wrong = passwordLogin(attacker, "guess-" + attempt);
        }
        Response refused = passwordLogin(attacker, ProtectedContent.PASSWORD);
        assertRefusedLikeAWrongPassword(wrong, refused);
        assertFalse(attacker.get("/home").body().contains(ProtectedContent.HOME_MARKER), "the limit held");
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.PASSWORD_REFUSED
                && event.detail().equals(Optional.of("too many password attempts for this account"))), events::toString);

        clock.advance(policy.passwordWindow().plusSeconds(1));
        Response signedIn = passwordLogin(attacker, ProtectedContent.PASSWORD);
        assertFalse("error".equals(signedIn.location().getQuery()), "the right password after the window: " + signedIn);
        assertTrue(attacker.get("/home").body().contains(ProtectedContent.HOME_MARKER));
    }

    @Test
    void aReplayedCodeIsRefusedInAnotherSession() throws Exception {
        enroll();
        String code = totp.generate(secret);
        Browser first = browser();
        signIn(first, "/home");
        Response token = first.follow(first.get("/admin/"));
        assertAdmin(first.follow(submit(first, token, "/totpguard/verify", code)));

        Browser second = browser();
        signIn(second, "/home");
        Response again = second.follow(second.get("/admin/"));
        Response replayed = submit(second, again, "/totpguard/verify", code);
        assertEquals(200, replayed.status(), replayed::toString);
        assertTrue(replayed.body().contains("Invalid code"), replayed::toString);
        assertFalse(second.get("/admin/").body().contains(ProtectedContent.ADMIN_MARKER));
    }

    @Test
    void aWrongCodeIsAPlainMessageWithoutAStackTrace() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        String wrongCode = "000000".equals(totp.generate(secret)) ? "111111" : "000000";
        Response wrong = submit(browser, token, "/totpguard/verify", wrongCode);
        assertEquals(200, wrong.status(), wrong::toString);
        assertTrue(wrong.body().contains("Invalid code. Please try again."), wrong::toString);
        assertFalse(wrong.body().contains("Exception") || wrong.body().contains("\tat "), wrong::toString);
        Response junk = submit(browser, token, "/totpguard/verify", "<script>".repeat(100));
        assertEquals(200, junk.status(), junk::toString);
        assertFalse(junk.body().contains("<script>"), junk::toString);
    }

    @Test
    void theLockoutOfThePolicyIsTheStoresAndHoldsForEveryEntryPoint() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        String right = totp.generate(secret);
        String wrong = right.equals("000000") ? "111111" : "000000";
        Response last = null;
        for (int attempt = 0; attempt <= TwoFactorPolicy.defaults().maxFailures(); attempt++) {
            last = submit(browser, token, "/totpguard/verify", wrong);
        }
        assertEquals(429, last.status(), last::toString);
        assertTrue(last.header("Retry-After").isPresent(), last::toString);
        assertTrue(last.body().contains("Too many attempts"), last::toString);
        Response locked = submit(browser, token, "/totpguard/verify", right);
        assertEquals(429, locked.status(), "the right code is not checked while locked: " + locked);

        // Another entry point on the same database (the filter, the JAAS module) sees the same lock.
        try (TwoFactorService otherEntryPoint = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource)
                .build()).keyRing(keys).policy(TwoFactorPolicy.defaults()).clock(clock).build()) {
            Verification elsewhere = otherEntryPoint.verify(ProtectedContent.USER, right, "127.0.0.2");
            assertEquals(Verification.Outcome.LOCKED, elsewhere.outcome(), elsewhere::toString);
        }
    }

    @Test
    void aLockFromWrongCodesInAnotherSessionEndsTheSessionThatGaveTheCode() throws Exception {
        enroll();
        Browser owner = browser();
        signIn(owner, "/home");
        Response token = owner.follow(owner.get("/admin/"));
        assertAdmin(owner.follow(submit(owner, token, "/totpguard/verify", totp.generate(secret))));
        assertAdmin(owner.get("/admin/"));

        // Someone with the password guesses codes in a session of their own until the account locks.
        Browser guesser = browser();
        signIn(guesser, "/home");
        Response guessing = guesser.follow(guesser.get("/admin/"));
        String right = totp.generate(secret);
        String wrong = right.equals("000000") ? "111111" : "000000";
        Response last = null;
        for (int attempt = 0; attempt <= TwoFactorPolicy.defaults().maxFailures(); attempt++) {
            last = submit(guesser, guessing, "/totpguard/verify", wrong);
        }
        assertEquals(429, last.status(), last::toString);

        // The lock revoked the account's sessions: the owner's session, which had the code, is signed out.
        Response after = owner.get("/admin/");
        assertTrue(after.isRedirect(), "a revoked session still served " + after);
        assertFalse(after.body().contains(ProtectedContent.ADMIN_MARKER), after::toString);
        Response home = owner.get("/home");
        assertFalse(home.body().contains(ProtectedContent.HOME_MARKER), "the whole login ended: " + home);
    }

    @Test
    void revokedSessionsEndAndANewCodeIsNeededAfterTheNextLogin() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        assertAdmin(browser.follow(submit(browser, token, "/totpguard/verify", totp.generate(secret))));
        clock.advance(java.time.Duration.ofSeconds(1));
        service.revokeSessions(ProtectedContent.USER);
        Response after = browser.get("/admin/");
        assertTrue(after.isRedirect(), "a revoked session still served " + after);
        signIn(browser, "/home");
        Response again = browser.get("/admin/");
        assertTrue(again.isRedirect(), again::toString);
        assertEquals("/totpguard/token", again.location().getPath(), "the factor did not survive the revocation");
    }

    @Test
    void aRecoveryCodeCountsAsTheFactorOnce() throws Exception {
        List<String> codes = enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        // The saved request the recovery code returns to.
        browser.follow(browser.get("/admin/"));
        Response recovery = browser.get("/totpguard/recovery");
        assertEquals(200, recovery.status(), recovery::toString);
        Response accepted = submit(browser, recovery, "/totpguard/recover", codes.get(0));
        assertTrue(accepted.isRedirect(), accepted::toString);
        assertAdmin(browser.follow(accepted));
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.RECOVERY_CODE_USED
                && event.user().equals(ProtectedContent.USER)), "audited as a recovery code: " + events);

        Browser other = browser();
        signIn(other, "/home");
        other.follow(other.get("/admin/"));
        Response page = other.get("/totpguard/recovery");
        Response used = submit(other, page, "/totpguard/recover", codes.get(0));
        assertEquals(200, used.status(), used::toString);
        assertTrue(used.body().contains("Invalid recovery code"), used::toString);
    }

    @Test
    void aStaleFactorAsksForANewCode() throws Exception {
        Instant now = clock.instant();
        // A code accepted ten minutes ago by the service's clock (the issue time of the factor), while Spring judges
        // the factor's age by the real time: older than the five minutes /admin asks for.
        clock.set(now.minus(Duration.ofMinutes(11)));
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        Response old = submit(browser, token, "/totpguard/verify", totp.generate(secret));
        assertTrue(old.isRedirect(), old::toString);
        Response stepUp = browser.get("/admin/");
        assertTrue(stepUp.isRedirect(), "a factor older than validDuration is a missing factor: " + stepUp);
        assertEquals("/totpguard/token", stepUp.location().getPath());

        clock.set(now);
        Response fresh = submit(browser, browser.follow(stepUp), "/totpguard/verify", totp.generate(secret));
        assertTrue(fresh.isRedirect(), fresh::toString);
        assertAdmin(browser.follow(fresh));
    }

    @Test
    void logoutEndsTheFactor() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        Response admin = browser.follow(submit(browser, token, "/totpguard/verify", totp.generate(secret)));
        assertAdmin(admin);
        Response form = browser.get("/totpguard/token");
        Response out = browser.post("/logout", Map.of("_csrf", form.find(SPRING_CSRF)));
        assertTrue(out.isRedirect(), out::toString);
        Response after = browser.get("/admin/");
        assertTrue(after.isRedirect(), after::toString);
        assertEquals("/login", after.location().getPath());
    }

    @Test
    void aCodeWithoutSpringsCsrfTokenIsRefused() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        browser.follow(browser.get("/admin/"));
        Response forged = browser.post("/totpguard/verify", Map.of("code", totp.generate(secret)));
        assertEquals(403, forged.status(), forged::toString);
        assertFalse(browser.get("/admin/").body().contains(ProtectedContent.ADMIN_MARKER));
    }

    @Test
    void aValidTokenFromAnotherSiteOrInTheUrlIsRefusedAndNoCodeIsChecked() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.follow(browser.get("/admin/"));
        String csrf = token.find(SPRING_CSRF);
        String code = totp.generate(secret);
        List<Response> forged = List.of(
                browser.post("/totpguard/verify", Map.of("_csrf", csrf, "code", code), Map.of("Origin", "https://evil.example")),
                browser.post("/totpguard/verify", Map.of("_csrf", csrf, "code", code), Map.of("Origin", "null")),
                browser.post("/totpguard/verify", Map.of("_csrf", csrf, "code", code), Map.of("Sec-Fetch-Site", "cross-site")),
                browser.post("/totpguard/verify?_csrf=" + csrf, Map.of("_csrf", csrf, "code", code)),
                browser.post("/totpguard/recover", Map.of("_csrf", csrf, "code", code), Map.of("Origin", "https://evil.example")));
        for (Response response : forged) {
            assertEquals(403, response.status(), response::toString);
            assertFalse(response.body().contains("Exception"), response::toString);
        }
        assertEquals(0, service.status(ProtectedContent.USER).failureCount(), "a forged post was evaluated");
        assertFalse(browser.get("/admin/").body().contains(ProtectedContent.ADMIN_MARKER));
        // The same code from this site's own form is still good: nothing used it up.
        Response accepted = browser.post("/totpguard/verify", Map.of("_csrf", csrf, "code", code),
                Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin"));
        assertAdmin(browser.follow(accepted));
    }

    @Test
    void theSessionIdChangesWithTheCodeAndTheOldOneOpensNothing() throws Exception {
        enroll();
        Browser browser = browser();
        browser.get("/login");
        String beforeLogin = browser.cookie("JSESSIONID");
        signIn(browser, "/home");
        String afterPassword = browser.cookie("JSESSIONID");
        assertNotEquals(beforeLogin, afterPassword);
        Response token = browser.follow(browser.get("/admin/"));
        assertAdmin(browser.follow(submit(browser, token, "/totpguard/verify", totp.generate(secret))));
        String afterCode = browser.cookie("JSESSIONID");
        assertNotEquals(afterPassword, afterCode, "the session id changes with the second factor");

        for (String stale : List.of(beforeLogin, afterPassword)) {
            Browser attacker = browser();
            attacker.setCookie("JSESSIONID", stale);
            Response response = attacker.get("/admin/");
            assertFalse(response.body().contains(ProtectedContent.ADMIN_MARKER), response::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/admin", "/admin/", "/ADMIN/", "/admin;x=y/", "/%61dmin/", "/admin/../admin/",
            "/admin/./", "//admin/", "/admin%2F", "/home/../admin/", "/Admin/report" })
    void pathVariantsOfAdminAreNeverServedWithThePasswordAlone(String path) throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response response = browser.raw("GET", path);
        assertFalse(response.body().contains(ProtectedContent.ADMIN_MARKER), path + " -> " + response);
    }

    @Test
    void aSavedRequestForAnotherHostIsNotFollowed() throws Exception {
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        // A request with another Host header (a proxy that passes it on, a DNS-rebinding page): the saved request
        // Spring keeps then names that host.
        String foreign = rawWithHost(browser, "/admin/", "evil.example");
        assertTrue(foreign.startsWith("HTTP/1.1 302"), foreign);
        Response token = browser.get("/totpguard/token");
        Response accepted = browser.post("/totpguard/verify?continue=http://evil.example/&redirect=//evil.example/",
                Map.of("_csrf", token.find(SPRING_CSRF), "code", totp.generate(secret),
                        "continue", "http://evil.example/", "redirect", "//evil.example/"));
        assertTrue(accepted.isRedirect(), accepted::toString);
        URI target = accepted.location();
        assertEquals(browser.base().getHost(), target.getHost(), accepted::toString);
        assertEquals(browser.base().getPort(), target.getPort(), accepted::toString);
        assertFalse(accepted.locationHeader().contains("evil"), accepted::toString);
    }

    /** GET {@code path} with this browser's session and the given Host header; returns the response head. */
    private static String rawWithHost(Browser browser, String path, String host) throws Exception {
        try (Socket socket = new Socket(browser.base().getHost(), browser.base().getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nCookie: JSESSIONID="
                    + browser.cookie("JSESSIONID") + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void anAccountWithoutAnAuthenticatorIsSentToEnrollmentAndEnrollsWithTheSignedInName() throws Exception {
        Browser browser = browser();
        signIn(browser, "/home");
        Response admin = browser.get("/admin/");
        assertTrue(admin.isRedirect(), admin::toString);
        assertEquals("/totpguard/enroll", admin.location().getPath());
        Response enroll = browser.follow(admin);
        assertEquals(200, enroll.status(), enroll::toString);
        String key = enroll.find("<dd class=\"key\" id=\"key\">([^<]+)</dd>").replace(" ", "");
        assertEquals(ProtectedContent.USER, enroll.find("<dd id=\"account\">([^<]+)</dd>"));
        byte[] enrolled = dev.totpguard.otp.Secret.fromBase32(key).bytes();
        Response codes = browser.post("/totpguard/confirm", Map.of("_csrf", enroll.find(SPRING_CSRF),
                "code", totp.generate(enrolled), "user", "someone-else"));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("id=\"recovery-codes\""), codes::toString);
        assertTrue(service.status(ProtectedContent.USER).isActive());
        assertFalse(service.status("someone-else").isActive());
        assertAdmin(browser.get("/admin/"));
    }
}
