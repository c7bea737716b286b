package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter's pages over real HTTP (embedded Jetty) speak the shipped language the browser prefers, German or
 * English, and nothing else whatever tags a client sends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageLanguageIT {

    private static final Path WEBAPP = Path.of("src", "test", "webapp-basic").toAbsolutePath();
    private static final Pattern HTML_LANG = Pattern.compile("<html lang=\"([^\"]*)\">");

    @RegisterExtension
    static final GuardedApplication application = GuardedApplication.on("jetty",
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED), GuardedApplication.withFilter(WEBAPP));

    @Test
    void aGermanBrowserGetsTheTokenPageInGerman() throws Exception {
        Response page = tokenPage("user03", "de-DE,de;q=0.9");
        assertEquals("de", lang(page), page::toString);
        assertTrue(page.body().contains("<title>Token-Code eingeben - Zwei-Faktor-Authentifizierung</title>"), page::toString);
        assertTrue(page.body().contains("Öffnen Sie Ihre Authenticator-App"), page::toString);
        assertTrue(page.body().contains("<label for=\"code\">Token-Code</label>"), page::toString);
        assertTrue(page.body().contains("Er ändert sich alle 30 Sekunden."), page::toString);
        assertTrue(page.header("Content-Type").orElse("").toLowerCase().contains("charset=utf-8"), page::toString);
        assertFalse(page.body().contains("Enter your Token Code"), page::toString);
    }

    @Test
    void aLanguageThatDoesNotShipGetsEnglish() throws Exception {
        Response page = tokenPage("user04", "fr");
        assertEquals("en", lang(page), page::toString);
        assertTrue(page.body().contains("<title>Enter your Token Code - Two-factor authentication</title>"), page::toString);
        assertTrue(page.body().contains("<label for=\"code\">Token Code</label>"), page::toString);
    }

    @Test
    void tenThousandDistinctTagsGetOnlyTheShippedLanguages() throws Exception {
        Browser browser = application.browser("jetty");
        Map<String, String> headers = signIn(browser, "user05", "en");
        Random random = new Random(15);
        Set<String> languages = new TreeSet<>();
        Set<String> tags = new java.util.HashSet<>();
        while (tags.size() < 10_000) {
            // Random, well-formed tags (language, region, private use) that no shipped bundle has, some preferring de.
            String tag = letters(random, 2 + random.nextInt(2)) + "-" + letters(random, 2).toUpperCase()
                    + "-x-" + Integer.toString(random.nextInt(Integer.MAX_VALUE), 36);
            if (tags.add(tag)) {
                String header = tags.size() % 3 == 0 ? tag + ", de;q=0.1" : tag;
                headers.put("Accept-Language", header);
                Response page = browser.send("GET", browser.uri("/totpguard/token"), null, headers);
                assertEquals(200, page.status(), page::toString);
                String expected = tag.startsWith("en-") ? "en"
                        : tag.startsWith("de-") || header.endsWith("de;q=0.1") ? "de" : "en";
                assertEquals(expected, lang(page), header);
                languages.add(lang(page));
            }
        }
        assertEquals(Set.of("de", "en"), languages);
    }

    private static String letters(Random random, int count) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        return letters.toString();
    }

    /** The token page after a BASIC login of an enrolled {@code user}, asked for in {@code acceptLanguage}. */
    private Response tokenPage(String user, String acceptLanguage) throws Exception {
        Browser browser = application.browser("jetty");
        Map<String, String> headers = signIn(browser, user, acceptLanguage);
        Response page = browser.send("GET", browser.uri("/totpguard/token"), null, headers);
        assertEquals(200, page.status(), page::toString);
        return page;
    }

    /** Signs an enrolled {@code user} in with BASIC (the password only): the headers each next request sends. */
    private Map<String, String> signIn(Browser browser, String user, String acceptLanguage) throws Exception {
        application.fixture().enroll(user);
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":password-" + user.substring(4)).getBytes(StandardCharsets.UTF_8)));
        headers.put("Accept-Language", acceptLanguage);
        Response back = browser.send("GET", browser.uri("/admin/x"), null, headers);
        Response toToken = browser.send("GET", back.location(), null, headers);
        assertEquals(WebContainer.CONTEXT_PATH + "/totpguard/token", toToken.location().getPath(), toToken::toString);
        return headers;
    }

    private static String lang(Response page) {
        Matcher matcher = HTML_LANG.matcher(page.body());
        assertTrue(matcher.find(), page::toString);
        return matcher.group(1);
    }
}
