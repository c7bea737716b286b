package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterSettingsTest {

    @Test
    void everyKeyHasADefault() {
        FilterSettings settings = fromMap(Map.of());
        assertTrue(settings.protectedPaths().matches("/admin/x", null));
        assertTrue(settings.exemptPaths().isEmpty());
        assertTrue(settings.stepUpPaths().isEmpty());
        assertEquals(Duration.ofMinutes(5), settings.stepUpMaxAge());
        assertEquals("/totpguard", settings.pagesPath());
        assertEquals("/admin/", settings.defaultTarget());
        assertEquals("/admin/", settings.loginPath());
        assertEquals("/admin/", settings.logoutTarget());
        assertEquals(Duration.ofMinutes(5), settings.halfAuthTimeout());
        assertEquals(Duration.ofHours(12), settings.maxAge());
        assertEquals("dev.totpguard.internal.web.messages", settings.messagesBundle());
        assertNull(settings.userResolverClass());
        for (PageKind kind : PageKind.values()) {
            assertNull(settings.pageOverride(kind));
        }
    }

    @Test
    void valuesAreRead() {
        FilterSettings settings = fromMap(Map.of(
                FilterSettings.PROTECTED, "/secure/*",
                FilterSettings.STEP_UP_PATHS, "/secure/keys/*",
                FilterSettings.MAX_AGE, "PT8H",
                FilterSettings.DEFAULT_TARGET, "/secure/home?tab=1",
                FilterSettings.LOGIN, "/login",
                FilterSettings.PAGE_PREFIX + "token", "/WEB-INF/totp/token.jsp"));
        assertTrue(settings.protectedPaths().matches("/secure", "/x"));
        assertTrue(settings.stepUpPaths().matches("/secure/keys", null));
        assertEquals(Duration.ofHours(8), settings.maxAge());
        assertEquals("/secure/home?tab=1", settings.defaultTarget());
        assertEquals("/login", settings.loginPath());
        assertEquals("/login", settings.logoutTarget());
        assertEquals("/WEB-INF/totp/token.jsp", settings.pageOverride(PageKind.TOKEN));
    }

    @Test
    void extensionExemptionsPassWhereNoDirectoryIsProtected() {
        FilterSettings settings = fromMap(Map.of(FilterSettings.PROTECTED, "/admin/index.jsp",
                FilterSettings.EXEMPT, "*.css"));
        assertTrue(settings.exemptPaths().matches("/style.css", null));
    }

    @Test
    void pagesSpeakOnlyTheConfiguredLanguagesWhateverTheClientAsksFor() {
        Pages pages = new Pages(fromMap(Map.of(FilterSettings.LOCALES, "en, de")), new java.security.SecureRandom(),
                "rendering", new Object());
        assertEquals(java.util.Locale.GERMAN, pages.locale("de-CH, fr;q=0.8"));
        assertEquals(java.util.Locale.ENGLISH, pages.locale("fr, es;q=0.5"));
        assertEquals(java.util.Locale.ENGLISH, pages.locale(null));
        assertEquals(java.util.Locale.ENGLISH, pages.locale(";;;q=x, -"));
        assertEquals(java.util.Locale.ENGLISH, pages.locale("de".repeat(1000)));
        java.util.Set<java.util.Locale> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(pages.locale("x" + Integer.toString(i, 36) + "-" + Integer.toString(i * 31, 36) + ", de;q=0." + (i % 10)));
        }
        assertTrue(java.util.Set.of(java.util.Locale.ENGLISH, java.util.Locale.GERMAN).containsAll(seen), seen::toString);
        assertThrows(IllegalArgumentException.class, () -> fromMap(Map.of(FilterSettings.LOCALES, "en,not a tag")));
    }

    @Test
    void afterNamesTheLoginFilters() {
        assertEquals(java.util.List.of("springSecurityFilterChain", "encoding"), fromMap(
                Map.of(FilterSettings.AFTER, " springSecurityFilterChain , encoding ")).after());
        assertTrue(fromMap(Map.of()).after().isEmpty());
    }

    @Test
    void thePageKeysCoreKnowsAreThePagesTheFilterHas() {
        for (PageKind kind : PageKind.values()) {
            assertTrue(dev.totpguard.config.TotpGuardSettings.knownKeys().contains(FilterSettings.PAGE_PREFIX + kind.key()),
                    kind.key());
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "totpguard.filter.protected|/admin/../x/*|comma-separated list",
        "totpguard.filter.half-auth.timeout|5 minutes|ISO-8601 duration",
        "totpguard.filter.half-auth.timeout|PT0S|positive",
        "totpguard.filter.max-age|-PT1H|positive",
        "totpguard.filter.step-up.max-age|PT0S|positive",
        "totpguard.filter.default-target|//evil.example|path inside the application",
        "totpguard.filter.login|https://evil.example/login|path inside the application",
        "totpguard.filter.logout-target|/\\evil.example|path inside the application",
        "totpguard.filter.pages|/totpguard/|path prefix",
        "totpguard.filter.pages|totpguard|path prefix",
        "totpguard.filter.page.token|token.jsp|application path",
        "totpguard.filter.protcted|/admin/*|did you mean totpguard.filter.protected?",
        "totpguard.enforcment|REQUIRED|did you mean totpguard.enforcement?",
        "totpguard.filter.exempt|*.css|exempt a directory instead",
    })
    void aBadValueIsRefusedNamingTheKeyAndTheExpectedForm(String key, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromMap(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static FilterSettings fromMap(Map<String, String> settings) {
        return FilterSettings.from(dev.totpguard.internal.config.Settings.of(settings, "setting"));
    }
}
