package dev.totpguard.filter;

/**
 * Where the browser goes back to after the second factor: only ever a same-origin path and query that
 * the filter itself saved server-side from the original GET request, never a URL taken from a parameter,
 * a cookie or the {@code Referer} (OWASP: "do not allow the URL as user input for the destination";
 * Tomcat CVE-2023-41080, Shiro CVE-2023-46750 and CVE-2026-44598 were open redirects of exactly that
 * kind).
 *
 * <p>A target is accepted only if it starts with the context path and a single {@code /}, its path is
 * free of anything {@link UriFirewall} refuses (which rules out {@code //host}, {@code /\host}, schemes,
 * encoded variants and CR/LF) and its query holds only RFC 3986 query characters. Stateless and
 * thread-safe.
 */
final class ReturnTargets {

    /** Longer targets are not worth keeping in the session; the default target is used instead. */
    static final int MAX_LENGTH = 2048;

    private ReturnTargets() {
    }

    /**
     * The target to redirect to for a GET request, or {@code null} if it is not a safe same-origin path.
     *
     * @param rawPath the request URI as sent (context path included, still encoded)
     * @param query the raw query string, or {@code null}
     * @param contextPath the application's context path ({@code ""} for the root context)
     */
    static String fromRequest(String rawPath, String query, String contextPath) {
        String target = query == null ? rawPath : rawPath + '?' + query;
        return isSafe(target, contextPath) ? target : null;
    }

    /**
     * Whether {@code target} is a same-origin path (plus optional query) inside the application.
     */
    static boolean isSafe(String target, String contextPath) {
        if (target == null || target.length() > MAX_LENGTH || contextPath == null) {
            return false;
        }
        if (!target.startsWith(contextPath) || target.length() == contextPath.length()
                || target.charAt(contextPath.length()) != '/') {
            return false;
        }
        int queryStart = target.indexOf('?');
        String path = queryStart < 0 ? target : target.substring(0, queryStart);
        // "//evil.example" or "/\evil.example" would leave the origin; UriFirewall refuses both, and any
        // percent-encoding, so "/%2F%2Fevil.example" cannot be turned back into one either.
        if (!UriFirewall.isClean(path)) {
            return false;
        }
        for (int i = queryStart < 0 ? target.length() : queryStart + 1; i < target.length(); i++) {
            if (!isQueryChar(target.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 query: unreserved, pct-encoded, sub-delims, ":", "@", "/", "?". No CR, LF or space. */
    private static boolean isQueryChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-._~%!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }
}
