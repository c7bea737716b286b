package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The branding keys ({@code totpguard.filter.brand.*}) as context parameters, over real HTTP: the pages carry the
 * application's name (escaped), logo and style sheet under the context path, and the CSP allows {@code 'self'} for
 * exactly the images or styles the branding needs; a logo or style sheet that is not a path in the application stops
 * the start naming the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrandingIT {

    private static final String TOKEN = "/totpguard/token";
    private static final String CSP_HASH_AND_REST = "'sha256-";

    @RegisterExtension
    static final GuardedApplication branded = GuardedApplication.onJettyAndTomcat(
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
            fixture -> deployment(fixture, Map.of(
                    TotpGuardSettings.FILTER_BRAND_NAME, "Acme <Admin> & \"Co\"",
                    TotpGuardSettings.FILTER_BRAND_LOGO, "/static/logo.svg",
                    TotpGuardSettings.FILTER_BRAND_STYLESHEET, "/static/site.css?v=2",
                    TotpGuardSettings.FILTER_BRAND_HOME, "/")));

    @RegisterExtension
    static final GuardedApplication nameOnly = GuardedApplication.on("jetty",
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
            fixture -> deployment(fixture, Map.of(TotpGuardSettings.FILTER_BRAND_NAME, "Acme")));

    /** The context parameters of filter/README.md's branding block, as a drop-in user copies them. */
    @RegisterExtension
    static final GuardedApplication readme = GuardedApplication.on("jetty",
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
            fixture -> deployment(fixture, readmeBrandingParameters()));

    @RegisterExtension
    static final GuardedApplication plain = GuardedApplication.on("jetty",
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
            fixture -> deployment(fixture, Map.of()));

    /**
     * The test application with the filter built from its {@code totpguard.*} context parameters, as an embedding
     * application passes them on ({@link TotpFilter.Builder#settings}).
     */
    private static WebContainer.Deployment deployment(TwoFactorFixture fixture, Map<String, String> parameters) {
        ServletContainerInitializer install = (classes, context) -> TotpFilter.register(context,
                TotpFilter.builder().service(fixture.service()).settings(totpGuardParameters(context), "context parameter")
                        .build());
        return new WebContainer.Deployment(WebContainer.TEST_WEBAPP).contextParameters(parameters).initializer(install);
    }

    private static Map<String, String> readmeBrandingParameters() throws IOException {
        String text = Files.readString(Path.of("README.md"));
        int start = text.indexOf("<!-- branding web.xml -->");
        int end = text.indexOf("<!-- end of branding web.xml -->");
        assertTrue(start >= 0 && end > start, "filter/README.md has lost its branding block");
        Matcher matcher = Pattern.compile("<context-param>\\s*<param-name>([^<]+)</param-name>\\s*<param-value>([^<]*)"
                + "</param-value>\\s*</context-param>").matcher(text.substring(start, end));
        Map<String, String> parameters = new LinkedHashMap<>();
        while (matcher.find()) {
            parameters.put(matcher.group(1).strip(), matcher.group(2).strip());
        }
        assertEquals(List.of(TotpGuardSettings.FILTER_BRAND_NAME, TotpGuardSettings.FILTER_BRAND_LOGO,
                TotpGuardSettings.FILTER_BRAND_STYLESHEET, TotpGuardSettings.FILTER_BRAND_HOME),
                List.copyOf(parameters.keySet()), "the README shows the four keys");
        return parameters;
    }

    private static Map<String, String> totpGuardParameters(ServletContext context) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith("totpguard.")) {
                parameters.put(name, context.getInitParameter(name));
            }
        }
        return parameters;
    }

    private static Response tokenPage(GuardedApplication application, String kind) throws Exception {
        String user = application.newUser("user");
        application.fixture().enroll(user);
        Browser browser = application.browser(kind);
        Login.passwordOnly(browser, "/admin/start", user, TOKEN);
        Response page = browser.get(TOKEN);
        assertEquals(200, page.status(), page::toString);
        return page;
    }

    private static String csp(Response page) {
        return page.header("Content-Security-Policy").orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void theTokenPageCarriesTheEscapedNameTheLogoAndTheStyleSheetUnderTheContextPath(String kind) throws Exception {
        String body = tokenPage(branded, kind).body();
        String name = "Acme &lt;Admin&gt; &amp; &quot;Co&quot;";
        assertTrue(body.contains("<header><a class=\"brand\" href=\"/app/\"><img class=\"logo\""
                + " src=\"/app/static/logo.svg\" alt=\"\">" + name + "</a></header>"), body);
        assertTrue(body.contains("<title>Enter your Token Code - " + name + "</title>"), body);
        assertTrue(body.contains("<link rel=\"stylesheet\" href=\"/app/static/site.css?v=2\">"), body);
        assertFalse(body.contains("<Admin>"), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void theCspAllowsSelfForImagesAndStylesWhenALogoAndAStyleSheetAreSet(String kind) throws Exception {
        String policy = csp(tokenPage(branded, kind));
        assertTrue(policy.startsWith("default-src 'none'; img-src 'self' data:; style-src 'self' " + CSP_HASH_AND_REST),
                policy);
        assertEquals(1, policy.split("'self'", -1).length - 3, () -> "'self' only in img-src, style-src and"
                + " form-action: " + policy);
    }

    @Test
    void theReadmesBrandingBlockWorksAsWrittenAndItsMarkupIsWhatThePageShows() throws Exception {
        Response page = tokenPage(readme, "jetty");
        assertTrue(page.body().contains("<header><a class=\"brand\" href=\"/app/\"><img class=\"logo\""
                + " src=\"/app/static/logo.svg\" alt=\"\">Acme Admin</a></header>"), page::toString);
        assertTrue(page.body().contains("<link rel=\"stylesheet\" href=\"/app/static/site.css\">"), page::toString);
        String readmeText = Files.readString(Path.of("README.md"));
        assertTrue(readmeText.contains("`<header><a class=\"brand\" href=\"/ctx/\"><img class=\"logo\" src=\"/ctx/static/logo.svg\"\nalt=\"\">Acme Admin</a></header>`"),
                "filter/README.md shows the header the pages carry");
        assertTrue(csp(page).startsWith("default-src 'none'; img-src 'self' data:; style-src 'self' 'sha256-"), csp(page));
    }

    @Test
    void aNameAloneChangesNeitherTheCspNorTheStyleSheets() throws Exception {
        Response page = tokenPage(nameOnly, "jetty");
        assertTrue(page.body().contains("<header><span class=\"brand\">Acme</span></header>"), page::toString);
        assertFalse(page.body().contains("<link"), page::toString);
        assertEquals(csp(tokenPage(plain, "jetty")).replaceAll("'nonce-[^']*'", "'nonce'"),
                csp(page).replaceAll("'nonce-[^']*'", "'nonce'"));
    }

    @Test
    void withoutBrandingThePagesHaveNoHeaderAndTheCspNoSelfSource() throws Exception {
        Response page = tokenPage(plain, "jetty");
        assertFalse(page.body().contains("<header"), page::toString);
        assertTrue(page.body().contains("<title>Enter your Token Code - Two-factor authentication</title>"), page::toString);
        String policy = csp(page);
        assertTrue(policy.startsWith("default-src 'none'; img-src data:; style-src " + CSP_HASH_AND_REST), policy);
        assertFalse(policy.replace("form-action 'self'", "").contains("'self'"), policy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"totpguard.filter.brand.logo=https://evil.example/logo.svg",
            "totpguard.filter.brand.logo=//evil.example/logo.svg", "totpguard.filter.brand.logo=javascript:alert(1)",
            "totpguard.filter.brand.logo=static/logo.svg", "totpguard.filter.brand.logo=/\\evil.example/logo.svg",
            "totpguard.filter.brand.stylesheet=https://evil.example/x.css",
            "totpguard.filter.brand.stylesheet=//evil.example/x.css",
            "totpguard.filter.brand.stylesheet=javascript:alert(1)", "totpguard.filter.brand.stylesheet=x.css",
            "totpguard.filter.brand.home=//evil.example/"})
    void aBrandPathThatIsNotInTheApplicationStopsTheStartNamingTheKey(String setting) {
        String key = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(key.length() + 1);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(TotpGuardSettings.FILTER_BRAND_NAME, "Acme");
        parameters.put(key, value);
        GuardedApplication application = GuardedApplication.on("jetty",
                () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED), fixture -> deployment(fixture, parameters));
        Exception failure = assertThrows(Exception.class, application::start);
        String messages = messages(failure);
        assertTrue(messages.contains("Context parameter " + key + " = '" + value + "' is invalid: expected a path in the"
                + " application such as /static/logo.svg"), messages);
    }

    @Test
    void aLogoWithoutANameStopsTheStart() {
        GuardedApplication application = GuardedApplication.on("jetty",
                () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
                fixture -> deployment(fixture, Map.of(TotpGuardSettings.FILTER_BRAND_LOGO, "/static/logo.svg")));
        Exception failure = assertThrows(Exception.class, application::start);
        assertTrue(messages(failure).contains("totpguard.filter.brand.name is missing: expected a product name"),
                () -> messages(failure));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
