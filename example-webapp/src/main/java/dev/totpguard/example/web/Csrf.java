package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The synchronizer token of a session (OWASP CSRF cheat sheet; NIST SP 800-63B section 7.1): 256 random bits
 * kept in the {@code HttpSession}, written into every POST form as {@value #FIELD} and compared in constant time
 * by {@link CsrfFilter}. Thread-safe.
 */
final class Csrf {

    static final String FIELD = "_csrf";
    private static final String ATTRIBUTE = Csrf.class.getName() + ".token";

    private final SecureRandom random;

    Csrf(SecureRandom random) {
        this.random = random;
    }

    /** The session's token, created with the session when missing. */
    String token(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        synchronized (session) {
            Object token = session.getAttribute(ATTRIBUTE);
            if (token instanceof String existing) {
                return existing;
            }
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String created = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(ATTRIBUTE, created);
            return created;
        }
    }

    /** The hidden form field carrying the token. */
    String field(HttpServletRequest request) {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + Html.escape(token(request)) + "\">";
    }

    /** True when the request carries the session's token. A request without a session never matches. */
    boolean matches(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return false;
        }
        Object expected = session.getAttribute(ATTRIBUTE);
        String given = request.getParameter(FIELD);
        if (!(expected instanceof String expectedToken) || given == null) {
            return false;
        }
        // Constant time: the comparison must not tell an attacker how many leading characters were right.
        return MessageDigest.isEqual(expectedToken.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.UTF_8));
    }
}
