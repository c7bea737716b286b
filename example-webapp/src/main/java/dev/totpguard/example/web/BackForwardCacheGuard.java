package dev.totpguard.example.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Keeps admin pages out of the browser's back/forward cache after logout (security requirement 18: "after logout,
 * the back button shows nothing").
 *
 * <p>{@code Cache-Control: no-store} no longer keeps a page out of Chromium's back/forward cache; Chromium evicts
 * such a page when a Secure cookie of the site changes. The session cookie is not Secure when the example runs on
 * plain {@code http://localhost}, so signed-in admin pages also set the Secure, HttpOnly marker cookie
 * {@value #COOKIE} (browsers accept Secure cookies from localhost), and logout deletes it. The marker carries no
 * information and is never read for any decision.
 */
final class BackForwardCacheGuard {

    static final String COOKIE = "TOTPGUARD_SIGNED_IN";

    private BackForwardCacheGuard() {
    }

    /** Sets the marker unless the browser already sent it. */
    static void markSignedIn(HttpServletRequest request, HttpServletResponse response) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    return;
                }
            }
        }
        response.addCookie(marker(request, "1", -1));
    }

    /** Deletes the marker (and so evicts this site's pages from the back/forward cache). */
    static void signedOut(HttpServletRequest request, HttpServletResponse response) {
        response.addCookie(marker(request, "", 0));
    }

    private static Cookie marker(HttpServletRequest request, String value, int maxAge) {
        Cookie cookie = new Cookie(COOKIE, value);
        cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setMaxAge(maxAge);
        cookie.setAttribute("SameSite", "Strict");
        return cookie;
    }
}
