package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.spring.app.BasicLoginApplication;
import dev.totpguard.spring.app.ProtectedContent;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * HTTP Basic under {@link TotpConfigurer}, over real HTTP on embedded Tomcat ({@link BasicLoginApplication}): wrong
 * passwords count toward the account's lock exactly as at the form login, and a locked account gets the answer of a
 * wrong password (401 and its challenge), whether wrong passwords or wrong codes locked it: nothing tells which
 * factor failed. The configurer declared before and after {@code httpBasic} alike; and a login of the application's own
 * through {@link PasswordAttemptAuthenticationManager#wrap}.
 */
@ExtendWith(WithoutBuildProperties.class)
class HttpBasicPasswordAttemptsIT {

    @TempDir
    Path directory;

    private MutableClock clock;
    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
    private TwoFactorService service;
    private ConfigurableApplicationContext application;
    private Browser browser;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    private void start(boolean basicFirst) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        service = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true)
                .build()).keyRing(KeyRing.generateKeyFile(directory.resolve("totpguard.key")))
                .policy(TwoFactorPolicy.defaults()).clock(clock).recoveryCodeIterations(1_000).listener(events::add)
                .build();
        application = new SpringApplicationBuilder(BasicLoginApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                        BasicLoginApplication.BASIC_FIRST, String.valueOf(basicFirst)))
                .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", service))
                .run();
        browser = new Browser(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")));
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

    /** One request of a client without a session, with the given password. */
    private Response basic(String password) {
        browser.clearCookies();
        String credentials = Base64.getEncoder().encodeToString((ProtectedContent.USER + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return browser.get("/home", Map.of("Authorization", "Basic " + credentials));
    }

    private static void assertSameAnswer(Response wrong, Response refused) {
        assertEquals(401, wrong.status(), wrong::toString);
        assertEquals(wrong.status(), refused.status(), refused::toString);
        assertEquals(wrong.headers("WWW-Authenticate"), refused.headers("WWW-Authenticate"), refused::toString);
        assertEquals(wrong.headers("Content-Length"), refused.headers("Content-Length"), refused::toString);
        assertEquals(wrong.body(), refused.body(), refused::toString);
        assertFalse(refused.body().contains(ProtectedContent.HOME_MARKER), refused::toString);
        assertFalse(refused.toString().toLowerCase(Locale.ROOT).contains("lock"), "no hint of a lock: " + refused);
    }

    @ParameterizedTest(name = "httpBasic declared first: {0}")
    @ValueSource(booleans = { false, true })
    void wrongPasswordsOverHttpBasicLockTheAccountAndTheRightOneIsThenAnsweredLikeAWrongOne(boolean basicFirst)
            throws Exception {
        start(basicFirst);
        assertTrue(basic(ProtectedContent.PASSWORD).body().contains(ProtectedContent.HOME_MARKER), "the right password");
        enroll();
        TwoFactorPolicy policy = TwoFactorPolicy.defaults();
        Response wrong = null;
        for (int attempt = 0; attempt < policy.maxFailures(); attempt++) {
            wrong = basic(ProtectedContent.PASSWORD + "-wrong");
            assertEquals(401, wrong.status(), wrong::toString);
        }
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isPresent(),
                "wrong passwords count toward the account's lock: " + service.status(ProtectedContent.USER));
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.PASSWORD_REFUSED
                && event.user().equals(ProtectedContent.USER) && event.clientAddress().equals(Optional.of("127.0.0.1"))),
                "audited as a refused password from the client's address: " + events);
        assertSameAnswer(wrong, basic(ProtectedContent.PASSWORD));

        clock.advance(policy.lockoutBase().plusSeconds(1));
        assertTrue(basic(ProtectedContent.PASSWORD).body().contains(ProtectedContent.HOME_MARKER), "after the lock");
    }

    @ParameterizedTest(name = "httpBasic declared first: {0}")
    @ValueSource(booleans = { false, true })
    void anAccountLockedByWrongCodesGetsTheAnswerOfAWrongPassword(boolean basicFirst) throws Exception {
        start(basicFirst);
        byte[] secret = enroll();
        String right = Totp.builder().clock(clock).build().generate(secret);
        String wrongCode = right.equals("000000") ? "111111" : "000000";
        for (int attempt = 0; attempt < TwoFactorPolicy.defaults().maxFailures(); attempt++) {
            service.verify(ProtectedContent.USER, wrongCode, "127.0.0.2");
        }
        assertEquals(Verification.Outcome.LOCKED, service.verify(ProtectedContent.USER, right, "127.0.0.2").outcome());
        assertSameAnswer(basic(ProtectedContent.PASSWORD + "-wrong"), basic(ProtectedContent.PASSWORD));
    }

    @Test
    void wrongPasswordsAtTheApplicationsOwnLoginLockTheAccountThroughTheWrapper() throws Exception {
        start(false);
        enroll();
        TwoFactorPolicy policy = TwoFactorPolicy.defaults();
        Response wrong = null;
        for (int attempt = 0; attempt < policy.maxFailures(); attempt++) {
            wrong = ownLogin(ProtectedContent.PASSWORD + "-wrong");
        }
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isPresent(),
                "wrong passwords count toward the account's lock: " + service.status(ProtectedContent.USER));
        assertSameAnswer(wrong, ownLogin(ProtectedContent.PASSWORD));
        clock.advance(policy.lockoutBase().plusSeconds(1));
        assertTrue(ownLogin(ProtectedContent.PASSWORD).body().contains(ProtectedContent.HOME_MARKER), "after the lock");
    }

    private Response ownLogin(String password) {
        browser.clearCookies();
        return browser.post(BasicLoginApplication.OWN_LOGIN, Map.of("username", ProtectedContent.USER, "password", password));
    }

    private byte[] enroll() throws Exception {
        Totp totp = Totp.builder().clock(clock).build();
        Enrollment enrollment = service.startEnrollment(ProtectedContent.USER);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        EnrollmentResult result = service.confirmEnrollment(ProtectedContent.USER, enrollment.nonce(),
                totp.generate(secret), "127.0.0.1");
        assertTrue(result.isAccepted(), result::toString);
        clock.advance(Duration.ofSeconds(30));
        return secret;
    }
}
