package dev.totpguard.filter;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * What {@link Gate} and {@link PageRoutes} share: the settings, the service, the clock, the pages, the
 * CSRF guard and the session steps both of them take (start or expire the half-authenticated state,
 * mark the session verified, redirect). Immutable and thread-safe.
 */
final class FilterCore {

    static final System.Logger LOG = System.getLogger(TotpFilter.class.getName());

    final FilterSettings settings;
    final TwoFactorService service;
    final UserResolver users;
    final Clock clock;
    final Pages pages;
    final CsrfProtection csrf;
    final long halfAuthTimeoutMillis;
    final long maxAgeMillis;
    final long stepUpMaxAgeMillis;
    private final BooleanSupplier requiredAtRunTime;

    FilterCore(FilterSettings settings, TwoFactorService service, UserResolver users, Clock clock,
            SecureRandom random, String renderingAttribute, Object renderingToken, BooleanSupplier requiredAtRunTime) {
        this.settings = settings;
        this.requiredAtRunTime = requiredAtRunTime;
        this.service = service;
        this.users = users;
        this.clock = clock;
        this.pages = new Pages(settings, random, renderingAttribute, renderingToken);
        this.csrf = new CsrfProtection(CsrfProtection.FILTER_SESSION_ATTRIBUTE, random);
        this.halfAuthTimeoutMillis = settings.halfAuthTimeout().toMillis();
        this.maxAgeMillis = settings.maxAge().toMillis();
        this.stepUpMaxAgeMillis = settings.stepUpMaxAge().toMillis();
    }

    boolean isRequired() {
        return service.policy().enforcement() == TwoFactorPolicy.Enforcement.REQUIRED;
    }

    /**
     * Whether the user must keep a second factor: policy {@code REQUIRED}, or the application's own run-time setting
     * ({@link TotpFilter.Builder#requiredAtRunTime}). The settings page then refuses turning it off and removing the last
     * authenticator.
     */
    boolean mustKeepFactor() {
        return isRequired() || requiredAtRunTime.getAsBoolean();
    }

    /** A user without a second factor must enroll: policy REQUIRED, or the login said so. */
    boolean mustEnroll(HttpServletRequest request, String user) {
        return isRequired() || LoginPrincipals.enrollmentRequired(request, user);
    }

    /**
     * The one rule of "verified and fresh": a second factor checked at {@code verifiedAtMillis} (a session's marker or
     * a JAAS login's {@code TotpVerifiedPrincipal}) is fresh within the maximum age and, on a step-up path (the
     * filter's own pages never are: pass {@code null} for both paths), within the step-up age. Allocates nothing: it
     * runs on every verified request.
     */
    boolean isFresh(long verifiedAtMillis, String servletPath, String pathInfo) {
        long age = clock.millis() - verifiedAtMillis;
        if (maxAgeMillis > 0 && age > maxAgeMillis) {
            return false;
        }
        return age <= stepUpMaxAgeMillis || servletPath == null || settings.stepUpPaths().isEmpty()
                || !settings.stepUpPaths().matches(servletPath, pathInfo);
    }

    /**
     * For how many days this login's browser may be trusted after its code: the policy's days for a container FORM
     * login, 0 (not offered) when the policy trusts no browsers or the login is one that a trusted browser would not
     * skip anyway (see {@code Gate}).
     */
    int trustedBrowserDays(HttpServletRequest request) {
        return HttpServletRequest.FORM_AUTH.equals(request.getAuthType()) ? service.policy().trustedBrowserDays() : 0;
    }

    /**
     * Whether a marker verified by a trusted browser ({@link SessionState.Verified#byTrustedBrowser()}) must give way
     * to a code here: on every step-up path, whatever its age. Allocates nothing.
     */
    boolean isStepUpPath(String servletPath, String pathInfo) {
        return servletPath != null && !settings.stepUpPaths().isEmpty() && settings.stepUpPaths().matches(servletPath, pathInfo);
    }

    /**
     * The session's verified marker if it belongs to {@code user}'s current login (same user, same session id, see
     * {@link SessionState.Verified}), fresh or not, else {@code null}. Reads the session only and allocates nothing.
     */
    static SessionState.Verified verifiedFor(HttpSession session, String user) {
        Object marker = session == null ? null : session.getAttribute(SessionState.VERIFIED);
        return marker instanceof SessionState.Verified && ((SessionState.Verified) marker).belongsTo(user, session.getId())
                ? (SessionState.Verified) marker : null;
    }

