package dev.totpguard.filter;

import dev.totpguard.TwoFactorService;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cookie of "remember this browser" ({@code TwoFactorService.trustBrowser}): a random token of 256 bits,
 * {@code Secure; HttpOnly; SameSite=Strict}, scoped to the application's context path, named with the
 * {@code __Host-} prefix where the browser allows it (a secure request to the root context: then no other host or
 * path can set or shadow it). It replaces the code of a password login of its account, nothing else; the store
 * keeps only its hash. Stateless and thread-safe.
 */
final class TrustedBrowserCookie {

    static final String NAME = "totpguard-trust";
    static final String HOST_NAME = "__Host-" + NAME;
    /** A browser sends one; more than a few cookies of this name are not worth a database look-up each. */
    private static final int MAX_TOKENS = 2;
    /** Context paths put in a {@code Path} attribute as they are; anything else gets no cookie (fail closed: the code is asked). */
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*");
    /** Enough of a User-Agent to name the browser and the system; the rest is never read. */
    private static final int USER_AGENT_PREFIX = 512;

    private TrustedBrowserCookie() {
    }

    /**
     * The well-formed tokens in the request's cookies of either name (the other node of a proxy may have seen the
     * request as secure or not), at most two; malformed, tampered or oversized values are ignored here, unknown ones
     * by the store.
     */
    static List<String> tokens(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>(MAX_TOKENS);
        for (Cookie cookie : cookies) {
            String value = cookie.getValue();
            if ((NAME.equals(cookie.getName()) || HOST_NAME.equals(cookie.getName())) && value != null
                    && value.length() == TwoFactorService.TRUSTED_BROWSER_TOKEN_LENGTH && tokens.size() < MAX_TOKENS) {
                tokens.add(value);
            }
        }
        return tokens;
    }

    /**
     * Hands {@code token} to the browser for {@code days}, on the response to the code form's POST.
     *
     * @return false if the context path cannot be put in a cookie as it is (no cookie then)
     */
    static boolean issue(HttpServletRequest request, HttpServletResponse response, String token, int days) {
        return set(request, response, token, (long) days * 24 * 60 * 60);
    }

    /** Tells the browser to drop the cookie (its entry in the store is gone already). */
    static void clear(HttpServletRequest request, HttpServletResponse response) {
        set(request, response, "", 0);
    }

    private static boolean set(HttpServletRequest request, HttpServletResponse response, String value, long maxAgeSeconds) {
        String contextPath = request.getContextPath();
        if (!SAFE_PATH.matcher(contextPath).matches()) {
            return false;
        }
        boolean host = request.isSecure() && contextPath.isEmpty();
        // Written by hand: Cookie.setAttribute("SameSite") exists only since Servlet 6.0, and the attributes' order
        // and spelling are then the container's.
        response.addHeader("Set-Cookie", (host ? HOST_NAME : NAME) + "=" + value + "; Max-Age=" + maxAgeSeconds
                + "; Path=" + (contextPath.isEmpty() ? "/" : contextPath) + "; Secure; HttpOnly; SameSite=Strict");
        return true;
    }

    /**
     * What the user sees of a trusted browser: its kind and system, from a bounded prefix of the User-Agent and a
     * fixed list of names, so nothing the client typed is stored or shown ("Firefox / Linux"; unknown parts: "Browser").
     */
    static String label(String userAgent) {
        String agent = userAgent == null ? "" : userAgent.length() > USER_AGENT_PREFIX
                ? userAgent.substring(0, USER_AGENT_PREFIX) : userAgent;
        String ua = agent.toLowerCase(Locale.ROOT);
        String browser = ua.contains("edg/") ? "Edge" : ua.contains("opr/") || ua.contains("opera") ? "Opera"
                : ua.contains("firefox/") || ua.contains("fxios/") ? "Firefox"
                : ua.contains("chrome/") || ua.contains("crios/") || ua.contains("chromium/") ? "Chrome"
                : ua.contains("safari/") ? "Safari" : "Browser";
        String system = ua.contains("windows") ? "Windows" : ua.contains("android") ? "Android"
                : ua.contains("iphone") || ua.contains("ipad") ? "iOS" : ua.contains("mac os x") || ua.contains("macintosh") ? "macOS"
                : ua.contains("cros") ? "ChromeOS" : ua.contains("linux") ? "Linux" : null;
        return system == null ? browser : browser + " / " + system;
    }
}
