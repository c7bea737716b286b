package dev.totpguard.filter;

import dev.totpguard.Authenticator;
import dev.totpguard.AuthenticatorLimitException;
import dev.totpguard.Enrollment;
import dev.totpguard.LastAuthenticatorException;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.Verification;
import dev.totpguard.internal.web.SettingsPage;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TrustedBrowser;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

/**
 * Answers the filter's own addresses, the {@link Route}s under {@code totpguard.filter.pages} (default
 * {@code /totpguard}): the code form and its check, the recovery-code form and its check, the enrollment and its
 * confirmation (which shows the recovery codes once), the user's own settings and their three changes, signing out.
 *
 * <p>Pages answer GET and HEAD only and actions POST only (anything else: 405). Every POST needs the
 * session's CSRF token and a same-site origin (else 403 and nothing happens), and a body over 16 KiB is
 * refused (413): unread if it declares its length, after at most 16 KiB + 1 bytes if it is chunked. A user
 * name in a form is never used: the user is always the one the container (or the {@link UserResolver}) signed in, or,
 * where the container checks a BASIC login only inside its security constraint and these pages lie outside it, the one
 * it signed in on a protected path of this same session ({@link FilterCore#pageUser}). No page works without that
 * password login; they send the browser to sign in instead. Thread-safe.
 */
final class PageRoutes {

    /** Form fields that would name a user; the token form ignores them, other forms refuse a mismatch. */
    private static final List<String> USER_FIELDS = List.of("user", "username", "userId", "account", "j_username");

    /** The largest body a POST to the filter's pages may declare; its forms need well under 1 KiB. */
    static final long MAX_FORM_BYTES = 16 * 1024;

    private final FilterCore core;

    PageRoutes(FilterCore core) {
        this.core = core;
    }

    void handle(HttpServletRequest request, HttpServletResponse response, DispatcherType type, Route route)
            throws IOException, ServletException {
        if (type == DispatcherType.INCLUDE) {
            return;
        }
        if (type != DispatcherType.REQUEST && type != DispatcherType.FORWARD) {
            // An error page or async dispatch into the filter's pages is a configuration mistake, not a form.
            core.message(request, response, HttpServletResponse.SC_NOT_FOUND, "message.not.found.title",
                    "message.not.found.text");
            return;
        }
        if (type == DispatcherType.REQUEST && !UriFirewall.isClean(request.getRequestURI())) {
            core.message(request, response, HttpServletResponse.SC_BAD_REQUEST, "message.bad.request.title",
                    "message.bad.request.text");
            return;
        }
        if (route == null) {
            core.message(request, response, HttpServletResponse.SC_NOT_FOUND, "message.not.found.title",
                    "message.not.found.text");
            return;
        }
        if (!route.allows(request.getMethod())) {
            // A state-changing action never runs on a GET, which links, images and prefetches send.
            methodNotAllowed(request, response, route.allowHeader());
            return;
        }
        if (!route.isAction()) {
            route.handler().handle(this, request, response, route);
        } else if (request.getContentLengthLong() > MAX_FORM_BYTES) {
            // Every form of the filter holds a token and a code or two; a larger body is not one of them.
            // Refused on its declared length, before the container reads or parses it (Tomcat would parse
            // up to 2 MB), and the connection is closed because the unread body is still on it.
            tooLarge(request, response);
        } else {
            // A body of unknown length (chunked) is read here, at most one byte past the same bound, before
            // the container's form parser could read megabytes of it.
            HttpServletRequest form = request.getContentLengthLong() < 0
                    ? BoundedForm.read(request, MAX_FORM_BYTES) : request;
            if (form == null) {
                tooLarge(request, response);
            } else if (!core.csrf.isValid(form)) {
                discardBody(form);
                core.message(form, response, HttpServletResponse.SC_FORBIDDEN, "message.forbidden.title",
                        "message.forbidden.csrf");
            } else {
                route.handler().handle(this, form, response, route);
            }
        }
    }