    /**
     * For the filter's pages: the session's verified marker if it belongs to {@code user}'s current login
     * ({@link #verifiedFor}), is {@linkplain #isFresh fresh} and the account's sessions were not revoked since (or the
     * store cannot tell); otherwise {@code null}. The gate applies the same rule per path, with step-up.
     */
    SessionState.Verified verifiedMarker(HttpSession session, String user) {
        SessionState.Verified verified = verifiedFor(session, user);
        if (verified == null || !isFresh(verified.verifiedAtMillis(), null, null)) {
            return null;
        }
        try {
            if (!service.isSessionCurrent(user, verified.sessionsValidAfter()) || !isTrustCurrent(user, verified)) {
                return null;
            }
        } catch (StoreException e) {
            // Whether the sessions were revoked cannot be told: not verified (fail closed).
            LOG.log(Level.WARNING, "Credential store unavailable; the session counts as not verified", e);
            return null;
        }
        return verified;
    }

    /**
     * Whether the trusted browser that stood in for this marker's code, if one did, is still there (not forgotten, on
     * any node: {@code TwoFactorService.isTrustedBrowserCurrent}, from memory within {@code totpguard.sessions.refresh}).
     * Allocates nothing while it answers from memory.
     *
     * @throws StoreException if the store cannot tell: the caller refuses (fail closed)
     */
    boolean isTrustCurrent(String user, SessionState.Verified verified) throws StoreException {
        return verified.trustedBrowserId() == null || service.isTrustedBrowserCurrent(user, verified.trustedBrowserId());
    }

    /**
     * Whether {@code user}'s login in this session is still current: no revocation of the account's sessions since the
     * filter first saw this login ({@link SessionState#LOGIN_SEEN}) nor, unless {@code verifiedValidAfter} is
     * {@link Long#MAX_VALUE}, since the verified marker with that value. The first sight of a login reads the account's
     * value from the store once and records it; every later check answers from the same bounded memory as the verified
     * check ({@code TwoFactorService.isSessionCurrent}) and allocates nothing.
     *
     * @throws StoreException if the store cannot tell: the caller refuses the request (fail closed)
     */
    boolean isLoginCurrent(HttpSession session, String user, long verifiedValidAfter) throws StoreException {
        Object seen = session.getAttribute(SessionState.LOGIN_SEEN);
        long validAfter = verifiedValidAfter;
        if (seen instanceof SessionState.Pending && ((SessionState.Pending) seen).user().equals(user)) {
            // Both must be current; the values only grow, so the older one decides.
            validAfter = Math.min(validAfter, ((SessionState.Pending) seen).millis());
        } else {
            // First sight of this login (or another user's login in the same session): from now on a revocation ends it.
            session.setAttribute(SessionState.LOGIN_SEEN, new SessionState.Pending(user, service.sessionsValidAfter(user)));
        }
        return validAfter == Long.MAX_VALUE || service.isSessionCurrent(user, validAfter);
    }

    /**
     * The filter's pages: ends the session if the login they serve was revoked since the filter first saw it, before
     * any page reads a code or starts an enrollment, so a code given after a password change cannot verify the
     * login that the change ended. A store that cannot tell gets the 503 page.
     *
     * @return true if the response is done (signed out, or 503)
     */
    boolean endedRevokedLogin(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        HttpSession session = request.getSession(false);
        String user = session == null ? null : pageUser(request);
        if (user == null) {
            return false;
        }
        try {
            if (isLoginCurrent(session, user, Long.MAX_VALUE)) {
                return false;
            }
        } catch (StoreException e) {
            unavailable(request, response, user, e);
            return true;
        }
        logRevokedLogin(user);
        signOutAndGoToLogin(request, response);
        return true;
    }

