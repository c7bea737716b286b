package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.WarBuilder;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.FrontControllerFilter;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Installations that used to run with the password alone (issue 11, section 3), each a WAR with the jars in
 * WEB-INF/lib on Jetty 12 and Tomcat 11 over real HTTP: either the application asks for the second factor, or it
 * does not start. Never is protected content served on the password alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstallationIT {

    private static final List<Class<?>> LIBRARIES = List.of(TotpFilter.class, TwoFactorService.class, Base32.class,
            BarcodeFormat.class, HikariDataSource.class, LoggerFactory.class, org.h2.Driver.class);

    private static final String FRONT_CONTROLLER = "  <filter>\n    <filter-name>frontController</filter-name>\n"
            + "    <filter-class>" + FrontControllerFilter.class.getName() + "</filter-class>\n  </filter>\n"
            + "  <filter-mapping>\n    <filter-name>frontController</filter-name>\n"
            + "    <url-pattern>/*</url-pattern>\n  </filter-mapping>\n";

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final List<Path> temporary = new ArrayList<>();
    private Path keyFile;

    @BeforeAll
    void keys() throws Exception {
        Path directory = Files.createTempDirectory("totpguard-install");
        temporary.add(directory);
        keyFile = directory.resolve("totpguard.key");
        KeyRing.generateKeyFile(keyFile);
    }

    @AfterAll
    void cleanUp() throws IOException {
        for (Path path : temporary) {
            WarBuilder.delete(path);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMetadataCompleteWebXmlStillGetsTheFilter(String kind) throws Exception {
        // The test application's web.xml is metadata-complete="true": the container ignores the web fragment.
        assertProtected(kind, webXml(true, settings(), ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aFrontControllerInWebXmlDoesNotAnswerProtectedPathsBeforeTheSecondFactor(String kind) throws Exception {
        assertProtected(kind, webXml(false, settings(), FRONT_CONTROLLER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aFrontControllerInAMetadataCompleteWebXmlRunsAfterTheSecondFactor(String kind) throws Exception {
        assertProtected(kind, webXml(true, settings(), FRONT_CONTROLLER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anAbsoluteOrderingThatNamesTheJarPutsItBeforeAFrontController(String kind) throws Exception {
        // An <absolute-ordering> without "totpguard" (or <others/>) switches off both the fragment and the
        // initializer: nothing in the jar runs then (filter/README.md, SECURITY.md).
        String ordering = "  <absolute-ordering>\n    <name>totpguard</name>\n  </absolute-ordering>\n";
        assertProtected(kind, webXml(false, settings(), ordering + FRONT_CONTROLLER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMisspelledSettingStopsTheApplicationNamingTheNearestKey(String kind) throws Exception {
        Map<String, String> settings = settings();
        settings.remove("totpguard.enforcement");
        settings.put("totpguard.enforcment", "REQUIRED");
        String failure = assertNotStarted(kind, webXml(false, settings, ""));
        assertTrue(failure.contains("totpguard.enforcment: did you mean totpguard.enforcement?"), failure);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMisspelledSettingStopsAMetadataCompleteApplicationToo(String kind) throws Exception {
        Map<String, String> settings = settings();
        settings.put("totpguard.filter.protcted", "/admin/*,/ops/*");
        String failure = assertNotStarted(kind, webXml(true, settings, ""));
        assertTrue(failure.contains("did you mean totpguard.filter.protected?"), failure);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void anExtensionExemptionUnderAProtectedDirectoryStopsTheApplication(String kind) throws Exception {
        Map<String, String> settings = settings();
        settings.put("totpguard.filter.exempt", "*.css");
        String failure = assertNotStarted(kind, webXml(false, settings, ""));
        assertTrue(failure.contains("totpguard.filter.exempt = '*.css' is invalid: expected no extension pattern such as *.css"), failure);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aLoginFilterThatIsNotDeclaredStopsTheApplication(String kind) throws Exception {
        Map<String, String> settings = settings();
        settings.put("totpguard.filter.after", "springSecurityFilterChain");
        String failure = assertNotStarted(kind, webXml(false, settings, ""));
        assertTrue(failure.contains("names the filter 'springSecurityFilterChain', which is not declared"), failure);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aFilterThatWouldRunBetweenTheLoginFilterAndTheSecondFactorStopsTheApplication(String kind) throws Exception {
        Map<String, String> settings = settings();
        settings.put("totpguard.filter.after", "login");
        String login = "  <filter>\n    <filter-name>login</filter-name>\n    <filter-class>"
                + dev.totpguard.filter.testapp.AppLoginFilter.class.getName() + "</filter-class>\n  </filter>\n"
                + "  <filter-mapping>\n    <filter-name>login</filter-name>\n"
                + "    <url-pattern>/*</url-pattern>\n  </filter-mapping>\n";
        String failure = assertNotStarted(kind, webXml(false, settings, login + FRONT_CONTROLLER));
        assertTrue(failure.contains("the filters [frontController] are mapped onto protected paths"), failure);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aFilterAFrameworkRegisteredBeforeTheInitializerRanGuardsAloneInsteadOfStoppingTheApplication(String kind)
            throws Exception {
        // A Spring Boot WAR on Tomcat: spring-web's initializer runs before TOTP Guard's, and the auto-configuration
        // has registered its filter and marked the context (TotpGuardAutoConfiguration.BootRegistration) by the time
        // TotpGuardInitializer counts the filters; the fragment declares one too. That was refused as "declared 2
        // times", so no Boot WAR deployed. Here an initializer that runs first does what BootRegistration does.
        ServletContainerInitializer framework = (classes, context) -> {
            try {
                // The application's own TotpFilter class (WEB-INF/lib), as Boot's would be.
                Object filter = context.getClassLoader().loadClass(TotpFilter.class.getName())
                        .getConstructor().newInstance();
                FilterRegistration.Dynamic registration = context.addFilter("TotpGuardSpringBoot", (Filter) filter);
                registration.addMappingForUrlPatterns(TotpFilter.dispatcherTypes(), false, "/*");
                context.setAttribute(TotpFilter.INSTALLED_ATTRIBUTE, filter);
            } catch (ReflectiveOperationException e) {
                throw new ServletException(e);
            }
        };
        try (WebContainer container = WebContainer.start(kind,
                new WebContainer.Deployment(war(webXml(false, settings(), ""))).initializer(framework))) {
            Browser browser = new Browser(container.base());
            Response page = browser.follow(Login.formLogin(browser, "/admin/x", "user01", "password-01"));
            assertFalse(page.body().contains(AdminServlet.MARKER), () -> "served with the password alone: " + page);
            assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", page.location().getPath(), page::toString);
        }
    }

    /** The drop-in settings of filter/README.md, with a real key file and a database of the test's own. */
    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("totpguard.key.file", keyFile.toString());
        settings.put("totpguard.enforcement", "REQUIRED");
        settings.put("totpguard.jdbc.url", "jdbc:h2:mem:install-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return settings;
    }

    /** The test application's web.xml, with or without metadata-complete, with the settings and extra elements. */
    private static String webXml(boolean metadataComplete, Map<String, String> settings, String extra) throws IOException {
        String original = Files.readString(WebContainer.TEST_WEBAPP.resolve("WEB-INF/web.xml"));
        assertTrue(original.contains(" metadata-complete=\"true\""), "the test application is metadata-complete");
        String xml = metadataComplete ? original : original.replace(" metadata-complete=\"true\"", "");
        StringBuilder params = new StringBuilder();
        settings.forEach((name, value) -> params.append("  <context-param>\n    <param-name>").append(name)
                .append("</param-name>\n    <param-value>").append(value).append("</param-value>\n  </context-param>\n"));
        int body = xml.indexOf("  <servlet>");
        return xml.substring(0, body) + params + extra + xml.substring(body);
    }

    private Path war(String webXml) throws IOException {
        Path war = WarBuilder.build(webXml, LIBRARIES);
        temporary.add(war);
        return war;
    }

    /**
     * Signs in with the password and asks for a protected page: the answer must be the way to the second factor
     * (the enrollment page, as the user has none and enforcement is REQUIRED), or the application is not there.
     */
    private void assertProtected(String kind, String webXml) throws Exception {
        try (WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(war(webXml)))) {
            Browser browser = new Browser(container.base());
            Response afterLogin = Login.formLogin(browser, "/admin/x", "user01", "password-01");
            Response page = browser.follow(afterLogin);
            assertFalse(page.body().contains(AdminServlet.MARKER), () -> "served with the password alone: " + page);
            assertTrue(page.isRedirect(), page::toString);
            assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", page.location().getPath(), page::toString);
            Response enroll = browser.follow(page);
            assertEquals(200, enroll.status(), enroll::toString);
            for (String path : List.of("/admin/y", "/admin/site.css", "/public/forward?to=/admin/y")) {
                Response other = browser.get(path);
                assertFalse(other.body().contains(AdminServlet.MARKER), () -> path + " served: " + other);
            }
        }
    }

    /** Starts the WAR, expects the start to fail, and returns every message of the failure. */
    private String assertNotStarted(String kind, String webXml) throws IOException {
        Path war = war(webXml);
        Exception failure = assertThrows(Exception.class, () -> {
            WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(war));
            container.close();
        });
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
