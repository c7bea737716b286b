package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.spring.app.GlobalFactorApplication;
import dev.totpguard.spring.app.ProtectedContent;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application of spring-security/README.md ({@link GlobalFactorApplication}:
 * {@code @EnableMultiFactorAuthentication} with the password and TOTP for every request) started with the README's properties through the
 * auto-configuration, the filter jar on the class path too, over real HTTP.
 */
@ExtendWith(WithoutBuildProperties.class)
class GlobalFactorIT {

    @TempDir
    Path directory;

    private ConfigurableApplicationContext application;

    @BeforeAll
    static void prepareTheJvm() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
    }

    /** The README's properties, with this test's key file and database in place of the README's paths. */
    private Map<String, Object> properties() throws Exception {
        Map<String, Object> properties = readmeProperties("spring boot properties");
        assertEquals(Map.of("totpguard.key.file", "/etc/myapp/totpguard.key",
                "totpguard.jdbc.url", "jdbc:h2:file:/var/lib/myapp/totpguard", "totpguard.enforcement", "REQUIRED"),
                properties, "the README promises these three properties");
        dev.totpguard.crypto.KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
        properties.put("totpguard.key.file", directory.resolve("totpguard.key").toString());
        properties.put("totpguard.jdbc.url", "jdbc:h2:file:" + directory.resolve("totpguard").toAbsolutePath());
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        return properties;
    }

    /** The properties of the README's block {@code name}. */
    private static Map<String, Object> readmeProperties(String name) throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String line : SpringSecurityReadmeTest.block(name).split("\n")) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("`") && !line.startsWith("<") && equals > 0) {
                properties.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        return properties;
    }

    private ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(GlobalFactorApplication.class).bannerMode(Banner.Mode.OFF)
                .properties(properties).run();
    }

    private Browser browser() {
        return new Browser(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void everyRequestNeedsTheFactorAndAnAccountWithoutOneEnrollsOnTheWay() throws Exception {
        application = start(properties());
        Browser browser = browser();
        Response afterPassword = TotpFactorIT.signIn(browser, "/admin/report");
        assertTrue(afterPassword.isRedirect(), afterPassword::toString);
        assertEquals("/totpguard/enroll", afterPassword.location().getPath(), "REQUIRED, no authenticator yet");
        assertFalse(browser.get("/admin/report").body().contains(ProtectedContent.ADMIN_MARKER));

        Response enroll = browser.follow(afterPassword);
        assertEquals(200, enroll.status(), enroll::toString);
        byte[] secret = Secret.fromBase32(enroll.find("<dd class=\"key\" id=\"key\">([^<]+)</dd>").replace(" ", ""))
                .bytes();
        Totp totp = Totp.builder().build();
        Response codes = TotpFactorIT.submit(browser, enroll, "/totpguard/confirm", totp.generate(secret));
        assertEquals(200, codes.status(), codes::toString);
        String continueUrl = codes.find("<a href=\"([^\"]+)\">");
        assertTrue(continueUrl.startsWith("/admin/report"), codes::toString);
        Response report = browser.get(continueUrl);
        assertTrue(report.body().contains(ProtectedContent.ADMIN_MARKER), report::toString);
        assertTrue(application.getBean(TwoFactorService.class).status(ProtectedContent.USER).isActive());
    }

    /**
     * The README's trusted-browser and grace properties, through the auto-configuration: the service trusts browsers
     * for 30 days, and a user without an authenticator passes the factor's requirement during the grace (REQUIRED).
     */
    @Test
    void theReadmesTrustAndGracePropertiesApply() throws Exception {
        Map<String, Object> trustAndGrace = readmeProperties("spring trust and grace properties");
        assertEquals(Map.of("totpguard.trusted-browser.days", "30", "totpguard.enforcement.grace.days", "14",
                "totpguard.enforcement.grace.sign-ins", "10"), trustAndGrace, "the README promises these properties");
        Map<String, Object> properties = properties();
        properties.putAll(trustAndGrace);
        application = start(properties);
        TwoFactorService service = application.getBean(TwoFactorService.class);
        assertEquals(30, service.policy().trustedBrowserDays());
        assertEquals(14, service.policy().graceDays());
        assertEquals(10, service.policy().graceSignIns());

        Browser browser = browser();
        Response afterPassword = TotpFactorIT.signIn(browser, "/admin/report");
        assertTrue(afterPassword.isRedirect(), afterPassword::toString);
        assertEquals("/admin/report", afterPassword.location().getPath(), "in the grace: the same request again");
        Response report = browser.follow(afterPassword);
        assertTrue(report.body().contains(ProtectedContent.ADMIN_MARKER), report::toString);
        assertFalse(service.status(ProtectedContent.USER).isActive());
    }

    @Test
    void theFiltersOwnAutoConfigurationStepsAside() throws Exception {
        application = start(properties());
        assertTrue(application.getBeansOfType(FilterRegistrationBean.class).values().stream()
                .noneMatch(registration -> registration.getFilter() instanceof dev.totpguard.filter.TotpFilter),
                "the servlet filter is not installed beside the Spring Security factor");
        assertEquals(1, application.getBeansOfType(TwoFactorService.class).size());
    }

    @Test
    void anUnknownTotpGuardPropertyStopsTheStart() throws Exception {
        Map<String, Object> properties = properties();
        properties.put("totpguard.enforcment", "REQUIRED");
        assertRefusedNamingTheTypo(assertThrows(Exception.class, () -> application = start(properties)));
    }

    @Test
    void anUnknownTotpGuardPropertyStopsTheStartOfAnApplicationWithItsOwnService() throws Exception {
        Map<String, Object> properties = properties();
        properties.put("totpguard.enforcment", "REQUIRED");
        try (TwoFactorService own = SettingsFactory.service(Settings.of(Map.of(
                "totpguard.key.file", properties.get("totpguard.key.file"),
                "totpguard.jdbc.url", properties.get("totpguard.jdbc.url") + "-own"), "the test"))) {
            assertRefusedNamingTheTypo(assertThrows(Exception.class, () -> application = new SpringApplicationBuilder(
                    GlobalFactorApplication.class).bannerMode(Banner.Mode.OFF).properties(properties)
                    .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", own))
                    .run()));
        }
    }

    /**
     * Found by installing the example's WAR in Tomcat 11: {@code TOTPGUARD_ENFORCEMENT=REQUIRED} started an application
     * with its own service without a word, and its policy (2FA optional) stayed in force.
     */
    @Test
    void aServiceSettingBesideTheApplicationsOwnServiceStopsTheStart() throws Exception {
        Map<String, Object> properties = properties();
        try (TwoFactorService own = SettingsFactory.service(Settings.of(Map.of(
                "totpguard.key.file", properties.get("totpguard.key.file"),
                "totpguard.jdbc.url", properties.get("totpguard.jdbc.url") + "-own"), "the test"))) {
            Exception refused = assertThrows(Exception.class, () -> application = new SpringApplicationBuilder(
                    GlobalFactorApplication.class).bannerMode(Banner.Mode.OFF)
                    .properties(Map.of("totpguard.enforcement", "REQUIRED", "totpguard.spring.brand.name", "Acme"))
                    .initializers(context -> context.getBeanFactory().registerSingleton("twoFactorService", own))
                    .run());
            Throwable cause = refused;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            assertTrue(cause.getMessage().contains("totpguard.enforcement") && cause.getMessage().contains("own TwoFactorService"),
                    cause::toString);
        }
    }

    private static void assertRefusedNamingTheTypo(Exception refused) {
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("totpguard.enforcment"), cause::toString);
        assertTrue(cause.getMessage().contains("totpguard.enforcement"), "names the nearest key: " + cause);
    }
}
