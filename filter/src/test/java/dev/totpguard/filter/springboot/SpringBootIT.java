package dev.totpguard.filter.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.URI;
import java.nio.file.Files;
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
import org.springframework.context.ConfigurableApplicationContext;

/**
 * TOTP Guard in a Spring Boot 4 application (issue 11, section 3): the embedded Tomcat of an executable jar reads
 * no web fragment and no initializer from the application's jars, so without the filter jar's auto-configuration
 * {@code /admin/} opened with the password alone. Here the application is {@link AdminApplication}: Spring
 * Security form login, CSRF on, the filter jar on the class path and {@code totpguard.*} properties, driven over
 * real HTTP.
 */
@ExtendWith(WithoutBuildProperties.class)
class SpringBootIT {

    private static final String SPRING_CSRF = "name=\"_csrf\" (?:type=\"hidden\" )?value=\"([^\"]+)\"";

    @TempDir
    static Path directory;

    private ConfigurableApplicationContext application;

    @BeforeAll
    static void prepareTheJvm() {
        // Boot would route java.util.logging into its own logging system for every later test of this JVM
        // (LogCapture reads java.util.logging).
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
    }

    /** The settings a Boot application gives, as properties and as context parameters. */
    private static Map<String, Object> properties(String database) throws Exception {
        Path key = directory.resolve(database + ".key");
        if (!Files.exists(key)) {
            KeyRing.generateKeyFile(key);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        properties.putAll(readmeProperties());
        properties.put("totpguard.key.file", key.toString());
        // The database as a context parameter instead, the other source the README names.
        properties.remove("totpguard.jdbc.url");
        properties.put("server.servlet.context-parameters.totpguard.jdbc.url",
                "jdbc:h2:file:" + directory.resolve(database).toAbsolutePath());
        return properties;
    }

    /** The properties of filter/README.md's Spring Boot block, as written there. */
    private static Map<String, String> readmeProperties() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- spring boot properties -->");
        int end = readme.indexOf("<!-- end of spring boot properties -->");
        assertTrue(start >= 0 && end > start, "filter/README.md has lost its Spring Boot block");
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : readme.substring(start, end).split("\n")) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("`") && !line.startsWith("<") && equals > 0) {
                properties.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        assertEquals(Map.of("totpguard.key.file", "/etc/myapp/totpguard.key",
                "totpguard.jdbc.url", "jdbc:h2:file:/var/lib/myapp/totpguard", "totpguard.enforcement", "REQUIRED"),
                properties, "the README promises these three properties");
        return properties;
    }

    private ConfigurableApplicationContext start(Class<?> source, Map<String, Object> properties) {
        return new SpringApplicationBuilder(source).bannerMode(Banner.Mode.OFF).properties(properties).run();
    }

    private Browser browser() {
        return new Browser(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")));
    }

    /** Spring Security's form login: /login, username, password and Spring's own CSRF token; returns where it goes. */
    private static Response signIn(Browser browser, String path) {
        Response challenge = browser.get(path);
        assertTrue(challenge.isRedirect(), challenge::toString);
        Response form = browser.follow(challenge);
        assertEquals(200, form.status(), form::toString);
        Response signedIn = browser.post("/login", Map.of("username", AdminApplication.USER,
                "password", AdminApplication.PASSWORD, "_csrf", form.find(SPRING_CSRF)));
        assertTrue(signedIn.isRedirect(), signedIn::toString);
        return browser.follow(signedIn);
    }

    /** Both forms' tokens: TOTP Guard's own and Spring Security's, as a browser would post them. */
    private static Map<String, String> form(Response page, String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("totpguard_csrf", page.csrf());
        form.put("_csrf", page.find(SPRING_CSRF));
        form.put("code", code);
        return form;
    }

    @Test
    void thePasswordAloneNeverOpensTheAdminPagesAndAnEnrolledCodeDoes() throws Exception {
        application = start(AdminApplication.class, properties("enroll"));
        Browser browser = browser();

        Response afterPassword = signIn(browser, "/admin/");
        assertTrue(afterPassword.isRedirect(), afterPassword::toString);
        assertEquals("/totpguard/enroll", afterPassword.location().getPath());
        assertFalse(afterPassword.body().contains(AdminApplication.MARKER));
        Response again = browser.get("/admin/anything");
        assertFalse(again.body().contains(AdminApplication.MARKER), again::toString);
        assertEquals(302, again.status(), again::toString);

        Response enroll = browser.follow(afterPassword);
        assertEquals(200, enroll.status(), enroll::toString);
        String key = enroll.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").replace(" ", "");
        String code = Totp.builder().build().generate(Secret.fromBase32(key).bytes());

        // Spring Security's CsrfFilter sees the POST first: without Spring's token it is refused, with both it passes.
        Map<String, String> withoutSpringToken = new LinkedHashMap<>(form(enroll, code));
        withoutSpringToken.remove("_csrf");
        assertEquals(403, browser.post("/totpguard/confirm", withoutSpringToken).status());
        Response codes = browser.post("/totpguard/confirm", form(enroll, code));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("Save your recovery codes"), codes::toString);

        Response content = browser.get("/admin/");
        assertEquals(200, content.status(), content::toString);
        assertEquals(AdminApplication.MARKER + " /admin/ for " + AdminApplication.USER, content.body(),
                "getRemoteUser() is Spring Security's user behind its request wrapper");

        // The same code again, in a new session after the password: refused, and the admin pages stay shut.
        Browser replay = browser();
        Response toToken = signIn(replay, "/admin/");
        assertEquals("/totpguard/token", toToken.location().getPath(), toToken::toString);
        Response token = replay.follow(toToken);
        Response refused = replay.post("/totpguard/verify", form(token, code));
        assertEquals(200, refused.status(), refused::toString);
        assertTrue(refused.body().contains("Invalid code"), refused::toString);
        Response stillShut = replay.get("/admin/");
        assertFalse(stillShut.body().contains(AdminApplication.MARKER), stillShut::toString);
    }

    @Test
    void aMisspelledSettingStopsStartUpNamingTheKey() throws Exception {
        Map<String, Object> properties = properties("typo");
        properties.remove("totpguard.enforcement");
        properties.put("totpguard.enforcment", "REQUIRED");
        Throwable failure = assertThrows(Throwable.class, () -> application = start(AdminApplication.class, properties));
        assertTrue(causes(failure).contains("totpguard.enforcment"), () -> causes(failure));
    }

    @Test
    void aMisspelledContextParameterStopsStartUpToo() throws Exception {
        Map<String, Object> properties = properties("typo-parameter");
        properties.put("server.servlet.context-parameters.totpguard.filter.protectd", "/ops/*");
        Throwable failure = assertThrows(Throwable.class, () -> application = start(AdminApplication.class, properties));
        assertTrue(causes(failure).contains("totpguard.filter.protectd"), () -> causes(failure));
    }

    @Test
    void theWebFragmentsFilterStepsAsideForBootsRegistration() throws Exception {
        // As in a WAR deployed to a container: the fragment's filter is declared too, and reads only context
        // parameters, which here do not hold the key. Checking twice would fail its start; it steps aside instead.
        application = start(DeclaredFilterApplication.class, properties("declared"));
        Browser browser = browser();
        Response afterPassword = signIn(browser, "/admin/");
        assertEquals("/totpguard/enroll", afterPassword.location().getPath(), afterPassword::toString);
        Response enroll = browser.follow(afterPassword);
        String key = enroll.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").replace(" ", "");
        Response codes = browser.post("/totpguard/confirm",
                form(enroll, Totp.builder().build().generate(Secret.fromBase32(key).bytes())));
        assertEquals(200, codes.status(), codes::toString);
        assertEquals(200, browser.get("/admin/").status());
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }
}