    /**
     * The user an action serves, or {@code null} once the browser has been sent to sign in. With
     * {@code checkNamedUser}, a form that names another user is refused (403) and {@code null} returned too.
     */
    private String actionUser(HttpServletRequest request, HttpServletResponse response, boolean checkNamedUser)
            throws IOException, ServletException {
        String user = core.pageUser(request);
        if (user == null) {
            core.signOutAndGoToLogin(request, response);
            return null;
        }
        if (checkNamedUser && namesAnotherUser(request, user)) {
            core.message(request, response, HttpServletResponse.SC_FORBIDDEN, "message.forbidden.title",
                    "message.forbidden.user");
            return null;
        }
        return user;
    }

    // ---- token and recovery code -------------------------------------------------------------------

    void token(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        codeForm(request, response, new Page.Token(Page.Reply.OK, core.trustedBrowserDays(request)));
    }

    void recovery(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        codeForm(request, response, new Page.Recovery(Page.Reply.OK));
    }

    private void codeForm(HttpServletRequest request, HttpServletResponse response, Page page)
            throws IOException, ServletException {
        String user = core.pageUser(request);
        if (user == null) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        HttpSession session = request.getSession();
        if (core.halfAuthExpired(session, user)) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        TwoFactorStatus status = core.statusOrUnavailable(request, response, user);
        if (status == null) {
            return;
        }
        if (!status.isActive()) {
            FilterCore.redirect(request, response, core.mustEnroll(request, user)
                    ? core.pages.url(request, Route.ENROLL) : core.takeReturnTarget(request));
            return;
        }
        core.render(request, response, page, user);
    }

    void verify(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = actionUser(request, response, false);
        if (user != null) {
            checkCode(request, response, user, false);
        }
    }

    void recover(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = actionUser(request, response, false);
        if (user != null) {
            checkCode(request, response, user, true);
        }
    }

    /** Token form and recovery form. Any user name in the form is ignored (attack case 17). */
    private void checkCode(HttpServletRequest request, HttpServletResponse response, String user, boolean recovery)
            throws IOException, ServletException {
        HttpSession session = request.getSession();
        if (core.halfAuthExpired(session, user)) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        String code = request.getParameter(Pages.CODE_PARAMETER);
        Verification result = recovery
                ? core.service.useRecoveryCode(user, code, core.clientAddress(request))
                : core.service.verify(user, code, core.clientAddress(request));
        switch (result.outcome()) {
            case ACCEPTED:
                try {
                    core.markVerified(request, user, false);
                } catch (StoreException e) {
                    core.unavailable(request, response, user, e);
                    return;
                }
                if (!recovery && "on".equals(request.getParameter(Pages.TRUST_PARAMETER))) {
                    trustBrowser(request, response, result);
                }
                FilterCore.redirect(request, response, core.takeReturnTarget(request));
                return;
            case STORE_UNAVAILABLE:
                core.unavailable(request, response, user, null);
                return;
            case ACCOUNT_ALIAS:
                core.accountAlias(request, response, user);
                return;
            case LOCKED:
                core.keepLoginAfterOwnFailure(session, user);
                core.render(request, response, codePage(request, recovery,
                        Page.Reply.locked(result.retryAfter().orElseThrow())), user);
                return;
            default:
                core.keepLoginAfterOwnFailure(session, user);
                // INVALID, REPLAYED and NOT_ENROLLED look the same from outside: telling them apart would tell
                // an attacker that a code was right a moment ago, or that an account has no second factor.
                core.render(request, response, codePage(request, recovery,
                        Page.Reply.notice(recovery ? "recovery.invalid" : "token.invalid")), user);
        }
    }

    private Page codePage(HttpServletRequest request, boolean recovery, Page.Reply reply) {
        return recovery ? new Page.Recovery(reply) : new Page.Token(reply, core.trustedBrowserDays(request));
    }

