package dev.totpguard.internal.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The container-independent part of the cross-site request forgery defence of every TOTP Guard form (the filter's
 * pages, {@code CsrfProtection} for an application's own forms, the Jakarta Authentication module's pages): OWASP CSRF
 * Prevention Cheat Sheet, a synchronizer token plus the Fetch Metadata and Origin checks as defence in depth; NIST
 * SP 800-63B section 7.1, the verifier checks a session secret in the POST body.
 *
 * <p>A state-changing request is accepted only if the token it carries equals the session's (compared in constant
 * time), its {@code Origin} header, when present, names this server over http or https (not http when the request
 * came over https), and its {@code Sec-Fetch-Site} header, when
 * present, is {@code same-origin} or {@code none}. Stateless and thread-safe.
 */
public final class CsrfCheck {

    private static final int TOKEN_BYTES = 32;

    private CsrfCheck() {
    }

    /**
     * What a state-changing request says about itself, read by the container-specific caller ({@link #of} for a servlet
     * request).
     *
     * @param token the token the form carries, or {@code null}
     * @param fetchSite the {@code Sec-Fetch-Site} header, or {@code null}
     * @param origin the {@code Origin} header, or {@code null}
     * @param host the {@code Host} header, or {@code null}
     * @param scheme the request's scheme ({@code http}, {@code https})
     * @param serverName the server name the container resolved
     * @param serverPort the server port the container resolved
     */
    public record Request(String token, String fetchSite, String origin, String host, String scheme,
            String serverName, int serverPort) {

        /**
         * What a servlet request says about itself, {@code token} being the token it carries (or {@code null}): the
         * one reading of the filter's, the Jakarta Authentication module's and the Spring Security module's forms.
         */
        public static Request of(HttpServletRequest request, String token) {
            return new Request(token, request.getHeader("Sec-Fetch-Site"), request.getHeader("Origin"), request.getHeader("Host"),
                    request.getScheme(), request.getServerName(), request.getServerPort());
        }

        /** Hides the token. */
        @Override
        public String toString() {
            return "CsrfCheck.Request[" + origin + ", " + fetchSite + "]";
        }
    }

    /** A new token: 256 bits from {@code random}, URL-safe Base64 without padding. */
    public static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Whether {@code request} comes from this site and carries {@code expected}, the session's token ({@code null}
     * or not a {@code String} when the session has none: never valid).
     */
    public static boolean isValid(Object expected, Request request) {
        if (!isSameSite(request)) {
            return false;
        }
        if (!(expected instanceof String) || request.token() == null) {
            return false;
        }
        // Constant-time: the time taken must not tell how many leading characters of a guess were right.
        return MessageDigest.isEqual(((String) expected).getBytes(StandardCharsets.US_ASCII),
                request.token().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a raw query string names {@code parameter}. The token belongs in the body of a POST: one in the URL has
     * been written to access logs, proxies and the browser's history, and is no longer the session's secret, so a
     * request that carries it there is refused even when it is right (OWASP CSRF Prevention Cheat Sheet:
     * "transmitting CSRF tokens in GET requests ... can be leaked").
     *
     * @param query the query string as sent ({@code getQueryString()}), or {@code null}
     */
    public static boolean isInQuery(String query, String parameter) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            try {
                if (URLDecoder.decode(name, StandardCharsets.UTF_8).equals(parameter)) {
                    return true;
                }
            } catch (IllegalArgumentException malformed) {
                // A name the container cannot decode either is not the parameter's.
            }
        }
        return false;
    }

    /**
     * Browsers send {@code Sec-Fetch-Site} and {@code Origin} with every cross-site POST and cannot be made to forge
     * them; a request without them (an old browser, a script) still has to pass the token check.
     */
    public static boolean isSameSite(Request request) {
        String fetchSite = request.fetchSite();
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        String origin = request.origin();
        if (origin == null) {
            return true;
        }
        // The pages are sent with "Referrer-Policy: no-referrer", and for a form posted from such a page browsers
        // serialise the Origin as "null" (Fetch standard). Sec-Fetch-Site is set by the browser and cannot be forged
        // by a page, so "null" together with "same-origin" is this server's own form; the token is still required.
        // "null" from anywhere else (sandboxed frames, cross-site redirects) stays refused.
        if (origin.equals("null") && "same-origin".equals(fetchSite)) {
            return true;
        }
        return isThisServer(origin, request);
    }

    private static boolean isThisServer(String origin, Request request) {
        int schemeEnd = origin.indexOf("://");
        if (schemeEnd <= 0) {
            // Includes the literal "null" that sandboxed frames and some redirects send.
            return false;
        }
        String authority = origin.substring(schemeEnd + 3);
        if (authority.isEmpty() || authority.indexOf('/') >= 0) {
            return false;
        }
        String scheme = origin.substring(0, schemeEnd);
        boolean https = scheme.equalsIgnoreCase("https");
        if (!https && !scheme.equalsIgnoreCase("http")) {
            // ftp:, ws:, a browser extension's scheme: not a page of this web site.
            return false;
        }
        if (!https && "https".equalsIgnoreCase(request.scheme())) {
            // A plain-http page on this host name is what a network attacker can write: no downgrade. (The other
            // way round, an https page posting to what the container sees as http, is a TLS-terminating proxy.)
            return false;
        }
        String host = request.host();
        if (host != null && authority.equalsIgnoreCase(host)) {
            return true;
        }
        int port = request.serverPort();
        boolean defaultPort = (scheme.equalsIgnoreCase("http") && port == 80)
                || (scheme.equalsIgnoreCase("https") && port == 443);
        String server = defaultPort ? request.serverName() : request.serverName() + ':' + port;
        return scheme.equalsIgnoreCase(request.scheme()) && authority.equalsIgnoreCase(server);
    }
}
