package dev.totpguard.internal.web;

import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * The frame shared by the pages of the filter and of the Jakarta Authentication module ({@code pages/layout.html},
 * with {@code pages/style.css} inline) and the headers every one of those pages carries: {@code Cache-Control:
 * no-store}, {@code Referrer-Policy: no-referrer}, {@code nosniff}, {@code X-Frame-Options: DENY} and a
 * Content-Security-Policy with {@code default-src 'none'} and {@code frame-ancestors 'none'} that allows only the
 * built-in style sheet (by its hash, so a page is the same on every response), a response's script and a
 * replacement page's own elements (by that response's nonce) and {@code data:} images (the QR code, so no third
 * party ever sees the secret); with a {@link Branding}, a header with the application's name and logo, its style sheet
 * after the built-in one, and {@code 'self'} for images or styles exactly when a logo or a style sheet is set.
 * Stateless and thread-safe.
 */
public final class PageLayout {

    private static final Template LAYOUT = Template.load(PageLayout.class, "pages/layout.html");

    /** The style sheet is TOTP Guard's own resource, never anything a request can influence. */
    private static final SafeHtml STYLE = SafeHtml.trusted(resource("pages/style.css"));

    /** The CSP source that allows exactly the built-in style sheet (CSP Level 2 hash source). */
    private static final String STYLE_SOURCE = "'sha256-" + sha256(STYLE.html()) + "'";

    private static final Map<String, String> PROTECTIVE_HEADERS = Map.of("Cache-Control", "no-store",
            "Pragma", "no-cache", "Referrer-Policy", "no-referrer", "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY");

    private PageLayout() {
    }

    /** A notice at the top of a page: an error (shown as an alert) or a status. */
    public record Notice(String text, boolean error) {
    }

    /** The headers every page and redirect carries (not the CSP, which pages carry with their nonce). */
    public static Map<String, String> protectiveHeaders() {
        return PROTECTIVE_HEADERS;
    }

    /** A fresh nonce for one response's script and a replacement page's own styles: 144 bits from {@code random}. */
    public static String newNonce(SecureRandom random) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * The Content-Security-Policy of a page: the built-in style sheet, and, with a {@code nonce} (or {@code null}
     * for a page without a script), the elements that carry it.
     */
    public static String contentSecurityPolicy(String nonce) {
        return contentSecurityPolicy(nonce, Branding.none());
    }

    /**
     * The Content-Security-Policy of a page with {@code branding}: as {@link #contentSecurityPolicy(String)}, and
     * {@code 'self'} in {@code img-src} only with a logo and in {@code style-src} only with a style sheet (both are
     * paths in the application, see {@link Branding}).
     */
    public static String contentSecurityPolicy(String nonce, Branding branding) {
        String byNonce = nonce == null ? "" : " 'nonce-" + nonce + "'";
        return "default-src 'none'; img-src" + (branding.logo() == null ? "" : " 'self'") + " data:; style-src "
                + (branding.stylesheet() == null ? "" : "'self' ") + STYLE_SOURCE + byNonce + "; script-src"
                + (nonce == null ? " 'none'" : byNonce) + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    /**
     * The whole page.
     *
     * @param bundle the texts ({@code lang}, {@code app.name})
     * @param title the page's title, plain text
     * @param notice shown above the body, or {@code null}
     * @param body the page's own markup, a rendered template, or {@code null}
     * @param footer below the body, a rendered template, or {@code null}
     */
    public static SafeHtml render(ResourceBundle bundle, String title, Notice notice, SafeHtml body, SafeHtml footer) {
        return render(bundle, Branding.none(), "", title, notice, body, footer);
    }

    /**
     * The whole page with the application's {@code branding}.
     *
     * @param contextPath the request's context path, put before the branding's paths
     * @see #render(ResourceBundle, String, Notice, SafeHtml, SafeHtml)
     */
    public static SafeHtml render(ResourceBundle bundle, Branding branding, String contextPath, String title,
            Notice notice, SafeHtml body, SafeHtml footer) {
        Map<String, Object> values = new HashMap<>(branding.values(contextPath));
        values.put("title", title);
        values.put("notice", notice == null ? null : Map.of("text", notice.text(), "error", notice.error()));
        values.put("body", body);
        values.put("footer", footer);
        values.put("style", STYLE);
        return LAYOUT.render(values, Messages.texts(bundle));
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("Every Java platform has SHA-256", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = PageLayout.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + PageLayout.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " cannot be read", e);
        }
    }
}
