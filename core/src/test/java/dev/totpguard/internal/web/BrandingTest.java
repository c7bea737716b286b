package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.config.Settings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrandingTest {

    private final ResourceBundle bundle = new Messages(Messages.DEFAULT_BASE_NAME, List.of(Locale.ENGLISH)).bundle(null);

    @ParameterizedTest
    @ValueSource(strings = {"/", "/static/logo.svg", "/static/site.css?v=2", "/a/b-c_d~e.png#x", "/%E2%9C%93.svg"})
    void pathsInTheApplicationAreAccepted(String path) {
        assertTrue(Branding.isSameOriginPath(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/x.css", "//evil.example/x.css", "///evil.example", "/\\evil.example",
            "\\\\evil.example", "javascript:alert(1)", "data:text/css,x", "x.css", "./x.css", "../x.css", "", " /x.css",
            "/x .css", "/\t/evil.example", "/x\n.css", "/x\u0000.css", "/static//x.css", "/x\".css", "/x<.css",
            "/caf\u00e9.svg"})
    void anythingElseIsRefused(String path) {
        assertFalse(Branding.isSameOriginPath(path), path);
        assertThrows(IllegalArgumentException.class, () -> Branding.path(path));
    }

    @Test
    void theCspGainsSelfOnlyWhereTheBrandingNeedsIt() {
        String none = PageLayout.contentSecurityPolicy("n");
        assertEquals(none, PageLayout.contentSecurityPolicy("n", Branding.none()));
        assertEquals(none, PageLayout.contentSecurityPolicy("n", new Branding("Acme", null, null, "/")));
        assertEquals(none.replace("img-src data:", "img-src 'self' data:"),
                PageLayout.contentSecurityPolicy("n", new Branding("Acme", "/l.svg", null, null)));
        assertEquals(none.replace("style-src '", "style-src 'self' '"),
                PageLayout.contentSecurityPolicy("n", new Branding(null, null, "/s.css", null)));
    }

    @Test
    void theHeaderIsEscapedAndThePathsGetTheContextPath() {
        String page = PageLayout.render(bundle, new Branding("<b>Acme</b>", "/l.svg", "/s.css", "/home"), "/ctx", "T",
                null, null, null).html();
        assertTrue(page.contains("<header><a class=\"brand\" href=\"/ctx/home\"><img class=\"logo\" src=\"/ctx/l.svg\""
                + " alt=\"\">&lt;b&gt;Acme&lt;/b&gt;</a></header>"), page);
        assertTrue(page.contains("<title>T - &lt;b&gt;Acme&lt;/b&gt;</title>"), page);
        assertTrue(page.contains("<link rel=\"stylesheet\" href=\"/ctx/s.css\">"), page);
        assertTrue(page.indexOf("<style>") < page.indexOf("<link"), "the application's sheet comes after, so it wins");
    }

    @Test
    void aLogoOrHomeLinkNeedsTheNameAndTheNameIsPlainTextOfBoundedLength() {
        assertThrows(IllegalArgumentException.class, () -> new Branding(null, "/l.svg", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Branding(null, null, null, "/"));
        assertThrows(IllegalArgumentException.class, () -> new Branding("a\u0007b", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new Branding("x".repeat(101), null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Branding.read(
                Settings.of(Map.of("totpguard.sam.brand.logo", "/l.svg"), "option"), Branding.none(),
                "totpguard.sam.brand.name", "totpguard.sam.brand.logo", "totpguard.sam.brand.stylesheet",
                "totpguard.sam.brand.home"));
        assertTrue(e.getMessage().startsWith("Option totpguard.sam.brand.name is missing: expected a product name"),
                e.getMessage());
    }
}
