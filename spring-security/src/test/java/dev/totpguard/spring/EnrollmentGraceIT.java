package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Secret;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The enrollment grace of enforcement REQUIRED in the Spring Security module, over real HTTP on embedded Tomcat, in
 * {@link TrustedBrowserApplication}, with the test's service over a real H2 database and a clock the test moves: a
 * user without an authenticator passes the requests that need the factor while the grace is open, with the grace in
 * a request attribute; afterwards they lead to enrollment; the period never starts again at a login, counts each
 * login once, and starts at an account's creation where that is after enforcement (core's rules).
 */
@ExtendWith(WithoutBuildProperties.class)
class EnrollmentGraceIT {

    private static final String ENROLL = "/totpguard/enroll";
    private static final String KEY = "<dd class=\"key\" id=\"key\">([^<]+)</dd>";

    @TempDir
    Path directory;

    private MutableClock clock;
    private final Map<String, Instant> created = new ConcurrentHashMap<>();
    private TwoFactorService service;
    private ConfigurableApplicationContext application;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    private void start(int graceDays, int graceSignIns) throws Exception {
        KeyRing keys = KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        service = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true)
                .build()).keyRing(keys).policy(TwoFactorPolicy.builder()
                        .enforcement(TwoFactorPolicy.Enforcement.REQUIRED).enrollmentGrace(graceDays, graceSignIns).build())
                .accountCreationTimes(user -> Optional.ofNullable(created.get(user)))
                .clock(clock).recoveryCodeIterations(1_000).build();
        application = new SpringApplicationBuilder(TrustedBrowserApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1"))
                .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", service))
                .run();
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private Browser browser() {
        return new Browser(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")));
    }

    /** A new browser signed in as {@code user} with Spring's form login on the way to {@code /app/start}. */
    private Browser signedIn(String user) {
        Browser browser = browser();
        Response challenge = browser.get("/app/start");
        assertEquals("/login", challenge.location().getPath(), challenge::toString);
        Response form = browser.follow(challenge);
        Response login = browser.post("/login", Map.of("username", user, "password",
                user.equals(ProtectedContent.USER) ? ProtectedContent.PASSWORD : TrustedBrowserApplication.OTHER_PASSWORD,
                "_csrf", form.find(TotpFactorIT.SPRING_CSRF)));
        assertTrue(login.isRedirect(), login::toString);
        return browser;
    }

    /** {@code path} passes in the grace (through the redirect back to it the first time of a login); returns the content. */
    private static Response assertPassesInGrace(Browser browser, String path) {
        Response response = browser.get(path);
        if (response.isRedirect()) {
            assertEquals(path, response.location().getPath(), "the same request again: " + response);
            response = browser.follow(response);
        }
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(TrustedBrowserApplication.APP_MARKER), response::toString);
        assertTrue(response.body().contains(TrustedBrowserApplication.GRACE_PREFIX + "EnrollmentGrace[open"),
                response::toString);
        assertTrue(response.body().contains("setup=" + ENROLL), response::toString);
        return response;
    }

    private static void assertSentToEnrollment(Browser browser, String path) {
        Response response = browser.get(path);
        assertFalse(response.body().contains(TrustedBrowserApplication.APP_MARKER), response::toString);
        assertTrue(response.isRedirect(), response::toString);
        assertEquals(ENROLL, response.location().getPath(), response::toString);
    }

    @Test
    void withinTheGraceTheUserPassesWithTheGraceAndAfterwardsIsSentToEnrollment() throws Exception {
        start(7, 0);
        Browser browser = signedIn(ProtectedContent.USER);
        assertPassesInGrace(browser, "/app/start");
        assertPassesInGrace(browser, "/app/other");
        assertPassesInGrace(browser, "/totp-only/x");
        assertPassesInGrace(browser, "/admin/x");

        // The factor of the grace is this request's only: the same session is sent to enrollment once it ends.
        clock.advance(Duration.ofDays(7));
        assertSentToEnrollment(browser, "/app/start");
        Response enroll = browser.get(ENROLL);
        assertEquals(200, enroll.status(), enroll::toString);
        assertSentToEnrollment(signedIn(ProtectedContent.USER), "/app/start");
    }

    @Test
    void theGraceNeverStartsAgainAtALogin() throws Exception {
        start(7, 0);
        String endsAt = assertPassesInGrace(signedIn(ProtectedContent.USER), "/app/start").find("ends ([^,\\]]+)");
        clock.advance(Duration.ofDays(4));
        Response later = assertPassesInGrace(signedIn(ProtectedContent.USER), "/app/start");
        assertEquals(endsAt, later.find("ends ([^,\\]]+)"), later::toString);
        clock.advance(Duration.ofDays(3));
        assertSentToEnrollment(signedIn(ProtectedContent.USER), "/app/start");
    }

    @Test
    void eachLoginCountsOneSignIn() throws Exception {
        start(0, 2);
        Browser first = signedIn(ProtectedContent.USER);
        assertTrue(assertPassesInGrace(first, "/app/start").body().contains("1 sign-ins left"));
        assertTrue(assertPassesInGrace(first, "/app/other").body().contains("1 sign-ins left"), "counted once a login");
        assertTrue(assertPassesInGrace(signedIn(ProtectedContent.USER), "/app/start").body().contains("0 sign-ins left"));
        assertSentToEnrollment(signedIn(ProtectedContent.USER), "/app/start");
    }

    @Test
    void anAccountCreatedAfterEnforcementHasItsOwnPeriod() throws Exception {
        start(7, 0);
        assertPassesInGrace(signedIn(ProtectedContent.USER), "/app/start");
        clock.advance(Duration.ofDays(10));
        created.put(TrustedBrowserApplication.OTHER, clock.instant());
        clock.advance(Duration.ofDays(5));
        assertSentToEnrollment(signedIn(ProtectedContent.USER), "/app/start");
        assertPassesInGrace(signedIn(TrustedBrowserApplication.OTHER), "/app/start");
        clock.advance(Duration.ofDays(2));
        assertSentToEnrollment(signedIn(TrustedBrowserApplication.OTHER), "/app/start");
    }

    @Test
    void enrollingDuringTheGraceGivesTheFactorAndEndsTheNotice() throws Exception {
        start(7, 0);
        Browser browser = signedIn(ProtectedContent.USER);
        assertPassesInGrace(browser, "/app/start");
        Response enroll = browser.get(ENROLL);
        assertEquals(200, enroll.status(), enroll::toString);
        byte[] secret = Secret.fromBase32(enroll.find(KEY).replace(" ", "")).bytes();
        Response codes = browser.post("/totpguard/confirm", Map.of("_csrf", enroll.find(TotpFactorIT.SPRING_CSRF),
                "code", Totp.builder().clock(clock).build().generate(secret)));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(service.status(ProtectedContent.USER).isActive());
        Response app = browser.get("/app/start");
        assertEquals(200, app.status(), app::toString);
        assertTrue(app.body().contains(TrustedBrowserApplication.GRACE_PREFIX + "null"), "no grace any more: " + app);
    }

    @Test
    void aRevocationOfTheAccountsSessionsEndsAGraceSession() throws Exception {
        start(7, 0);
        Browser browser = signedIn(ProtectedContent.USER);
        assertPassesInGrace(browser, "/app/start");
        // A password change, say.
        service.revokeSessions(ProtectedContent.USER);
        Response ended = browser.get("/app/start");
        assertFalse(ended.body().contains(TrustedBrowserApplication.APP_MARKER), ended::toString);
        assertEquals("/login", ended.location().getPath(), ended::toString);
    }
}
