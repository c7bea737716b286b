package dev.totpguard.spring;

import static dev.totpguard.spring.TotpFactorIT.SPRING_CSRF;
import static dev.totpguard.spring.TotpFactorIT.signIn;
import static dev.totpguard.spring.TotpFactorIT.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.spring.app.AdminFactorApplication;
import dev.totpguard.spring.app.ProtectedContent;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The settings page of the Spring Security module ({@code /totpguard/manage}) in {@link AdminFactorApplication} on
 * embedded Tomcat, over real HTTP, with the test's service over a real H2 database and a clock the test moves:
 * every change needs a current code of the active authenticator (said at the refused form's field otherwise, with
 * nothing changed), Spring's CSRF token, and ends with a new session id; and the pages' branding.
 */
@ExtendWith(WithoutBuildProperties.class)
class SettingsPageIT {

    private static final String MANAGE = "/totpguard/manage";
    private static final String CODES = "<pre class=\"codes\" id=\"recovery-codes\"[^>]*>([^<]*)</pre>";
    private static final String KEY = "<dd class=\"key\" id=\"key\">([^<]+)</dd>";

    @TempDir
    Path directory;

    private MutableClock clock;
    private final List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
    private TwoFactorService service;
    private ConfigurableApplicationContext application;
    private byte[] secret;
    private Totp totp;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    private void start(TwoFactorPolicy.Enforcement enforcement, Map<String, String> properties) throws Exception {
        KeyRing keys = KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        service = TwoFactorService.builder().store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true)
                .build()).keyRing(keys).policy(TwoFactorPolicy.builder().enforcement(enforcement).build())
                .clock(clock).recoveryCodeIterations(1_000).listener(events::add).build();
        totp = Totp.builder().clock(clock).build();
        Map<String, Object> all = new HashMap<>(Map.of("server.port", "0", "server.address", "127.0.0.1"));
        all.putAll(properties);
        application = new SpringApplicationBuilder(AdminFactorApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(all)
                .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", service))
                .run();
    }

    private void start() throws Exception {
        start(TwoFactorPolicy.Enforcement.OPTIONAL, Map.of());
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

    /** Enrolls the user through the service; returns the recovery codes. */
    private List<String> enroll() throws Exception {
        Enrollment enrollment = service.startEnrollment(ProtectedContent.USER);
        secret = enrollment.otpAuthUri().secret().bytes();
        EnrollmentResult result = service.confirmEnrollment(ProtectedContent.USER, enrollment.nonce(),
                totp.generate(secret), "127.0.0.1");
        assertTrue(result.isAccepted(), result::toString);
        nextStep();
        return result.recoveryCodes();
    }

    /** A code is used up with its time step: the next code is the next step's. */
    private void nextStep() {
        clock.advance(Duration.ofSeconds(30));
    }

    /** Signs in with the password, asks for the settings page, gives the code there: returns the settings page. */
    private Response settingsWithFactor(Browser browser) {
        signIn(browser, "/home");
        Response toToken = browser.get(MANAGE);
        assertTrue(toToken.isRedirect(), toToken::toString);
        assertEquals("/totpguard/token", toToken.location().getPath(), "the factor first");
        Response token = browser.follow(toToken);
        Response back = submit(browser, token, "/totpguard/verify", totp.generate(secret));
        assertTrue(back.isRedirect(), back::toString);
        assertEquals(MANAGE, back.location().getPath(), "back to the settings page after the code");
        nextStep();
        Response settings = browser.follow(back);
        assertSettings(settings);
        return settings;
    }

    private static void assertSettings(Response page) {
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.body().contains("Two-factor authentication settings"), page::toString);
    }

    /** The refused form's field is marked invalid, points at the message right after it, and has the focus. */
    private static void assertRefusedAt(Response page, String change, String message) {
        String body = page.body();
        assertTrue(body.contains("id=\"code-" + change + "\"") && body.contains("aria-invalid=\"true\" aria-describedby=\"code-"
                + change + "-error\" autofocus"), page::toString);
        assertTrue(body.contains("<p id=\"code-" + change + "-error\" class=\"error\">" + message + "</p>"), page::toString);
        assertEquals(1, body.split("aria-invalid=\"true\"", -1).length - 1, "only the refused form's field: " + page);
        assertFalse(body.contains("role=\"alert\""), "said at the field, not above the page: " + page);
    }

    private static List<String> recoveryCodes(Response page) {
        return Arrays.stream(page.find(CODES).split("\n")).map(String::strip).filter(code -> !code.isEmpty()).toList();
    }

    private static void assertAdmin(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(ProtectedContent.ADMIN_MARKER), response::toString);
    }

    @Test
    void theSettingsPageNeedsTheFactorAndOffersTheChangesInBothLanguages() throws Exception {
        start();
        enroll();
        Browser browser = browser();
        Response unsigned = browser.get(MANAGE);
        assertTrue(unsigned.isRedirect() && unsigned.location().getPath().equals("/login"), unsigned::toString);

        Response settings = settingsWithFactor(browser);
        for (String change : List.of("reenroll", "regenerate", "disable")) {
            assertTrue(settings.body().contains("action=\"/totpguard/" + change + "\""), change + ": " + settings);
        }
        assertTrue(settings.body().contains("Recovery codes left: 10."), settings::toString);
        assertTrue(settings.header("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        assertEquals(4, settings.body().split("name=\"_csrf\"", -1).length - 1,
                "Spring's token in every form (the three changes and the sign-out)");

        Response german = browser.get(MANAGE, Map.of("Accept-Language", "de"));
        assertEquals(200, german.status(), german::toString);
        assertTrue(german.body().contains("Einstellungen der Zwei-Faktor-Authentifizierung"), german::toString);
    }

    @Test
    void anAccountWithoutAnAuthenticatorIsSentToEnrollment() throws Exception {
        start();
        Browser browser = browser();
        signIn(browser, "/home");
        Response settings = browser.get(MANAGE);
        assertTrue(settings.isRedirect(), settings::toString);
        assertEquals("/totpguard/enroll", settings.location().getPath());
    }

    @Test
    void aWrongReplayedOrMissingCodeIsRefusedAtTheFieldAndChangesNothing() throws Exception {
        start();
        List<String> recovery = enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        String used = totp.generate(secret);
        assertTrue(service.verify(ProtectedContent.USER, used, "127.0.0.1").isAccepted(), "used up elsewhere");
        for (String change : List.of("reenroll", "regenerate", "disable")) {
            for (String code : List.of("000000".equals(used) ? "111111" : "000000", used, "")) {
                String before = browser.cookie("JSESSIONID");
                Response refused = code.isEmpty()
                        ? browser.post("/totpguard/" + change, Map.of("_csrf", settings.find(SPRING_CSRF)))
                        : submit(browser, settings, "/totpguard/" + change, code);
                assertSettings(refused);
                assertRefusedAt(refused, change, "Invalid code. Nothing was changed.");
                assertEquals(before, browser.cookie("JSESSIONID"), "no change, no new session");
            }
            // Two rounds of three wrong codes stay below the policy's lock; the counter is reset by the next code.
            nextStep();
            assertTrue(service.verify(ProtectedContent.USER, totp.generate(secret), "127.0.0.1").isAccepted());
        }
        assertTrue(service.status(ProtectedContent.USER).isActive(), "not turned off");
        assertEquals(recovery.size(), service.status(ProtectedContent.USER).recoveryCodesRemaining());
        assertFalse(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.RECOVERY_CODES_REGENERATED
                || event.type() == TwoFactorEvent.Type.DISABLED), events::toString);
        Response enroll = browser.get("/totpguard/enroll");
        assertTrue(enroll.isRedirect(), "no new QR code without a current code: " + enroll);
        assertEquals(MANAGE, enroll.location().getPath());

        Response german = browser.post("/totpguard/regenerate", Map.of("_csrf", settings.find(SPRING_CSRF),
                "code", "000000".equals(used) ? "111111" : "000000"), Map.of("Accept-Language", "de"));
        assertRefusedAt(german, "regenerate", "Ungültiger Code. Es wurde nichts geändert.");
    }

    @Test
    void aChangeWithoutSpringsCsrfTokenIsRefusedAndNoCodeIsChecked() throws Exception {
        start();
        enroll();
        Browser browser = browser();
        settingsWithFactor(browser);
        for (String change : List.of("reenroll", "regenerate", "disable")) {
            Response forged = browser.post("/totpguard/" + change, Map.of("code", totp.generate(secret)));
            assertEquals(403, forged.status(), forged::toString);
        }
        assertTrue(service.status(ProtectedContent.USER).isActive());
        assertEquals(0, service.status(ProtectedContent.USER).failureCount(), "no code was checked");
    }

    @Test
    void aChangeFromASessionWithoutTheFactorGoesToTheTokenPage() throws Exception {
        start();
        enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        Response token = browser.get("/totpguard/token");
        Response change = browser.post("/totpguard/disable", Map.of("_csrf", token.find(SPRING_CSRF),
                "code", totp.generate(secret)));
        assertTrue(change.isRedirect(), change::toString);
        assertEquals("/totpguard/token", change.location().getPath());
        assertTrue(service.status(ProtectedContent.USER).isActive());
    }

    @Test
    void reenrollmentKeepsTheOldSecretUntilTheNewOneIsConfirmedAndEndsTheOtherSessions() throws Exception {
        start();
        enroll();
        Browser other = browser();
        signIn(other, "/home");
        assertAdmin(other.follow(submit(other, other.follow(other.get("/admin/")), "/totpguard/verify",
                totp.generate(secret))));
        nextStep();

        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        String before = browser.cookie("JSESSIONID");
        Response enroll = submit(browser, settings, "/totpguard/reenroll", totp.generate(secret));
        assertEquals(200, enroll.status(), enroll::toString);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id with the change");
        byte[] newSecret = Secret.fromBase32(enroll.find(KEY).replace(" ", "")).bytes();
        assertFalse(Arrays.equals(secret, newSecret));
        assertTrue(enroll.body().contains("action=\"/totpguard/confirm\""), enroll::toString);
        assertEquals(enroll.find(KEY), browser.get("/totpguard/enroll").find(KEY), "the same enrollment again");
        nextStep();

        // The old secret stays until the new one is confirmed: its code is not a confirmation.
        Response wrong = submit(browser, enroll, "/totpguard/confirm", totp.generate(secret));
        assertEquals(200, wrong.status(), wrong::toString);
        assertTrue(wrong.body().contains("Invalid code"), wrong::toString);
        assertAdmin(other.get("/admin/"));

        before = browser.cookie("JSESSIONID");
        Response codes = submit(browser, wrong, "/totpguard/confirm", totp.generate(newSecret));
        assertEquals(200, codes.status(), codes::toString);
        assertEquals(10, recoveryCodes(codes).size(), codes::toString);
        assertTrue(codes.body().contains("href=\"" + MANAGE + "\""), "continues to the settings page: " + codes);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id with the change");
        assertAdmin(browser.get("/admin/"));
        Response ended = other.get("/admin/");
        assertTrue(ended.isRedirect() && ended.location().getPath().equals("/login"),
                "the other session ended with the new secret: " + ended);
        nextStep();

        Browser next = browser();
        signIn(next, "/home");
        Response token = next.follow(next.get("/admin/"));
        Response old = submit(next, token, "/totpguard/verify", totp.generate(secret));
        assertEquals(200, old.status(), "the old authenticator's code is refused: " + old);
        assertAdmin(next.follow(submit(next, old, "/totpguard/verify", totp.generate(newSecret))));
    }

    /**
     * A lost phone: signed in with a recovery code, the user sets up a new authenticator with another one (every
     * recovery code was refused here before), gets new recovery codes with one, and, where the policy allows turning
     * the factor off, turns it off with one. A wrong or used recovery code is refused at the field and counted.
     */
    @Test
    void aLostPhoneChangesTheFactorWithRecoveryCodes() throws Exception {
        start();
        List<String> codes = enroll();
        Browser browser = browser();
        signIn(browser, "/home");
        browser.get(MANAGE);
        Response recovery = browser.get("/totpguard/recovery");
        Response back = submit(browser, recovery, "/totpguard/recover", codes.get(0));
        assertTrue(back.isRedirect(), back::toString);
        Response settings = browser.follow(back);
        assertSettings(settings);
        assertTrue(settings.body().contains("<label for=\"code-reenroll\">Code from your app or a recovery code</label>"),
                settings::toString);

        Response used = submit(browser, settings, "/totpguard/reenroll", codes.get(0));
        assertRefusedAt(used, "reenroll", "Invalid code. Nothing was changed.");
        assertEquals(1, service.status(ProtectedContent.USER).failureCount(), "counted like a wrong code");
        Response enroll = submit(browser, used, "/totpguard/reenroll", codes.get(1));
        assertEquals(200, enroll.status(), enroll::toString);
        byte[] newSecret = Secret.fromBase32(enroll.find(KEY).replace(" ", "")).bytes();
        Response confirmed = submit(browser, enroll, "/totpguard/confirm", totp.generate(newSecret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        List<String> fresh = recoveryCodes(confirmed);
        secret = newSecret;
        nextStep();

        Response regenerated = submit(browser, browser.get(MANAGE), "/totpguard/regenerate", fresh.get(0));
        assertEquals(200, regenerated.status(), regenerated::toString);
        List<String> newest = recoveryCodes(regenerated);
        assertEquals(10, newest.size(), regenerated::toString);

        Response off = submit(browser, browser.get(MANAGE), "/totpguard/disable", newest.get(0));
        assertEquals(200, off.status(), off::toString);
        assertTrue(off.body().contains("Two-factor authentication is now off."), off::toString);
        assertFalse(service.status(ProtectedContent.USER).isActive());
    }

    @Test
    void aConfirmationForAnActiveAccountWithoutACodeOnTheSettingsPageIsRefused() throws Exception {
        start();
        // This session starts an enrollment while the account has none; the account is then enrolled elsewhere.
        Browser browser = browser();
        signIn(browser, "/home");
        Response enroll = browser.follow(browser.get("/admin/"));
        byte[] pending = Secret.fromBase32(enroll.find(KEY).replace(" ", "")).bytes();
        enroll();
        Response confirm = submit(browser, enroll, "/totpguard/confirm", totp.generate(pending));
        assertEquals(403, confirm.status(), confirm::toString);
        nextStep();
        assertTrue(service.verify(ProtectedContent.USER, totp.generate(secret), "127.0.0.1").isAccepted(),
                "the account's authenticator was not replaced");
    }

    @Test
    void newRecoveryCodesAreShownOnceAndTheOldOnesStopWorking() throws Exception {
        start();
        List<String> old = enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        String before = browser.cookie("JSESSIONID");
        Response codes = submit(browser, settings, "/totpguard/regenerate", totp.generate(secret));
        assertEquals(200, codes.status(), codes::toString);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id with the change");
        List<String> fresh = recoveryCodes(codes);
        assertEquals(10, fresh.size(), codes::toString);
        assertTrue(codes.body().contains("id=\"copy-codes\"") && codes.body().contains("download=\"recovery-codes.txt\""),
                "copy and download as on the filter's page: " + codes);
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.RECOVERY_CODES_REGENERATED),
                events::toString);
        assertSettings(browser.get(MANAGE));
        assertFalse(browser.get(MANAGE).body().contains(fresh.get(0)), "shown once");

        Browser next = browser();
        signIn(next, "/home");
        next.follow(next.get("/admin/"));
        Response recovery = next.get("/totpguard/recovery");
        Response refused = submit(next, recovery, "/totpguard/recover", old.get(0));
        assertTrue(refused.body().contains("Invalid recovery code"), "the old codes are dead: " + refused);
        assertAdmin(next.follow(submit(next, refused, "/totpguard/recover", fresh.get(0))));
    }

    @Test
    void turningTheFactorOffIsRefusedWhereThePolicyRequiresIt() throws Exception {
        start(TwoFactorPolicy.Enforcement.REQUIRED, Map.of());
        enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        assertFalse(settings.body().contains("action=\"/totpguard/disable\""), "no form to turn it off: " + settings);
        assertTrue(settings.body().contains("cannot be turned off"), settings::toString);
        String code = totp.generate(secret);
        Response refused = submit(browser, settings, "/totpguard/disable", code);
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(refused.body().contains("role=\"alert\">This site requires two-factor authentication"), refused::toString);
        assertTrue(service.status(ProtectedContent.USER).isActive());
        assertEquals(0, service.status(ProtectedContent.USER).failureCount(), "no code was checked");
        assertAdmin(browser.get("/admin/"));
    }

    @Test
    void turningTheFactorOffDropsItFromTheSessionAndEndsTheOtherSessions() throws Exception {
        start();
        enroll();
        Browser other = browser();
        signIn(other, "/home");
        assertAdmin(other.follow(submit(other, other.follow(other.get("/admin/")), "/totpguard/verify",
                totp.generate(secret))));
        nextStep();

        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        assertAdmin(browser.get("/admin/"));
        String before = browser.cookie("JSESSIONID");
        Response off = submit(browser, settings, "/totpguard/disable", totp.generate(secret));
        assertEquals(200, off.status(), off::toString);
        assertTrue(off.body().contains("role=\"status\">Two-factor authentication is now off."), off::toString);
        assertTrue(off.body().contains("href=\"/totpguard/enroll\""), off::toString);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id with the change");
        assertFalse(service.status(ProtectedContent.USER).isActive());
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.DISABLED), events::toString);

        // The application asks for the factor on /admin/**: the user without one is sent to enrollment.
        assertTrue(browser.get("/home").body().contains(ProtectedContent.HOME_MARKER), "still signed in");
        Response admin = browser.get("/admin/");
        assertTrue(admin.isRedirect(), admin::toString);
        assertEquals("/totpguard/enroll", admin.location().getPath());
        Response ended = other.get("/admin/");
        assertTrue(ended.isRedirect() && ended.location().getPath().equals("/login"),
                "the other session with the factor ended: " + ended);
    }

    @Test
    void wrongCodesOnTheSettingsPageLockTheAccountAsAtSignIn() throws Exception {
        start();
        enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        String wrong = "000000".equals(totp.generate(secret)) ? "111111" : "000000";
        Response refused = settings;
        for (int attempt = 0; attempt < TwoFactorPolicy.defaults().maxFailures(); attempt++) {
            refused = submit(browser, settings, "/totpguard/regenerate", wrong);
            assertRefusedAt(refused, "regenerate", "Invalid code. Nothing was changed.");
        }
        assertTrue(service.status(ProtectedContent.USER).lockedUntil().isPresent(), "the service's lock");
        assertTrue(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.LOCKED_OUT), events::toString);
        assertFalse(events.stream().anyMatch(event -> event.type() == TwoFactorEvent.Type.RECOVERY_CODES_REGENERATED));
        // The lock ended the account's sessions that had the factor, this one too.
        Response after = browser.get("/admin/");
        assertTrue(after.isRedirect() && after.location().getPath().equals("/login"), after::toString);
    }

    @Test
    void aStoreOutageIsThe503PageAndNoChange() throws Exception {
        start();
        enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        try (var connection = java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1", "sa", "");
                var statement = connection.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            try (var rows = statement.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            assertFalse(tables.isEmpty());
            for (String table : tables) {
                statement.execute("ALTER TABLE \"" + table + "\" RENAME TO \"" + table + "_GONE\"");
            }
        }
        for (String change : List.of("reenroll", "regenerate", "disable")) {
            Response response = submit(browser, settings, "/totpguard/" + change, totp.generate(secret));
            assertEquals(503, response.status(), response::toString);
            assertFalse(response.body().contains("Exception"), response::toString);
        }
        Response page = browser.get(MANAGE);
        assertEquals(503, page.status(), page::toString);
    }

    @Test
    void theBrandingShowsOnThePagesAndTheCspAllowsSelfOnlyForIt() throws Exception {
        // The README's properties, the name with markup that must come out as text.
        Map<String, String> properties = new HashMap<>();
        for (String line : SpringSecurityReadmeTest.block("spring brand properties").split("\n")) {
            int equals = line.indexOf('=');
            if (line.startsWith("totpguard.") && equals > 0) {
                properties.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        assertEquals(Map.of("totpguard.spring.brand.name", "Acme Portal", "totpguard.spring.brand.logo",
                "/static/logo.svg", "totpguard.spring.brand.home", "/home"), properties, "the README's block");
        properties.put("totpguard.spring.brand.name", "Acme <Portal>");
        start(TwoFactorPolicy.Enforcement.OPTIONAL, properties);
        enroll();
        Browser browser = browser();
        Response settings = settingsWithFactor(browser);
        String body = settings.body();
        assertTrue(body.contains("<a class=\"brand\" href=\"/home\"><img class=\"logo\" src=\"/static/logo.svg\" alt=\"\">"
                + "Acme &lt;Portal&gt;</a>"), body);
        String csp = settings.header("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("img-src 'self' data:"), csp);
        assertFalse(csp.contains("style-src 'self'"), "no style sheet, no 'self' for styles: " + csp);
        Response token = browser.get("/totpguard/token");
        assertTrue(token.body().contains("Acme &lt;Portal&gt;"), token::toString);
    }

    @Test
    void aStyleSheetAloneAllowsSelfForStylesOnly() throws Exception {
        start(TwoFactorPolicy.Enforcement.OPTIONAL, Map.of("totpguard.spring.brand.stylesheet", "/static/site.css"));
        enroll();
        Response settings = settingsWithFactor(browser());
        assertTrue(settings.body().contains("<link rel=\"stylesheet\" href=\"/static/site.css\">"), settings::toString);
        assertFalse(settings.body().contains("<header>"), "no name, no header");
        String csp = settings.header("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("style-src 'self' "), csp);
        assertFalse(csp.contains("img-src 'self'"), csp);
    }

    @Test
    void withoutBrandingThePagesHaveNoHeaderAndTheCspNoSelf() throws Exception {
        start();
        enroll();
        Response settings = settingsWithFactor(browser());
        assertFalse(settings.body().contains("<header>"), settings::toString);
        String csp = settings.header("Content-Security-Policy").orElseThrow();
        assertFalse(csp.replace("form-action 'self'", "").contains("'self'"), csp);
    }

    @Test
    void aBadBrandingValueStopsTheStartNamingTheKey() {
        Exception failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> start(
                TwoFactorPolicy.Enforcement.OPTIONAL, Map.of("totpguard.spring.brand.name", "Acme",
                        "totpguard.spring.brand.logo", "//evil.example/logo.svg")));
        Throwable cause = failure;
        StringBuilder messages = new StringBuilder();
        while (cause != null) {
            messages.append(cause.getMessage()).append('\n');
            cause = cause.getCause();
        }
        assertTrue(messages.toString().contains("totpguard.spring.brand.logo"), messages::toString);
    }
}
