package dev.totpguard.example.web;

import dev.totpguard.filter.CsrfProtection;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;

/**
 * The CSRF protection of this application's own forms: TOTP Guard's {@link CsrfProtection} (a 256-bit synchronizer
 * token in the {@code HttpSession}, compared in constant time, plus the Fetch Metadata and Origin checks), under a
 * session attribute of its own, so the filter renewing its token after the second factor does not void a form shown
 * here. Writes the token into every POST form as {@value CsrfProtection#PARAMETER}; {@link CsrfFilter} checks it.
 * Thread-safe.
 */
final class Csrf {

    private static final String ATTRIBUTE = Csrf.class.getName() + ".token";

    private final CsrfProtection protection;

    Csrf(SecureRandom random) {
        this.protection = new CsrfProtection(ATTRIBUTE, random);
    }

    /** The hidden form field carrying the token; creates the session when missing. */
    String field(HttpServletRequest request) {
        return "<input type=\"hidden\" name=\"" + CsrfProtection.PARAMETER + "\" value=\""
                + Html.escape(protection.token(request.getSession(true))) + "\">";
    }

    /** True when the request carries its session's token and comes from this site. */
    boolean matches(HttpServletRequest request) {
        return protection.isValid(request);
    }
}
