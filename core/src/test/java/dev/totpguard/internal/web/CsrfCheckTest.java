package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsrfCheckTest {

    private static final String TOKEN = CsrfCheck.newToken(new SecureRandom());

    private static CsrfCheck.Request post(String token, String fetchSite, String origin) {
        return new CsrfCheck.Request(token, fetchSite, origin, "app.example:8443", "https", "app.example", 8443);
    }

    @Test
    void tokensAre256BitsOfUrlSafeBase64AndDiffer() {
        assertEquals(43, TOKEN.length());
        assertTrue(TOKEN.matches("[A-Za-z0-9_-]+"), TOKEN);
        assertNotEquals(TOKEN, CsrfCheck.newToken(new SecureRandom()));
    }

    @Test
    void onlyTheSessionsOwnTokenIsValid() {
        assertTrue(CsrfCheck.isValid(TOKEN, post(TOKEN, null, null)));
        assertFalse(CsrfCheck.isValid(TOKEN, post(TOKEN + "x", null, null)));
        assertFalse(CsrfCheck.isValid(TOKEN, post(null, null, null)));
        assertFalse(CsrfCheck.isValid(null, post(TOKEN, null, null)), "a session without a token accepts nothing");
        assertFalse(CsrfCheck.isValid(42, post("42", null, null)));
    }

    @ParameterizedTest(name = "query {0}: {1}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        "-|                          false",
        "''|                         false",
        "csrf=abc|                   true",
        "a=1&csrf=abc|               true",
        "csrf|                       true",
        "csrf=|                      true",
        "%63srf=abc|                 true",
        "a=1&%63%73%72%66=x&b|       true",
        "csrfx=abc|                  false",
        "xcsrf=abc|                  false",
        "a=csrf|                     false",
        "%ZZ=1&b=csrf|               false",
    })
    void aTokenInTheUrlIsFound(String query, boolean found) {
        assertEquals(found, CsrfCheck.isInQuery(query, "csrf"));
    }

    @ParameterizedTest(name = "Sec-Fetch-Site {0}, Origin {1}: {2}")
    @CsvSource(nullValues = "-", value = {
        "-,                   -,                           true",
        "same-origin,         https://app.example:8443,    true",
        "none,                -,                           true",
        "-,                   HTTPS://APP.EXAMPLE:8443,    true",
        "same-origin,         null,                        true",
        "cross-site,          -,                           false",
        "same-site,           https://app.example:8443,    false",
        "-,                   https://evil.example,        false",
        "-,                   null,                        false",
        "cross-site,          null,                        false",
        "-,                   https://app.example:8443/x,  false",
        "-,                   app.example:8443,            false",
        "-,                   http://app.example:8443,     false",
        "-,                   ftp://app.example:8443,      false",
        "-,                   ws://app.example:8443,       false",
        "-,                   chrome-extension://app.example:8443, false",
    })
    void aValidTokenFromAnotherSiteIsRefused(String fetchSite, String origin, boolean accepted) {
        assertEquals(accepted, CsrfCheck.isValid(TOKEN, post(TOKEN, fetchSite, origin)));
    }

    @Test
    void withoutAHostHeaderTheServersOwnNameAndPortAreTheOrigin() {
        assertTrue(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, "https://app.example", null, "https",
                "app.example", 443)));
        assertTrue(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, "http://app.example:8080", null, "http",
                "app.example", 8080)));
        assertFalse(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, "https://app.example:8080", null, "http",
                "app.example", 8080)));
    }

    @Test
    void overPlainHttpOnlyAWebOriginOfThisHostIsSameSite() {
        // What the container sees behind a TLS-terminating proxy: http, while the browser's page was https.
        assertTrue(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, "https://localhost:18431", "localhost:18431",
                "http", "localhost", 18431)));
        assertTrue(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, "http://localhost:18431", "localhost:18431",
                "http", "localhost", 18431)));
        for (String scheme : new String[] {"ftp", "ws", "wss", "file"}) {
            assertFalse(CsrfCheck.isSameSite(new CsrfCheck.Request(TOKEN, null, scheme + "://localhost:18431",
                    "localhost:18431", "http", "localhost", 18431)), scheme);
        }
    }

    @Test
    void toStringHidesTheToken() {
        assertFalse(post(TOKEN, null, null).toString().contains(TOKEN));
    }
}
