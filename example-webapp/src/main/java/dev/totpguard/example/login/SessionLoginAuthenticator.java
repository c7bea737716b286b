package dev.totpguard.example.login;

import dev.totpguard.internal.web.CsrfCheck;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.security.authentication.SessionAuthentication;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

/**
 * Jetty's FORM login (the {@code <login-config>} of {@code web.xml}: login page, error page,
 * {@code j_security_check}), with three differences:
 * <ul>
 *   <li>the session keeps a {@link StoredLogin} (the account's name) instead of Jetty's
 *       {@code SessionAuthentication}, which keeps the password: no password is ever in the session, in memory or
 *       in a shared session table, and a node that loads a stored session signs it in again by name through
 *       {@link SessionLoginService}, without a password hash;</li>
 *   <li>a login posted from another site (its browser says so in {@code Sec-Fetch-Site} or {@code Origin}) is refused
 *       with 403 before the password is checked (login CSRF);</li>
 *   <li>a login form Jetty cannot decode (a bad {@code %} escape in the body) is a plain 400, not a 500 whose
 *       error page named the exception.</li>
 * </ul>
 * As Jetty's, the session id is renewed at the login (session fixation). One instance per context; thread-safe.
 */
public final class SessionLoginAuthenticator extends FormAuthenticator {

    /** Configured from the context's {@code <login-config>} when the security handler starts. */
    public SessionLoginAuthenticator() {
    }

    @Override
    public UserIdentity login(String username, Object password, Request request, Response response) {
        if (!CsrfCheck.isSameSite(crossSiteSignals(request))) {
            // Login CSRF: a page elsewhere posting the attacker's name and password would sign the victim's browser
            // into the attacker's account (where the victim might then enroll their own phone). The login form has
            // no session token yet; the browser's Sec-Fetch-Site and Origin, which no page can forge, say where the
            // post came from. Refused before the password is looked at, so it counts against no one.
            throw new BadMessageException(HttpStatus.FORBIDDEN_403, "Cross-site login refused");
        }
        // FormAuthenticator.login would store SessionAuthentication(user, password); this does what it does
        // (LoginAuthenticator.login: check, then renew the session id) and stores the name only.
        UserIdentity user = getLoginService().login(username, password, request, request::getSession);
        if (user == null) {
            return null;
        }
        updateSession(request, response);
        request.getSession(true).setAttribute(SessionAuthentication.AUTHENTICATED_ATTRIBUTE, new StoredLogin(getAuthenticationType(), user));
        return user;
    }

    /** What the browser says about the login post's origin; the form carries no token (CsrfCheck checks the headers). */
    private static CsrfCheck.Request crossSiteSignals(Request request) {
        HttpFields headers = request.getHeaders();
        return new CsrfCheck.Request(null, headers.get("Sec-Fetch-Site"), headers.get(HttpHeader.ORIGIN),
                headers.get(HttpHeader.HOST), request.getHttpURI().getScheme(), Request.getServerName(request),
                Request.getServerPort(request));
    }

    @Override
    protected Fields getParameters(Request request) {
        try {
            return super.getParameters(request);
        } catch (IllegalArgumentException e) {
            // Jetty's form decoder refuses a malformed escape with an IllegalArgumentException, which became a 500
            // (and an error page naming it). It is the client's mistake: 400, with nothing about the cause.
            throw new BadMessageException(HttpStatus.BAD_REQUEST_400, "Malformed login form", e);
        }
    }
}
