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
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The README's drop-in, done literally: the test application (which never heard of TOTP Guard) gets the
 * jars in WEB-INF/lib and the context parameters copied from the drop-in block of filter/README.md, and
 * nothing else; the web fragment in the jar installs the filter. Jetty and Tomcat each get their own H2
 * file (the only parameter the test adds, so two containers in one JVM do not share a database file), and
 * run on the real clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DropInIT {

    private static final Pattern CONTEXT_PARAM = Pattern.compile(
            "<context-param>\\s*<param-name>([^<]+)</param-name>\\s*<param-value>([^<]*)</param-value>\\s*</context-param>");

    /** What goes into WEB-INF/lib, named by one class of each jar: the filter, core and core's dependencies. */
    private static final List<Class<?>> LIBRARIES = List.of(TotpFilter.class, TwoFactorService.class, Base32.class,
            BarcodeFormat.class, HikariDataSource.class, LoggerFactory.class, org.h2.Driver.class);

    private final List<Path> temporary = new ArrayList<>();
    private final Map<String, WebContainer> containers = new LinkedHashMap<>();
    private Path keyFile;

    @BeforeAll
    void start() throws Exception {
        Path directory = Files.createTempDirectory("totpguard-dropin");
        temporary.add(directory);
        keyFile = directory.resolve("totpguard.key");
        KeyRing.generateKeyFile(keyFile);
        for (String kind : new String[] {"jetty", "tomcat"}) {
            Map<String, String> parameters = readmeContextParameters();
            parameters.put("totpguard.jdbc.url", "jdbc:h2:file:" + directory.resolve(kind + "-store"));
            Path war = WarBuilder.build(webXml(parameters, ""), LIBRARIES);
            temporary.add(war);
            containers.put(kind, WebContainer.start(kind, new WebContainer.Deployment(war)));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (WebContainer container : containers.values()) {
            container.close();
        }
        for (Path path : temporary) {
            WarBuilder.delete(path);
        }
    }

    /** The context parameters of filter/README.md's drop-in block, with the key file path made real. */
    private Map<String, String> readmeContextParameters() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- drop-in web.xml -->");
        int end = readme.indexOf("<!-- end of drop-in web.xml -->");
        assertTrue(start >= 0 && end > start, "filter/README.md has lost its drop-in block");
        Matcher matcher = CONTEXT_PARAM.matcher(readme.substring(start, end));
        Map<String, String> parameters = new LinkedHashMap<>();
        while (matcher.find()) {
            parameters.put(matcher.group(1).strip(), matcher.group(2).strip());
        }
        assertEquals(List.of("totpguard.key.file", "totpguard.enforcement"), List.copyOf(parameters.keySet()),
                "the README promises two context parameters");
        parameters.put("totpguard.key.file", keyFile.toString());
        return parameters;
    }

    /** The test application's web.xml without metadata-complete (so fragments count) and with the parameters. */
    private static String webXml(Map<String, String> parameters, String extra) throws IOException {
        String original = Files.readString(WebContainer.TEST_WEBAPP.resolve("WEB-INF/web.xml"));
        StringBuilder params = new StringBuilder();
        parameters.forEach((name, value) -> params.append("  <context-param>\n    <param-name>").append(name)
                .append("</param-name>\n    <param-value>").append(value).append("</param-value>\n  </context-param>\n"));
        String xml = original.replace(" metadata-complete=\"true\"", "");
        int body = xml.indexOf("  <servlet>");
        return xml.substring(0, body) + params + extra + xml.substring(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aWarThatNeverHeardOfTotpGuardNowAsksForACode(String kind) throws Exception {
        Browser browser = new Browser(containers.get(kind).base());
        Response toEnroll = browser.follow(Login.formLogin(browser, "/admin/x", "user01", "password-01"));
        assertTrue(toEnroll.isRedirect(), toEnroll::toString);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", toEnroll.location().getPath());
        Response page = browser.follow(toEnroll);
        assertEquals(200, page.status(), page::toString);
        assertEquals("no-store", page.header("Cache-Control").orElse(null));
        String key = page.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>").replace(" ", "");
        String code = Totp.builder().build().generate(Secret.fromBase32(key).bytes());
        Response codes = browser.post("/totpguard/confirm", Map.of("totpguard_csrf", page.csrf(), "code", code));
        assertEquals(200, codes.status(), codes::toString);
        assertTrue(codes.body().contains("Save your recovery codes"), codes::toString);
        Response content = browser.get("/admin/x");
        assertEquals(200, content.status(), content::toString);
        assertTrue(content.body().contains(AdminServlet.MARKER + " GET /admin/x for user01"), content::toString);

        // Everyone else still has to enroll, on every protected path and dispatch.
        Browser other = new Browser(containers.get(kind).base());
        Response second = other.follow(Login.formLogin(other, "/admin/y", "user02", "password-02"));
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/enroll", second.location().getPath(), second::toString);
        assertFalse(other.get("/public/forward?to=/admin/y").body().contains(AdminServlet.MARKER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMalformedSettingStopsTheApplicationNamingTheKey(String kind) throws Exception {
        Map<String, String> parameters = readmeContextParameters();
        parameters.put("totpguard.jdbc.url", "jdbc:h2:mem:dropin-bad");
        parameters.put("totpguard.filter.half-auth.timeout", "five minutes");
        Path war = WarBuilder.build(webXml(parameters, ""), LIBRARIES);
        temporary.add(war);
        Exception failure = assertThrows(Exception.class, () -> WebContainer.start(kind, new WebContainer.Deployment(war)));
        assertTrue(messages(failure).contains("totpguard.filter.half-auth.timeout = 'five minutes' is invalid: expected a positive"
                + " ISO-8601 duration"),
                () -> messages(failure));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMappingNarrowerThanEverythingIsRefusedAtStart(String kind) throws Exception {
        Map<String, String> parameters = readmeContextParameters();
        parameters.put("totpguard.jdbc.url", "jdbc:h2:mem:dropin-mapping");
        String narrow = "  <filter-mapping>\n    <filter-name>TotpGuard</filter-name>\n"
                + "    <url-pattern>/admin/*</url-pattern>\n  </filter-mapping>\n";
        Path war = WarBuilder.build(webXml(parameters, narrow), LIBRARIES);
        temporary.add(war);
        Exception failure = assertThrows(Exception.class, () -> WebContainer.start(kind, new WebContainer.Deployment(war)));
        assertTrue(messages(failure).contains("map it to /*"), () -> messages(failure));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
