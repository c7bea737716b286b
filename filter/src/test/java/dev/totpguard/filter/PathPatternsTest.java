package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternsTest {

    private final PathPatterns admin = PathPatterns.parse("/admin/*, /manage/*", true);

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
        "/admin, null, true",
        "/admin, /, true",
        "/admin, /x, true",
        "/admin/x, null, true",
        "'', /admin/x, true",
        "/adm, in/x, true",
        "/ADMIN, /x, true",
        "/Admin/x, null, true",
        "/administrator, null, false",
        "/admin.css, null, false",
        "/adminx/y, null, false",
        "/public, /admin/x, false",
        "/, null, false",
        "'', null, false",
        "/manage, /users, true",
    })
    void prefixPatternsMatchTheJoinedServletPathAndPathInfo(String servletPath, String pathInfo, boolean expected) {
        assertEquals(expected, admin.matches(servletPath, pathInfo));
    }

    @Test
    void exactMatchingKeepsCase() {
        PathPatterns exempt = PathPatterns.parse("/admin/static/*,/admin/health", false);
        assertTrue(exempt.matches("/admin/static", "/app.css"));
        assertTrue(exempt.matches("/admin/health", null));
        assertFalse(exempt.matches("/ADMIN/static", "/app.css"));
        assertFalse(exempt.matches("/admin/health", "/x"));
        assertFalse(exempt.matches("/admin/healthz", null));
    }

    @Test
    void extensionPatternsLookAtTheLastSegmentOnly() {
        PathPatterns css = PathPatterns.parse("*.css", false);
        assertTrue(css.matches("/a/b.css", null));
        assertTrue(css.matches("/a", "/b.css"));
        assertFalse(css.matches("/a.css/b", null));
        assertFalse(css.matches("/a", "/b.cssx"));
    }

    @Test
    void rootPatternsMatchEverything() {
        assertTrue(PathPatterns.parse("/*", false).matches("", "/x"));
        assertTrue(PathPatterns.parse("/", false).matches("/anything", null));
    }

    @Test
    void blankMeansNone() {
        assertTrue(PathPatterns.parse(" , ", true).isEmpty());
        assertFalse(PathPatterns.parse("", true).matches("/admin", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin/*", "/admin/**", "/ad*min", "/admin/../x/*", "//admin/*", "/admin;x/*",
        "/%61dmin/*", "/admin\\x", "*.", "*.c/ss", "/admin/./*", "/admin/ x"})
    void malformedPatternsAreRefusedWithTheirText(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PathPatterns.parse("/ok/*," + pattern, true));
        assertTrue(e.getMessage().contains(pattern.strip()), e.getMessage());
    }
}
