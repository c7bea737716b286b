package dev.totpguard.internal.web;

import dev.totpguard.TwoFactorService;
import jakarta.servlet.http.Cookie;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cookie of "remember this browser" ({@link TwoFactorService#trustBrowser}), for every web module alike (the
 * servlet filter and the Spring Security module): a random token of 256 bits, {@code Secure; HttpOnly;
 * SameSite=Strict}, scoped to the application's context path, named with the {@code __Host-} prefix where the browser
 * allows it (a secure request to the root context: then no other host or path can set or shadow it). It replaces the
 * code of a password login of its account, nothing else; the store keeps only its hash. Without the Servlet API, so
 * that core stays free of it: the modules hand in the cookies' names and values and set the header it returns.
 * Stateless and thread-safe.
 */
public final class TrustedBrowserCookies {

    /** The cookie's name on plain HTTP or below a context path. */
    public static final String NAME = "totpguard-trust";
    /** The cookie's name on a secure request to the root context. */
    public static final String HOST_NAME = "__Host-" + NAME;
    /** The code form's checkbox "trust this browser"; {@code on} when ticked. */
    public static final String TRUST_PARAMETER = "trust";
    /** The settings page's field naming one trusted browser to forget, by its public id. */
    public static final String BROWSER_PARAMETER = "browser";
    /** A browser sends one; more than a few cookies of this name are not worth a database look-up each. */
    private static final int MAX_TOKENS = 2;
    /** Context paths put in a {@code Path} attribute as they are; anything else gets no cookie (fail closed: the code is asked). */
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*");
    /** Enough of a User-Agent to name the browser and the system; the rest is never read. */
    private static final int USER_AGENT_PREFIX = 512;

    private TrustedBrowserCookies() {
    }

    /** {@link #tokens(List)} of a servlet request's cookies ({@code HttpServletRequest.getCookies()}, {@code null} for none). */
    public static List<String> tokens(Cookie[] cookies) {
        if (cookies == null) {
            return List.of();
        }
        List<Map.Entry<String, String>> pairs = new ArrayList<>(cookies.length);
        for (Cookie cookie : cookies) {
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(cookie.getName(), cookie.getValue()));
        }
        return tokens(pairs);
    }

    /**
     * The well-formed tokens among the request's cookies (name and value, in the order sent) of either name (the other
     * node of a proxy may have seen the request as secure or not), at most two; malformed, tampered or oversized values
     * are ignored here, unknown ones by the store.
     */
    public static List<String> tokens(List<Map.Entry<String, String>> cookies) {
        List<String> tokens = new ArrayList<>(MAX_TOKENS);
        for (Map.Entry<String, String> cookie : cookies) {
            String value = cookie.getValue();
            if ((NAME.equals(cookie.getKey()) || HOST_NAME.equals(cookie.getKey())) && value != null
                    && value.length() == TwoFactorService.TRUSTED_BROWSER_TOKEN_LENGTH && tokens.size() < MAX_TOKENS) {
                tokens.add(value);
            }
        }
        return tokens;
    }

    /**
     * The {@code Set-Cookie} header that hands {@code token} to the browser for {@code days}.
     *
     * @return empty if the context path cannot be put in a cookie as it is (no cookie then)
     */
    public static Optional<String> issue(String contextPath, boolean secure, String token, int days) {
        return header(contextPath, secure, token, (long) days * 24 * 60 * 60);
    }

    /** The {@code Set-Cookie} header that tells the browser to drop the cookie (its entry in the store is gone already). */
    public static Optional<String> clear(String contextPath, boolean secure) {
        return header(contextPath, secure, "", 0);
    }

    private static Optional<String> header(String contextPath, boolean secure, String value, long maxAgeSeconds) {
        if (contextPath == null || !SAFE_PATH.matcher(contextPath).matches()) {
            return Optional.empty();
        }
        boolean host = secure && contextPath.isEmpty();
        // Written by hand: Cookie.setAttribute("SameSite") exists only since Servlet 6.0, and the attributes' order
        // and spelling are then the container's.
        return Optional.of((host ? HOST_NAME : NAME) + "=" + value + "; Max-Age=" + maxAgeSeconds
                + "; Path=" + (contextPath.isEmpty() ? "/" : contextPath) + "; Secure; HttpOnly; SameSite=Strict");
    }

    /**
     * What the user sees of a trusted browser: its kind and system, from a bounded prefix of the User-Agent and a
     * fixed list of names, so nothing the client typed is stored or shown ("Firefox / Linux"; unknown parts: "Browser").
     */
    public static String label(String userAgent) {
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
