package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.template.Template;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PageLayoutTest {

    private final ResourceBundle bundle = new Messages(Messages.DEFAULT_BASE_NAME, List.of(Locale.ENGLISH)).bundle(null);

    @Test
    void theTitleAndTheNoticeAreEscapedAndTheBodyIsNot() {
        String page = PageLayout.render(bundle, "<Title>", new PageLayout.Notice("a & b", true),
                Template.parse("body", "<p>{{v}}</p>").render(Map.of("v", "<x>")), null).html();
        assertTrue(page.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"), page);
        assertTrue(page.contains("<title>&lt;Title&gt; - Two-factor authentication</title>"), page);
        assertTrue(page.contains("<h1>&lt;Title&gt;</h1>"), page);
        assertTrue(page.contains("<p class=\"error\" role=\"alert\">a &amp; b</p>"), page);
        assertTrue(page.contains("<p>&lt;x&gt;</p>"), page);
        assertFalse(page.contains("{{"), page);
    }

    @Test
    void theCspAllowsExactlyTheBuiltInStyleSheetByItsHash() throws Exception {
        String page = PageLayout.render(bundle, "t", null, null, null).html();
        Matcher style = Pattern.compile("<style>(.*)</style>", Pattern.DOTALL).matcher(page);
        assertTrue(style.find(), page);
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(style.group(1).getBytes(StandardCharsets.UTF_8)));
        String policy = PageLayout.contentSecurityPolicy(null);
        assertTrue(policy.contains("style-src 'sha256-" + hash + "';"), policy);
        assertTrue(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'")
                && policy.contains("script-src 'none'"), policy);
        assertTrue(PageLayout.contentSecurityPolicy("n0nce").contains("script-src 'nonce-n0nce';"));
    }

    @Test
    void everyPageCarriesTheProtectiveHeaders() {
        assertEquals("no-store", PageLayout.protectiveHeaders().get("Cache-Control"));
        assertEquals("no-referrer", PageLayout.protectiveHeaders().get("Referrer-Policy"));
        assertEquals("nosniff", PageLayout.protectiveHeaders().get("X-Content-Type-Options"));
        assertEquals("DENY", PageLayout.protectiveHeaders().get("X-Frame-Options"));
    }
}