    /**
     * The user ticked "trust this browser" on the code form (a POST with the session's CSRF token, never a GET) and the
     * code was right: the cookie goes with the redirect. If the store fails now, the login goes on without it.
     */
    private void trustBrowser(HttpServletRequest request, HttpServletResponse response, Verification accepted) {
        int days = core.trustedBrowserDays(request);
        if (days == 0) {
            return;
        }
        try {
            String token = core.service.trustBrowser(accepted,
                    TrustedBrowserCookie.label(request.getHeader("User-Agent")), core.clientAddress(request));
            if (!TrustedBrowserCookie.issue(request, response, token, days)) {
                FilterCore.LOG.log(Level.WARNING, "The context path cannot be put in a cookie as it is; no browser is trusted");
            }
        } catch (StoreException | IllegalStateException e) {
            FilterCore.LOG.log(Level.WARNING, "Could not trust the browser; the code is asked at its next sign-in", e);
        }
    }

    /** The page again after a wrong code, or a lockout's 429. */
    private static Page.Reply refusal(Verification verification, String invalidKey) {
        return verification.outcome() == Verification.Outcome.LOCKED
                ? Page.Reply.locked(verification.retryAfter().orElseThrow()) : Page.Reply.notice(invalidKey);
    }

    // ---- enrollment ------------------------------------------------------------------------------------