    /**
     * A path the filter does not protect: a request (not a forward or include) of a signed-in user whose login was
     * revoked since the filter first saw it ends the session and comes back to the same URL, now signed out, so the
     * container asks for the password again where it wants one. Otherwise, or when the store cannot tell (the gate
     * fails closed on protected paths), nothing happens here. Also drops what an ended login proved
     * ({@link #forgetEndedLogin}).
     *
     * @return true if the response is done (the redirect)
     */
    boolean endedRevokedLoginOutside(HttpServletRequest request, HttpServletResponse response, DispatcherType type)
            throws IOException {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return false;
        }
        String user = users.user(request);
        if (user == null) {
            if (session.getAttribute(SessionState.VERIFIED) != null) {
                forgetVerification(session);
            }
            return false;
        }
        if (type != DispatcherType.REQUEST || response.isCommitted()) {
            return false;
        }
        try {
            if (isLoginCurrent(session, user, Long.MAX_VALUE)) {
                return false;
            }
        } catch (StoreException e) {
            LOG.log(Level.DEBUG, "Credential store unavailable; the session revocation is checked on protected paths", e);
            return false;
        }
        logRevokedLogin(user);
        signOut(request);
        String query = request.getQueryString();
        redirect(request, response, query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query);
        return true;
    }

    static void logRevokedLogin(String user) {
        LOG.log(Level.INFO, "Ended a session of user {0}: the account''s sessions were revoked after this login", user);
    }

    /**
     * The account's sessions were revoked on this request for this login, which the filter checked at the start of it
     * (a confirmed secret, a disable, an application's {@code keepVerifiedAfterRevocation}): the login goes on under
     * the value in {@code verified}, in both records.
     */
    void keepLogin(HttpSession session, SessionState.Verified verified) {
        session.setAttribute(SessionState.VERIFIED, verified);
        session.setAttribute(SessionState.LOGIN_SEEN,
                new SessionState.Pending(verified.user(), verified.sessionsValidAfter()));
    }

    /**
     * A wrong code on this request may have locked the account, and a lock revokes the account's sessions: this login,
     * which the filter found current at the start of the request, goes on (it sees the lock and its end, as before the
     * lock), every other login of the account ends. Reads the store only when the lock revoked; if it cannot, the login
     * ends with the others (fail closed).
     */
    void keepLoginAfterOwnFailure(HttpSession session, String user) {
        Object seen = session.getAttribute(SessionState.LOGIN_SEEN);
        if (!(seen instanceof SessionState.Pending) || !((SessionState.Pending) seen).user().equals(user)) {
            return;
        }
        try {
            if (!service.isSessionCurrent(user, ((SessionState.Pending) seen).millis())) {
                session.setAttribute(SessionState.LOGIN_SEEN, new SessionState.Pending(user, service.sessionsValidAfter(user)));
            }
        } catch (StoreException e) {
            LOG.log(Level.DEBUG, "Credential store unavailable; the login ends with the account's other sessions", e);
        }
    }

    /**
     * A verified marker for {@code user}'s login in the session with id {@code sessionId}, verified now, under the
     * account's session revocation as the store has it now (so a revocation made a moment ago, such as the one that
     * confirming a new secret makes, does not end this session, and any later one does).
     */
    SessionState.Verified verifiedNow(String user, String sessionId) throws StoreException {
        return new SessionState.Verified(user, clock.instant(), sessionId, service.sessionsValidAfter(user));
    }

    /**
     * Starts the half-authenticated clock for {@code user}, or tells that it ran out. A session that was
     * verified for this user before (and now only needs a fresh code) has no such limit.
     *
     * @return true if the user took longer than the half-auth timeout: the caller sends them to sign in
     */
    boolean halfAuthExpired(HttpSession session, String user) {
        if (verifiedMarker(session, user) != null) {
            return false;
        }
        long now = clock.millis();
        Object pending = session.getAttribute(SessionState.PENDING);
        if (!(pending instanceof SessionState.Pending) || !((SessionState.Pending) pending).user().equals(user)) {
            session.setAttribute(SessionState.PENDING, new SessionState.Pending(user, now));
            return false;
        }
        return now - ((SessionState.Pending) pending).millis() > halfAuthTimeoutMillis;
    }

    /**
     * The second factor succeeded: a new session id first, then the marker. A session id that anyone saw
     * before this moment (a fixation attempt, a log, a shared computer) is worth nothing afterwards
     * (OWASP Session Management: renew the id on every privilege change; Shiro CVE-2026-43827).
     *
     * @param revokedForThisLogin whether this request revoked the account's sessions itself for this login, which the
     *     filter checked at the start of the request (a confirmed new secret, an application's own enrollment before
     *     {@code acceptSecondFactor}): the login goes on under the new value.
     *     Otherwise the login keeps the value it was first seen under, so a code given after a revocation never makes
     *     an older login current again.
     */
    void markVerified(HttpServletRequest request, String user, boolean revokedForThisLogin) throws StoreException {
        markVerified(request, user, revokedForThisLogin, null);
    }

    /**
     * As {@link #markVerified(HttpServletRequest, String, boolean)}; {@code trustedBrowserId}: the trusted browser that
     * stood in for the code, so the marker does not open step-up paths and lives only while that browser is trusted.
     */
    void markVerified(HttpServletRequest request, String user, boolean revokedForThisLogin, String trustedBrowserId)
            throws StoreException {
        // Read first: a store that fails now leaves the session as it was, not renewed and unmarked.
        long sessionsValidAfter = service.sessionsValidAfter(user);
        request.changeSessionId();
        HttpSession session = request.getSession();
        csrf.renew(session);
        session.removeAttribute(SessionState.PENDING);
        session.removeAttribute(SessionState.REPEATED_LOGIN);
        SessionState.Verified verified = new SessionState.Verified(user, clock.instant(), session.getId(), sessionsValidAfter,
                trustedBrowserId);
        Object seen = session.getAttribute(SessionState.LOGIN_SEEN);
        if (revokedForThisLogin || !(seen instanceof SessionState.Pending) || !((SessionState.Pending) seen).user().equals(user)) {
            keepLogin(session, verified);
        } else {
            session.setAttribute(SessionState.VERIFIED, verified);
        }
    }

    /**
     * The user the filter's own pages serve: the signed-in user, or, when the container names nobody on this request,
     * the user of a login the browser repeats (BASIC, DIGEST, client certificate) whom the gate sent here from a
     * protected path in this session under its current id ({@link SessionState.RepeatedLogin}). Never used on a
     * protected path.
     */
    String pageUser(HttpServletRequest request) {
        String user = users.user(request);
        if (user != null) {
            return user;
        }
        HttpSession session = request.getSession(false);
        Object held = session == null ? null : session.getAttribute(SessionState.REPEATED_LOGIN);
        if (held instanceof SessionState.RepeatedLogin && ((SessionState.RepeatedLogin) held).belongsTo(session.getId())) {
            return ((SessionState.RepeatedLogin) held).user();
        }
        return null;
    }

    /**
     * Whether the container signed this request in with a login that the browser sends again with every request and
     * that the container checks only inside its security constraints: BASIC, DIGEST, a client certificate. Such a
     * login is not bound to the session when the session did not exist yet, and outside the constraints nobody is
     * signed in. A FORM login (and an application's own) lives in the session and is seen on every path.
     */
    static boolean isRepeatedLogin(HttpServletRequest request) {
        String type = request.getAuthType();
        return HttpServletRequest.BASIC_AUTH.equals(type) || HttpServletRequest.DIGEST_AUTH.equals(type)
                || HttpServletRequest.CLIENT_CERT_AUTH.equals(type) || "CLIENT-CERT".equals(type);
    }

    /**
     * Drops what the code proved if the session's login has ended: a request (to any path, of any dispatcher
     * type) in a session that holds a verified marker but has no signed-in user. That is a
     * {@code request.logout()} without invalidation, or a container login that ended while the session lived
     * on; the next login in this session, even by the same user and even one that keeps the session id, must
     * pass the code again. Reads one session attribute, and the user only when a marker is there.
     */
    void forgetEndedLogin(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(SessionState.VERIFIED) != null && users.user(request) == null) {
            forgetVerification(session);
        }
    }

    /** Removes the verified marker, the grant to set up a new authenticator that a current code gave, and the enrollment this login started. */
    static void forgetVerification(HttpSession session) {
        session.removeAttribute(SessionState.VERIFIED);
        session.removeAttribute(SessionState.REENROLL);
        session.removeAttribute(SessionState.ENROLLMENT);
    }

    /** The saved same-origin return target (consumed), or the default target. */
    String takeReturnTarget(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object saved = session == null ? null : session.getAttribute(SessionState.RETURN_TARGET);
        if (session != null) {
            session.removeAttribute(SessionState.RETURN_TARGET);
        }
        // Checked again on the way out: the session may come from another node or an older version.
        if (saved instanceof String && ReturnTargets.isSafe((String) saved, request.getContextPath())) {
            return (String) saved;
        }
        return request.getContextPath() + settings.defaultTarget();
    }

    /** Invalidate the session (which ends a container FORM login) and send the browser to sign in. */
    void signOutAndGoToLogin(HttpServletRequest request, HttpServletResponse response) throws IOException {
        signOut(request);
        redirect(request, response, request.getContextPath() + settings.loginPath());
    }

    /** Ends the container login and the session, whichever of the two the container ties to the other. */
    void signOut(HttpServletRequest request) {
        try {
            request.logout();
        } catch (ServletException e) {
            LOG.log(Level.DEBUG, "logout failed; the session is invalidated anyway", e);
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalid) {
                // nothing left to end
            }
        }
    }

    /** 302 after a GET, 303 after anything else, so that a POST is never repeated by the browser. */
    static void redirect(HttpServletRequest request, HttpServletResponse response, String location)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        Pages.protectiveHeaders(response);
        String method = request.getMethod();
        response.setStatus(method.equals("GET") || method.equals("HEAD")
                ? HttpServletResponse.SC_FOUND : HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
        response.setContentLength(0);
    }

    /**
     * The client's address for the per-address limit and the audit events: the peer, or what a trusted proxy reports
     * ({@code totpguard.trusted-proxies}); never a forwarding header a client could write itself.
     */
    String clientAddress(HttpServletRequest request) {
        return settings.trustedProxies().resolve(request.getRemoteAddr(), request.isSecure(),
                name -> java.util.Collections.list(request.getHeaders(name))).address();
    }

    Pages.Context context(HttpServletRequest request, String user) {
        HttpSession session = user == null ? request.getSession(false) : request.getSession();
        String token = session == null ? null : csrf.token(session);
        TotpParameters parameters = service.policy().parameters();
        return new Pages.Context(user, token, HostCsrfToken.of(request), parameters.digits(), parameters.periodSeconds(),
                parameters.algorithm().uriName(), pages.pagesUrl(request));
    }

    void render(HttpServletRequest request, HttpServletResponse response, Page page, String user)
            throws IOException, ServletException {
        pages.render(request, response, page, context(request, user));
    }

    /**
     * The user's second-factor status, or {@code null} once the 503 page has been sent: a page that needs the
     * status never goes on without it (fail closed).
     */
    TwoFactorStatus statusOrUnavailable(HttpServletRequest request, HttpServletResponse response, String user)
            throws IOException, ServletException {
        try {
            return service.status(user);
        } catch (StoreException | RuntimeException e) {
            unavailable(request, response, user, e);
            return null;
        }
    }

    /**
     * The store could not be reached: a 503 page, never a pass. A name refused as another spelling of an enrolled
     * account (which reaches here as a {@link StoreException} from every path) gets its own 403 page instead.
     */
    void unavailable(HttpServletRequest request, HttpServletResponse response, String user, Exception cause)
            throws IOException, ServletException {
        if (cause instanceof AccountAliasException) {
            accountAlias(request, response, user);
            return;
        }
        LOG.log(Level.WARNING, "Credential store unavailable; refusing the request (HTTP 503)", cause);
        response.setHeader("Retry-After", "60");
        pages.render(request, response, new Page.Unavailable(), context(request, user));
    }

    /**
     * The signed-in name is another spelling of an account enrolled under a different user name: the password check
     * accepted it, but TOTP Guard neither lets it pass as "not enrolled" nor offers it an enrollment (HTTP 403).
     * Only signing in again with the account's own user name helps.
     */
    void accountAlias(HttpServletRequest request, HttpServletResponse response, String user) throws IOException, ServletException {
        LOG.log(Level.WARNING, "Refused user name {0}: another spelling of an account enrolled under a different name (HTTP 403)",
                user);
        if (!response.isCommitted()) {
            pages.render(request, response, new Page.Message(HttpServletResponse.SC_FORBIDDEN, "message.forbidden.title",
                    "message.forbidden.alias"), context(request, user));
        }
    }

    void message(HttpServletRequest request, HttpServletResponse response, int status, String titleKey,
            String textKey) throws IOException, ServletException {
        pages.render(request, response, new Page.Message(status, titleKey, textKey), context(request, null));
    }
}
