package dev.totpguard.filter;

import dev.totpguard.EnrollmentGrace;
import dev.totpguard.TotpVerifiedPrincipal;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TrustedBrowser;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The decision for one request to a protected path (ARCHITECTURE.md, "The flow of one admin request"):
 *
 * <ol>
 *   <li>A raw URI with anything ambiguous in it: 400 ({@link UriFirewall}).</li>
 *   <li>No password login: 403. The container's own security constraint normally sends the browser to
 *       its login page before the filter runs; reaching the filter without a user means that constraint
 *       does not cover this path, and the filter fails closed.</li>
 *   <li>The account's sessions were revoked since the filter first saw this login in the session
 *       ({@link SessionState#LOGIN_SEEN}), verified or not: the session ends and the browser signs in again.</li>
 *   <li>The session was verified for this same user's current login (the same session id, see
 *       {@link SessionState.Verified}), within the maximum age and, on a step-up path, within the step-up
 *       age, and the account's sessions were not revoked since (known from memory, refreshed from the store every
 *       few seconds per account), nor, for a session a trusted browser let in, was that browser forgotten (the same
 *       way, per browser): pass. This is the hot path: two session attribute reads, no store access, no
 *       allocation. Revoked: the session ends and the browser signs in again.</li>
 *   <li>The login carried a {@link TotpVerifiedPrincipal} for this user (the JAAS module checked a code):
 *       mark the session verified and pass.</li>
 *   <li>Otherwise ask the store: enrolled -> the token page; not enrolled and policy REQUIRED (or a login
 *       marked with {@code TotpEnrollmentRequiredPrincipal}) -> the enrollment page, unless the
 *       account is within the policy's enrollment grace: then pass, with the grace in
 *       {@link TotpFilter#ENROLLMENT_GRACE_ATTRIBUTE} for the application's notice (a login's first protected
 *       request counts one sign-in in the store); not enrolled and
 *       OPTIONAL -> pass. A store failure -> 503, never a pass. A BASIC (DIGEST, client certificate) login is
 *       remembered for the filter's pages ({@link SessionState.RepeatedLogin}); if the session is new, the browser
 *       comes back here once first, so the container binds that login to the session before the code.</li>
 * </ol>
 *
 * Every dispatcher type goes through here: a forward, an include, an error page or an async dispatch to
 * a protected path is judged exactly like a request. Thread-safe.
 */
final class Gate {

    private final FilterCore core;

    Gate(FilterCore core) {
        this.core = core;
    }

    void guard(HttpServletRequest request, HttpServletResponse response, FilterChain chain, DispatcherType type,
            String servletPath, String pathInfo) throws IOException, ServletException {
        if (type == DispatcherType.REQUEST && !UriFirewall.isClean(request.getRequestURI())) {
            core.message(request, response, HttpServletResponse.SC_BAD_REQUEST, "message.bad.request.title",
                    "message.bad.request.text");
            return;
        }
        String user = core.users.user(request);
        if (user == null) {
            core.forgetEndedLogin(request);
            HttpSession ended = request.getSession(false);
            if (ended != null) {
                // Nobody signed in on a protected path: whoever the filter's pages were serving is not mid-login any more.
                ended.removeAttribute(SessionState.REPEATED_LOGIN);
            }
            refuse(request, response, type, HttpServletResponse.SC_FORBIDDEN, "message.forbidden.sign.in");
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            // Same user, same login (the session id the code was accepted under): see SessionState.Verified.
            SessionState.Verified verified = FilterCore.verifiedFor(session, user);
            if (verified != null && (!core.isFresh(verified.verifiedAtMillis(), servletPath, pathInfo)
                    || verified.byTrustedBrowser() && core.isStepUpPath(servletPath, pathInfo))) {
                verified = null;
            }
            boolean current;
            try {
                // The login as first seen in this session and, if verified, the code: from memory for a few seconds per
                // account (no store access, no allocation), so a reset, a lock or a password change on any node ends
                // this session within that bound, whether it passed the code yet or not.
                current = core.isLoginCurrent(session, user, verified == null ? Long.MAX_VALUE : verified.sessionsValidAfter())
                        // A session a trusted browser let skip the code lives while that browser is trusted (issue:
                        // forgetting one browser left the session it opened signed in), checked the same bounded way.
                        && (verified == null || core.isTrustCurrent(user, verified));
            } catch (StoreException e) {
                if (type != DispatcherType.INCLUDE) {
                    core.unavailable(request, response, user, e);
                }
                return;
            }
            if (!current) {
                endRevokedSession(request, response, type, user);
                return;
            }
            if (verified != null) {
                chain.doFilter(request, response);
                return;
            }
        }
        decide(request, response, chain, type, servletPath, pathInfo, user, session);
    }