    void enroll(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = core.pageUser(request);
        if (user == null) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        HttpSession session = request.getSession();
        try {
            TwoFactorStatus status = core.service.status(user);
            if (status.isActive() && !hasReenrollGrant(session, user)) {
                // An enrolled user sees a QR code again only after entering a current code (CVE-2023-3597).
                FilterCore.redirect(request, response, core.pages.url(request,
                        core.verifiedMarker(session, user) != null ? Route.MANAGE : Route.TOKEN));
                return;
            }
            if (!status.isActive() && core.mustEnroll(request, user) && core.halfAuthExpired(session, user)) {
                core.signOutAndGoToLogin(request, response);
                return;
            }
            // Only the enrollment this session started is shown again; any other (another session's, an expired
            // one) is replaced by a new one of this session's own (issue 11).
            Optional<Enrollment> pending = core.service.pendingEnrollment(user, enrollmentNonce(session, user));
            Enrollment enrollment = pending.isPresent() ? pending.get() : startEnrollment(session, user);
            core.render(request, response, new Page.Enroll(enrollment, Page.Reply.OK), user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    void confirm(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = actionUser(request, response, true);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        TwoFactorStatus status = core.statusOrUnavailable(request, response, user);
        if (status == null) {
            return;
        }
        boolean reenroll = status.isActive();
        if (reenroll && !hasReenrollGrant(session, user)) {
            core.message(request, response, HttpServletResponse.SC_FORBIDDEN, "message.forbidden.title",
                    "message.forbidden.reenroll");
            return;
        }
        if (!reenroll && core.mustEnroll(request, user) && core.halfAuthExpired(session, user)) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        String nonce = enrollmentNonce(session, user);
        EnrollmentResult result = core.service.confirmEnrollment(user, nonce, request.getParameter(Pages.CODE_PARAMETER),
                core.clientAddress(request));
        Verification verification = result.verification();
        switch (verification.outcome()) {
            case ACCEPTED:
                session.removeAttribute(SessionState.REENROLL);
                session.removeAttribute(SessionState.ENROLLMENT);
                try {
                    core.markVerified(request, user, true);
                } catch (StoreException e) {
                    // The new secret is active; the user signs in with it once the store is back.
                    core.unavailable(request, response, user, e);
                    return;
                }
                String next = reenroll ? core.pages.url(request, Route.MANAGE) : core.takeReturnTarget(request);
                showRecoveryCodes(request, response, user, result.recoveryCodes(), next);
                return;
            case NOT_ENROLLED:
                FilterCore.redirect(request, response, core.pages.url(request, Route.ENROLL));
                return;
            case STORE_UNAVAILABLE:
                core.unavailable(request, response, user, null);
                return;
            case ACCOUNT_ALIAS:
                core.accountAlias(request, response, user);
                return;
            default:
                core.keepLoginAfterOwnFailure(session, user);
                try {
                    Optional<Enrollment> pending = core.service.pendingEnrollment(user, nonce);
                    if (pending.isEmpty()) {
                        FilterCore.redirect(request, response, core.pages.url(request, Route.ENROLL));
                        return;
                    }
                    core.render(request, response,
                            new Page.Enroll(pending.get(), refusal(verification, "enroll.invalid")), user);
                } catch (StoreException | RuntimeException e) {
                    core.unavailable(request, response, user, e);
                }
        }
    }

    /** Starts an enrollment and keeps its nonce in this session, the only place that holds it. */
    private Enrollment startEnrollment(HttpSession session, String user) throws StoreException {
        Enrollment enrollment = core.service.startEnrollment(user);
        session.setAttribute(SessionState.ENROLLMENT, new SessionState.EnrollmentNonce(user, enrollment.nonce()));
        return enrollment;
    }

    /** The nonce of the enrollment this session started for {@code user}, or {@code null}. */
    private static String enrollmentNonce(HttpSession session, String user) {
        Object held = session.getAttribute(SessionState.ENROLLMENT);
        return held instanceof SessionState.EnrollmentNonce && ((SessionState.EnrollmentNonce) held).user().equals(user)
                ? ((SessionState.EnrollmentNonce) held).nonce() : null;
    }

    private void showRecoveryCodes(HttpServletRequest request, HttpServletResponse response, String user,
            List<String> codes, String next) throws IOException, ServletException {
        // Rendered straight into this POST's response and kept nowhere else, so they are shown exactly once.
        String issuer = core.service.policy().issuer();
        core.render(request, response, new Page.Codes(issuer, user, codes, next), user);
    }

    private boolean hasReenrollGrant(HttpSession session, String user) {
        Object grant = session.getAttribute(SessionState.REENROLL);
        return grant instanceof SessionState.Pending && ((SessionState.Pending) grant).user().equals(user)
                && core.clock.millis() <= ((SessionState.Pending) grant).millis();
    }

    // ---- the user's own settings -------------------------------------------------------------------------

    void manage(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = core.pageUser(request);
        if (user == null) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        TwoFactorStatus status = core.statusOrUnavailable(request, response, user);
        if (status == null) {
            return;
        }
        HttpSession session = request.getSession();
        if (status.isActive() && core.verifiedMarker(session, user) == null) {
            session.setAttribute(SessionState.RETURN_TARGET, core.pages.url(request, Route.MANAGE));
            FilterCore.redirect(request, response, core.pages.url(request, Route.TOKEN));
            return;
        }
        Page page;
        try {
            page = managePage(status, Page.Reply.OK, null, user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
            return;
        }
        core.render(request, response, page, user);
    }

    private Page managePage(TwoFactorStatus status, Page.Reply reply, Route refused, String user) throws StoreException {
        return managePage(status, reply, refused, user, null);
    }

    /** @param refusedAuthenticator the authenticator whose removal was refused (its form says why), or {@code null} */
    private Page managePage(TwoFactorStatus status, Page.Reply reply, Route refused, String user, String refusedAuthenticator)
            throws StoreException {
        List<TrustedBrowser> browsers = status.isActive() ? core.service.trustedBrowsers(user) : List.of();
        List<Authenticator> authenticators = status.isActive() ? core.service.authenticators(user) : List.of();
        return new Page.Manage(reply, status.isActive(), status.recoveryCodesRemaining(), !core.mustKeepFactor(), refused,
                browsers, core.service.policy().trustedBrowserDays() > 0, authenticators,
                core.service.policy().maxAuthenticators(), refusedAuthenticator);
    }

    // ---- several authenticators (issue 17) ------------------------------------------------------------------

    /**
     * Starts adding a further authenticator: from a verified session, with a current code of an existing authenticator
     * (a hijacked session must not add the attacker's phone), below the policy's limit. Shows the new QR code; its first
     * code goes to {@link Route#CONFIRM_AUTHENTICATOR}, in this session only (the addition's nonce stays here).
     */
    void addAuthenticator(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = verifiedActionUser(request, response);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        try {
            TwoFactorStatus status = core.service.status(user);
            if (!status.isActive()) {
                FilterCore.redirect(request, response, core.pages.url(request, Route.MANAGE));
                return;
            }
            int max = core.service.policy().maxAuthenticators();
            if (core.service.authenticators(user).size() >= max) {
                // Refused before the code is checked, so the user does not spend one on a change that cannot happen.
                core.render(request, response, managePage(status, new Page.Reply(HttpServletResponse.SC_CONFLICT,
                        "manage.authenticators.limit", List.of(max), null), route, user), user);
                return;
            }
            Verification check = currentCode(request, response, user, status, route, null);
            if (check == null) {
                return;
            }
            Enrollment addition;
            try {
                addition = core.service.startAuthenticator(check, request.getParameter(Pages.LABEL_PARAMETER));
            } catch (AuthenticatorLimitException e) {
                core.render(request, response, managePage(status, new Page.Reply(HttpServletResponse.SC_CONFLICT,
                        "manage.authenticators.limit", List.of(e.limit()), null), route, user), user);
                return;
            }
            session.setAttribute(SessionState.ADDITION, new SessionState.EnrollmentNonce(user, addition.nonce()));
            core.render(request, response, new Page.Enroll(addition, Page.Reply.OK, Route.CONFIRM_AUTHENTICATOR), user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    /** The further authenticator's first code, in the session that started the addition. */
    void confirmAuthenticator(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = verifiedActionUser(request, response);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        Object held = session.getAttribute(SessionState.ADDITION);
        String nonce = held instanceof SessionState.EnrollmentNonce addition && addition.user().equals(user) ? addition.nonce() : null;
        Verification verification = core.service.confirmAuthenticator(user, nonce, request.getParameter(Pages.CODE_PARAMETER),
                core.clientAddress(request));
        try {
            switch (verification.outcome()) {
                case ACCEPTED:
                    session.removeAttribute(SessionState.ADDITION);
                    FilterCore.LOG.log(Level.INFO, "User {0} added an authenticator", user);
                    core.render(request, response, managePage(core.service.status(user),
                            Page.Reply.notice("manage.authenticators.added"), null, user), user);
                    return;
                case NOT_ENROLLED:
                    FilterCore.redirect(request, response, core.pages.url(request, Route.MANAGE));
                    return;
                case STORE_UNAVAILABLE:
                    core.unavailable(request, response, user, null);
                    return;
                case ACCOUNT_ALIAS:
                    core.accountAlias(request, response, user);
                    return;
                default:
                    Optional<Enrollment> pending = core.service.pendingAuthenticator(user, nonce);
                    if (pending.isEmpty()) {
                        FilterCore.redirect(request, response, core.pages.url(request, Route.MANAGE));
                        return;
                    }
                    core.render(request, response, new Page.Enroll(pending.get(), refusal(verification, "enroll.invalid"),
                            Route.CONFIRM_AUTHENTICATOR), user);
            }
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    /**
     * Removes one authenticator (by its public id in the form) with a current code from any of them, or a recovery code.
     * The last one goes only where the factor is not required ({@link FilterCore#mustKeepFactor}), and then as a
     * disable. The account's other sessions end and its trusted browsers are forgotten; this session goes on.
     */
    void removeAuthenticator(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = verifiedActionUser(request, response);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        String id = request.getParameter(Pages.AUTHENTICATOR_PARAMETER);
        try {
            TwoFactorStatus status = core.service.status(user);
            if (!status.isActive()) {
                FilterCore.redirect(request, response, core.pages.url(request, Route.MANAGE));
                return;
            }
            List<Authenticator> authenticators = core.service.authenticators(user);
            if (authenticators.stream().noneMatch(authenticator -> authenticator.id().equals(id))) {
                core.render(request, response, managePage(status, Page.Reply.status(HttpServletResponse.SC_NOT_FOUND,
                        "manage.authenticators.gone"), null, user), user);
                return;
            }
            if (authenticators.size() == 1 && core.mustKeepFactor()) {
                core.render(request, response, managePage(status, Page.Reply.status(HttpServletResponse.SC_FORBIDDEN,
                        "manage.authenticators.last"), route, user, id), user);
                return;
            }
            Verification check = currentCode(request, response, user, status, route, id);
            if (check == null) {
                return;
            }
            try {
                if (!core.service.removeAuthenticator(check, id)) {
                    core.render(request, response, managePage(core.service.status(user), Page.Reply.status(
                            HttpServletResponse.SC_NOT_FOUND, "manage.authenticators.gone"), null, user), user);
                    return;
                }
            } catch (LastAuthenticatorException e) {
                core.render(request, response, managePage(status, Page.Reply.status(HttpServletResponse.SC_FORBIDDEN,
                        "manage.authenticators.last"), route, user, id), user);
                return;
            }
            FilterCore.LOG.log(Level.INFO, "User {0} removed an authenticator", user);
            TwoFactorStatus after = core.service.status(user);
            // The removal (or, for the last one, the disable) ended the account's sessions; this one, which has just
            // given a current code, goes on under the new revocation value.
            core.keepLogin(session, core.verifiedNow(user, session.getId()));
            core.render(request, response, managePage(after, Page.Reply.notice(after.isActive()
                    ? "manage.authenticators.removed" : "manage.disable.done"), null, user), user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    /** The user of an action that needs a verified session, or {@code null} once the browser has been sent on. */
    private String verifiedActionUser(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String user = actionUser(request, response, true);
        if (user == null) {
            return null;
        }
        if (core.verifiedMarker(request.getSession(), user) == null) {
            FilterCore.redirect(request, response, core.pages.url(request, Route.TOKEN));
            return null;
        }
        return user;
    }

    /**
     * Checks the current code (or an unused recovery code, {@link SettingsPage#checkProof}) of the form, as every change of
     * the second factor does; answers the request itself and returns {@code null} unless it was accepted (a refusal is
     * said at the form's field).
     */
    private Verification currentCode(HttpServletRequest request, HttpServletResponse response, String user,
            TwoFactorStatus status, Route route, String refusedAuthenticator) throws IOException, ServletException, StoreException {
        Verification check = SettingsPage.checkProof(core.service, user, request.getParameter(Pages.CODE_PARAMETER),
                core.clientAddress(request));
        if (check.outcome() == Verification.Outcome.STORE_UNAVAILABLE) {
            core.unavailable(request, response, user, null);
            return null;
        }
        if (check.outcome() == Verification.Outcome.ACCOUNT_ALIAS) {
            core.accountAlias(request, response, user);
            return null;
        }
        if (!check.isAccepted()) {
            core.render(request, response, managePage(status, refusal(check, "manage.invalid"), route, user, refusedAuthenticator),
                    user);
            return null;
        }
        HttpSession session = request.getSession();
        session.setAttribute(SessionState.VERIFIED, core.verifiedNow(user, session.getId()));
        return check;
    }

    /**
     * Forgets one trusted browser (by the public id in the form) or all of them: the user's own, from a verified
     * session, with the CSRF token. Takes no code: it only takes trust away. Forgetting one ends the sessions that
     * browser let skip the code ({@link FilterCore#isTrustCurrent}); forgetting all ends the account's sessions. This
     * one goes on either way, its verification as it was.
     */
    void forgetBrowsers(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = actionUser(request, response, true);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        SessionState.Verified own = core.verifiedMarker(session, user);
        if (own == null) {
            FilterCore.redirect(request, response, core.pages.url(request, Route.TOKEN));
            return;
        }
        try {
            String notice;
            if (route == Route.FORGET_BROWSERS) {
                core.service.revokeTrustedBrowsers(user, null, core.clientAddress(request));
                TrustedBrowserCookie.clear(request, response);
                notice = "manage.trusted.forgotten.all";
                core.keepLogin(session, own.underRevocation(core.service.sessionsValidAfter(user)));
            } else {
                String id = request.getParameter(Pages.BROWSER_PARAMETER);
                core.service.revokeTrustedBrowser(user, id, null, core.clientAddress(request));
                notice = "manage.trusted.forgotten";
                if (id != null && id.equals(own.trustedBrowserId())) {
                    // This session was opened by the browser it forgets: it goes on, as after forgetting all; every
                    // other session that browser opened ends (the gate asks the store whether its browser is there).
                    session.setAttribute(SessionState.VERIFIED, own.underRevocation(own.sessionsValidAfter()));
                }
            }
            FilterCore.LOG.log(Level.INFO, "User {0} forgot trusted browsers", user);
            core.render(request, response, managePage(core.service.status(user), Page.Reply.notice(notice), null, user), user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    /**
     * Re-enroll, regenerate, disable: each needs a verified session and, in the form, a current code or a recovery code
     * ({@link SettingsPage#checkProof}).
     */
    void change(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String user = actionUser(request, response, true);
        if (user == null) {
            return;
        }
        HttpSession session = request.getSession();
        if (core.verifiedMarker(session, user) == null) {
            FilterCore.redirect(request, response, core.pages.url(request, Route.TOKEN));
            return;
        }
        try {
            TwoFactorStatus status = core.service.status(user);
            if (!status.isActive()) {
                FilterCore.redirect(request, response, core.pages.url(request, Route.MANAGE));
                return;
            }
            if (route == Route.DISABLE && core.mustKeepFactor()) {
                core.render(request, response, managePage(status,
                        Page.Reply.status(HttpServletResponse.SC_FORBIDDEN, "manage.required"), null, user), user);
                return;
            }
            // The session alone is not enough to change the second factor (NIST SP 800-63B 6.1.2.1, OWASP MFA):
            // a current code or a recovery code (a lost phone), checked and used up like any other, same lockout.
            Verification check = SettingsPage.checkProof(core.service, user, request.getParameter(Pages.CODE_PARAMETER),
                    core.clientAddress(request));
            if (check.outcome() == Verification.Outcome.STORE_UNAVAILABLE) {
                core.unavailable(request, response, user, null);
                return;
            }
            if (check.outcome() == Verification.Outcome.ACCOUNT_ALIAS) {
                core.accountAlias(request, response, user);
                return;
            }
            if (!check.isAccepted()) {
                core.render(request, response, managePage(status, refusal(check, "manage.invalid"), route, user), user);
                return;
            }
            session.setAttribute(SessionState.VERIFIED, core.verifiedNow(user, session.getId()));
            switch (route) {
                case REENROLL:
                    session.setAttribute(SessionState.REENROLL,
                            new SessionState.Pending(user, core.clock.millis() + core.stepUpMaxAgeMillis));
                    core.render(request, response, new Page.Enroll(startEnrollment(session, user), Page.Reply.OK),
                            user);
                    return;
                case REGENERATE:
                    showRecoveryCodes(request, response, user, core.service.regenerateRecoveryCodes(user),
                            core.pages.url(request, Route.MANAGE));
                    return;
                case DISABLE:
                    core.service.disable(user);
                    // The disable ended the account's other sessions; this one, which has just given a current code,
                    // goes on under the new revocation value.
                    core.keepLogin(session, core.verifiedNow(user, session.getId()));
                    FilterCore.LOG.log(Level.INFO, "User {0} turned off two-factor authentication", user);
                    core.render(request, response, managePage(core.service.status(user),
                            Page.Reply.notice("manage.disable.done"), null, user), user);
                    return;
                default:
                    throw new AssertionError("unknown action " + route);
            }
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    void logout(HttpServletRequest request, HttpServletResponse response, Route route) throws IOException {
        core.signOut(request);
        FilterCore.redirect(request, response, request.getContextPath() + core.settings.logoutTarget());
    }

    private static boolean namesAnotherUser(HttpServletRequest request, String user) {
        for (String field : USER_FIELDS) {
            String named = request.getParameter(field);
            if (named != null && !named.equals(user)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads what is left of a refused body that was not a form (JSON, multipart), at most {@link #MAX_FORM_BYTES}, so
     * the connection can carry the client's next request: Jetty closes a connection whose body was left unread.
     */
    private static void discardBody(HttpServletRequest request) {
        try {
            BoundedForm.readAtMost(request.getInputStream(), MAX_FORM_BYTES, null);
        } catch (IOException | IllegalStateException | UncheckedIOException e) {
            // Then the container closes the connection instead; the refusal is the same.
        }
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        response.setHeader("Connection", "close");
        core.message(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "message.too.large.title",
                "message.too.large.text");
    }

    private void methodNotAllowed(HttpServletRequest request, HttpServletResponse response, String allow)
            throws IOException, ServletException {
        response.setHeader("Allow", allow);
        core.message(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "message.method.title",
                "message.method.text");
    }
}
