package dev.totpguard.filter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Cross-site request forgery defence (OWASP CSRF Prevention Cheat Sheet: synchronizer token, plus the Fetch
 * Metadata and Origin checks as defence in depth; NIST SP 800-63B section 7.1: the verifier checks a session
 * secret in the POST body). The filter protects its own forms with it; an application can protect the forms it
 * shows next to them with the same checks, under a session attribute of its own.
 *
 * <p>One token per session, 256 bits from {@link SecureRandom}, kept in the session ({@link #renew} replaces it,
 * as the filter does after each successful second factor). A state-changing request is accepted only if its
 * {@value #PARAMETER} parameter equals the session's token (compared in constant time), its {@code Origin}
 * header, when present, names this server, and its {@code Sec-Fetch-Site} header, when present, is
 * {@code same-origin} or {@code none}. Immutable and thread-safe.
 */
public final class CsrfProtection {

    /**
     * The form field that carries the token. Not {@code _csrf}: Spring Security (and other host frameworks) read
     * that name for their own token, and a form can carry only one value under one name that both accept; the
     * filter's forms carry the host's token too, under the host's name (see {@link HostCsrfToken}).
     */
    public static final String PARAMETER = "totpguard_csrf";

    /** The session attribute under which the filter keeps the token of its own forms. */
    static final String FILTER_SESSION_ATTRIBUTE = "dev.totpguard.filter.csrf";

    private static final int TOKEN_BYTES = 32;

    private final String sessionAttribute;
    private final SecureRandom random;

    /**
     * @param sessionAttribute where the token is kept in the session; one that no other code writes
     * @param random the source of the tokens
     */
    public CsrfProtection(String sessionAttribute, SecureRandom random) {
        this.sessionAttribute = Objects.requireNonNull(sessionAttribute, "sessionAttribute");
        this.random = Objects.requireNonNull(random, "random");
        if (sessionAttribute.isEmpty()) {
            throw new IllegalArgumentException("The CSRF token's session attribute must have a name");
        }
    }

    /** The session's token, created on first use; write it into every form as {@value #PARAMETER}. */
    public String token(HttpSession session) {
        Object token = session.getAttribute(sessionAttribute);
        if (token instanceof String) {
            return (String) token;
        }
        return renew(session);
    }

    /** Replaces the session's token, e.g. after the privilege level changed; forms shown before stop working. */
    public String renew(HttpSession session) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        session.setAttribute(sessionAttribute, token);
        return token;
    }

    /**
     * Whether a state-changing request carries its session's token and comes from this site. A request without a
     * session, or with a body the container cannot parse, is not valid.
     */
    public boolean isValid(HttpServletRequest request) {
        String given;
        try {
            // Read before the site checks, so a refused form's body is consumed too: Jetty closes a connection whose
            // request body was left unread, after the response, and a client reusing it then sees no answer at all
            // (found by HostileInputIT under CI load).
            given = request.getParameter(PARAMETER);
        } catch (RuntimeException unparsable) {
            // A body the container cannot parse (Jetty throws BadMessageException for a malformed form) carries no
            // token: refuse it with the filter's plain 403 page instead of the container's error page, which
            // shows the exception's stack trace by default (found by HostileInputIT).
            return false;
        }
        if (!isSameSite(request)) {
            return false;
        }
        HttpSession session = request.getSession(false);
        Object expected = session == null ? null : session.getAttribute(sessionAttribute);
        if (!(expected instanceof String) || given == null) {
            return false;
        }
        // Constant-time: the time taken must not tell how many leading characters of a guess were right.
        return MessageDigest.isEqual(((String) expected).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Browsers send {@code Sec-Fetch-Site} and {@code Origin} with every cross-site POST and cannot be made
     * to forge them; a request without them (an old browser, a script) still has to pass the token check.
     */
    static boolean isSameSite(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        // The filter's pages are sent with "Referrer-Policy: no-referrer", and for a form posted from such a page
        // browsers serialise the Origin as "null" (Fetch standard). Sec-Fetch-Site is set by the browser and cannot
        // be forged by a page, so "null" together with "same-origin" is this server's own form; the token is still
        // required. "null" from anywhere else (sandboxed frames, cross-site redirects) stays refused.
        if (origin.equals("null") && "same-origin".equals(fetchSite)) {
            return true;
        }
        return isThisServer(origin, request);
    }

    private static boolean isThisServer(String origin, HttpServletRequest request) {
        int schemeEnd = origin.indexOf("://");
        if (schemeEnd <= 0) {
            // Includes the literal "null" that sandboxed frames and some redirects send.
            return false;
        }
        String authority = origin.substring(schemeEnd + 3);
        if (authority.isEmpty() || authority.indexOf('/') >= 0) {
            return false;
        }
        String host = request.getHeader("Host");
        if (host != null && authority.equalsIgnoreCase(host)) {
            return true;
        }
        String scheme = origin.substring(0, schemeEnd);
        int port = request.getServerPort();
        boolean defaultPort = (scheme.equalsIgnoreCase("http") && port == 80)
                || (scheme.equalsIgnoreCase("https") && port == 443);
        String server = defaultPort ? request.getServerName() : request.getServerName() + ':' + port;
        return scheme.equalsIgnoreCase(request.getScheme()) && authority.equalsIgnoreCase(server);
    }
}
