package dev.totpguard.filter;

import dev.totpguard.internal.web.TrustedBrowserCookies;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;

/**
 * The cookie of "remember this browser" on the Servlet API: core's {@link TrustedBrowserCookies} (name, attributes,
 * token shape, label), which the Spring Security module uses alike, read from and written to the request and
 * response. Stateless and thread-safe.
 */
final class TrustedBrowserCookie {

    static final String NAME = TrustedBrowserCookies.NAME;
    static final String HOST_NAME = TrustedBrowserCookies.HOST_NAME;

    private TrustedBrowserCookie() {
    }

    /** The well-formed tokens in the request's cookies, at most two (see {@link TrustedBrowserCookies#tokens}). */
    static List<String> tokens(HttpServletRequest request) {
        return TrustedBrowserCookies.tokens(request.getCookies());
    }

    /**
     * Hands {@code token} to the browser for {@code days}, on the response to the code form's POST.
     *
     * @return false if the context path cannot be put in a cookie as it is (no cookie then)
     */
    static boolean issue(HttpServletRequest request, HttpServletResponse response, String token, int days) {
        return set(response, TrustedBrowserCookies.issue(request.getContextPath(), request.isSecure(), token, days));
    }

    /** Tells the browser to drop the cookie (its entry in the store is gone already). */
    static void clear(HttpServletRequest request, HttpServletResponse response) {
        set(response, TrustedBrowserCookies.clear(request.getContextPath(), request.isSecure()));
    }

    private static boolean set(HttpServletResponse response, Optional<String> header) {
        header.ifPresent(value -> response.addHeader("Set-Cookie", value));
        return header.isPresent();
    }

    /** What the user sees of a trusted browser (see {@link TrustedBrowserCookies#label}). */
    static String label(String userAgent) {
        return TrustedBrowserCookies.label(userAgent);
    }
}
