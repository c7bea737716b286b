package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trust cookie that the filter and the Spring Security module share: its header, the tokens read back, the label. */
class TrustedBrowserCookiesTest {

    private static final String TOKEN = "A".repeat(43);

    @Test
    void underAContextPathTheCookieIsScopedToItWithEveryProtectiveAttribute() {
        assertEquals(Optional.of("totpguard-trust=" + TOKEN + "; Max-Age=2592000; Path=/app; Secure; HttpOnly;"
                + " SameSite=Strict"), TrustedBrowserCookies.issue("/app", true, TOKEN, 30));
    }

    @Test
    void aSecureRootContextGetsTheHostPrefixAndPlainHttpDoesNot() {
        assertTrue(TrustedBrowserCookies.issue("", true, TOKEN, 1).orElseThrow().startsWith("__Host-totpguard-trust="));
        String plain = TrustedBrowserCookies.issue("", false, TOKEN, 1).orElseThrow();
        assertTrue(plain.startsWith("totpguard-trust=") && plain.contains("; Path=/;"), plain);
    }

    @Test
    void clearingSetsAnEmptyValueThatExpiresNow() {
        assertEquals(Optional.of("totpguard-trust=; Max-Age=0; Path=/app; Secure; HttpOnly; SameSite=Strict"),
                TrustedBrowserCookies.clear("/app", false));
    }

    /** A context path that cannot stand in a Path attribute as it is gets no cookie: the code is asked (fail closed). */
    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a;b", "/a,b", "app", "/a\"b", "/a%2Fb", "/a/"})
    void anUnsafeContextPathGetsNoCookie(String contextPath) {
        assertEquals(Optional.empty(), TrustedBrowserCookies.issue(contextPath, false, TOKEN, 30));
        assertEquals(Optional.empty(), TrustedBrowserCookies.clear(contextPath, false));
    }

    @Test
    void onlyWellFormedTokensOfEitherNameAreReadAndAtMostTwo() {
        String other = "B".repeat(43);
        String third = "C".repeat(43);
        assertEquals(List.of(TOKEN, other), TrustedBrowserCookies.tokens(List.of(
                Map.entry("JSESSIONID", "D".repeat(43)),
                Map.entry("totpguard-trust", "short"),
                Map.entry("totpguard-trust", "E".repeat(44)),
                Map.entry("totpguard-trust", TOKEN),
                Map.entry("__Host-totpguard-trust", other),
                Map.entry("totpguard-trust", third))));
        assertEquals(List.of(), TrustedBrowserCookies.tokens(List.of()));
    }

    @Test
    void theLabelNamesBrowserAndSystemFromAFixedListOnly() {
        assertEquals("Firefox / Linux", TrustedBrowserCookies.label(
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
        assertEquals("Edge / Windows", TrustedBrowserCookies.label(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0"));
        assertEquals("Browser", TrustedBrowserCookies.label("<script>alert(1)</script>"));
        assertEquals("Browser", TrustedBrowserCookies.label(null));
        // Only a bounded prefix is read: a name far behind it is not seen.
        assertEquals("Browser", TrustedBrowserCookies.label("x".repeat(600) + " Firefox/128.0"));
    }
}