    private void decide(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            DispatcherType type, String servletPath, String pathInfo, String user, HttpSession session)
            throws IOException, ServletException {
        if (session != null) {
            Object marker = session.getAttribute(SessionState.VERIFIED);
            if (marker instanceof SessionState.Verified
                    && !((SessionState.Verified) marker).belongsTo(user, session.getId())) {
                // Another user, or a new login of the same user, within the same session: nothing the first
                // login verified carries over.
                FilterCore.forgetVerification(session);
            }
            Object login = session.getAttribute(SessionState.REPEATED_LOGIN);
            if (login instanceof SessionState.RepeatedLogin && !((SessionState.RepeatedLogin) login).user().equals(user)) {
                // Another user signed in on a protected path: the filter's pages no longer serve the earlier one.
                session.removeAttribute(SessionState.REPEATED_LOGIN);
            }
        }
        TotpVerifiedPrincipal principal = LoginPrincipals.verified(request, user);
        if (principal != null && core.isFresh(principal.verifiedAt().toEpochMilli(), servletPath, pathInfo)) {
            long sessionsValidAfter;
            try {
                sessionsValidAfter = core.service.sessionsValidAfter(user);
            } catch (StoreException e) {
                if (type != DispatcherType.INCLUDE) {
                    core.unavailable(request, response, user, e);
                }
                return;
            }
            if (principal.verifiedAt().toEpochMilli() < sessionsValidAfter) {
                // The code was checked at a login whose sessions were revoked since: that login is over.
                endRevokedSession(request, response, type, user);
                return;
            }
            HttpSession current = request.getSession();
            current.setAttribute(SessionState.VERIFIED,
                    new SessionState.Verified(user, principal.verifiedAt(), current.getId(), sessionsValidAfter));
            chain.doFilter(request, response);
            return;
        }
        TwoFactorStatus status;
        try {
            status = core.service.status(user);
        } catch (StoreException | RuntimeException e) {
            if (type != DispatcherType.INCLUDE) {
                core.unavailable(request, response, user, e);
            }
            return;
        }
        if (status.isActive()) {
            if (passedByTrustedBrowser(request, response, type, servletPath, pathInfo, user)) {
                chain.doFilter(request, response);
                return;
            }
            sendToSecondFactor(request, response, type, user, Route.TOKEN);
        } else if (core.mustEnroll(request, user)) {
            if (core.service.policy().hasEnrollmentGrace()) {
                EnrollmentGrace grace;
                try {
                    grace = enrollmentGrace(request, user);
                } catch (StoreException | RuntimeException e) {
                    // Never "in grace" because the bookkeeping failed: no page at all (fail closed).
                    if (type != DispatcherType.INCLUDE) {
                        core.unavailable(request, response, user, e);
                    }
                    return;
                }
                if (grace.open()) {
                    request.setAttribute(TotpFilter.ENROLLMENT_GRACE_ATTRIBUTE, grace);
                    request.setAttribute(TotpFilter.ENROLLMENT_URL_ATTRIBUTE, core.pages.url(request, Route.ENROLL));
                    chain.doFilter(request, response);
                    return;
                }
            }
            sendToSecondFactor(request, response, type, user, Route.ENROLL);
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * "Remember this browser": a container FORM login (a password typed into this login, never a login the browser
     * repeats by itself or an application's own, which may be a remember-me cookie) that has not been verified in
     * this session yet and is still within the half-authenticated time, on a path that is no step-up path, whose
     * browser holds a trusted-browser cookie of this account ({@code TwoFactorService.isTrustedBrowser}): the code is
     * skipped, the session id renewed and the session marked verified by a trusted browser. The cookie alone
     * authenticates nobody: without the container's user the gate never gets here. A store that cannot tell: the code
     * is asked (fail closed).
     */
    private boolean passedByTrustedBrowser(HttpServletRequest request, HttpServletResponse response, DispatcherType type,
            String servletPath, String pathInfo, String user) {
        if (core.service.policy().trustedBrowserDays() == 0) {
            forgetLeftoverTrust(request, response, type, user);
            return false;
        }
        if (core.trustedBrowserDays(request) == 0 || type != DispatcherType.REQUEST || core.isStepUpPath(servletPath, pathInfo)) {
            return false;
        }
        List<String> tokens = TrustedBrowserCookie.tokens(request);
        if (tokens.isEmpty()) {
            return false;
        }
        HttpSession session = request.getSession();
        // A marker of this login (one whose time ran out, or one a step-up path refused) means the login is not
        // fresh: the code again. So does a login left half-authenticated for too long.
        if (session.getAttribute(SessionState.VERIFIED) != null || core.halfAuthExpired(session, user)) {
            return false;
        }
        try {
            for (String token : tokens) {
                Optional<TrustedBrowser> browser = core.service.trustedBrowser(user, token, core.clientAddress(request));
                if (browser.isPresent()) {
                    core.markVerified(request, user, false, browser.get().id());
                    return true;
                }
            }
        } catch (StoreException e) {
            FilterCore.LOG.log(System.Logger.Level.WARNING, "Credential store unavailable; the trusted browser is not"
                    + " checked and the code is asked", e);
        }
        return false;
    }

    /**
     * Trusted browsers are turned off ({@code totpguard.trusted-browser.days} unset or 0), and this browser still sends
     * the cookie of an entry made while they were on: the entry is deleted and the cookie cleared, so turning the
     * feature on again revives neither. A store that fails now leaves the entry (none is accepted while the feature is
     * off, and the next start deletes them all).
     */
    private void forgetLeftoverTrust(HttpServletRequest request, HttpServletResponse response, DispatcherType type,
            String user) {
        if (type != DispatcherType.REQUEST) {
            return;
        }
        List<String> tokens = TrustedBrowserCookie.tokens(request);
        if (tokens.isEmpty()) {
            return;
        }
        try {
            for (String token : tokens) {
                core.service.forgetLeftoverTrustedBrowser(user, token, core.clientAddress(request));
            }
        } catch (StoreException e) {
            FilterCore.LOG.log(System.Logger.Level.WARNING, "Credential store unavailable; a trusted browser left from"
                    + " before the feature was turned off is deleted later", e);
        }
        if (!response.isCommitted()) {
            TrustedBrowserCookie.clear(request, response);
        }
    }

    /**
     * The enrollment grace of {@code user}, who has no second factor: the first protected request of a login counts the
     * sign-in in the store ({@link SessionState#GRACE_SIGN_IN} marks the login as counted), every later one only reads.
     */
    private EnrollmentGrace enrollmentGrace(HttpServletRequest request, String user) throws StoreException {
        HttpSession session = request.getSession();
        Object counted = session.getAttribute(SessionState.GRACE_SIGN_IN);
        if (counted instanceof SessionState.GraceSignIn && ((SessionState.GraceSignIn) counted).belongsTo(user, session.getId())) {
            return core.service.enrollmentGrace(user);
        }
        EnrollmentGrace grace = core.service.countGraceSignIn(user);
        session.setAttribute(SessionState.GRACE_SIGN_IN, new SessionState.GraceSignIn(user, session.getId()));
        return grace;
    }

    /**
     * The account's sessions were revoked (a reset, disable, lock or new secret of the second factor, or a password
     * change) after this login was first seen or after it passed the second factor: the login ends with the session,
     * and the browser goes to sign in again, password first. Only asking for a code again would leave a stolen session
     * the enrollment page after a reset, and a session opened with the old password would live on.
     */
    private void endRevokedSession(HttpServletRequest request, HttpServletResponse response, DispatcherType type,
            String user) throws IOException {
        FilterCore.logRevokedLogin(user);
        if (type == DispatcherType.INCLUDE || response.isCommitted()) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                FilterCore.forgetVerification(session);
            }
            return;
        }
        core.signOutAndGoToLogin(request, response);
    }

    private void sendToSecondFactor(HttpServletRequest request, HttpServletResponse response, DispatcherType type,
            String user, Route page) throws IOException, ServletException {
        if (type == DispatcherType.INCLUDE || response.isCommitted()) {
            // An included resource cannot set a status or a header; the protected part is simply left out.
            return;
        }
        boolean sessionIsNew = request.getSession(false) == null;
        HttpSession session = request.getSession();
        if (core.halfAuthExpired(session, user)) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        String target = null;
        if (type == DispatcherType.REQUEST && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            // Only the path and query of a GET are kept, server-side; a POST body is never replayed.
            target = ReturnTargets.fromRequest(request.getRequestURI(), request.getQueryString(), request.getContextPath());
            if (target != null) {
                session.setAttribute(SessionState.RETURN_TARGET, target);
            }
        }
        if (FilterCore.isRepeatedLogin(request)) {
            // The filter's pages may lie outside the container's security constraint, where a BASIC login names nobody.
            session.setAttribute(SessionState.REPEATED_LOGIN, new SessionState.RepeatedLogin(user, session.getId()));
            if (sessionIsNew && target != null) {
                // The container signed this request in before the session existed, so it could not bind the login to
                // it; it does so at the next request it signs in, and gives the session a new id then (Tomcat caches
                // the user in the session, Jetty marks it secured). Come back here once, so that happens now and not
                // right after the code, where the new id would end the verification the code just gave.
                FilterCore.redirect(request, response, target);
                return;
            }
        }
        FilterCore.redirect(request, response, core.pages.url(request, page));
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, DispatcherType type, int status,
            String textKey) throws IOException, ServletException {
        if (type == DispatcherType.INCLUDE || response.isCommitted()) {
            return;
        }
        core.message(request, response, status, "message.forbidden.title", textKey);
    }
}
