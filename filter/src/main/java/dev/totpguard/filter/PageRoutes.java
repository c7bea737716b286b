package dev.totpguard.filter;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.Verification;
import dev.totpguard.store.StoreException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

/**
 * The filter's own pages under {@code totpguard.filter.pages} (default {@code /totpguard}):
 *
 * <pre>
 * GET  /token      the code form                  POST /verify      check it (TwoFactorService.verify)
 * GET  /recovery   the recovery-code form         POST /recover     check it (useRecoveryCode)
 * GET  /enroll     QR code, key, first code       POST /confirm     activate; show the recovery codes once
 * GET  /manage     the user's own settings        POST /reenroll    current code -> a new QR code
 *                                                  POST /regenerate  current code -> new recovery codes
 *                                                  POST /disable     current code -> 2FA off (OPTIONAL only)
 *                                                  POST /logout      end the session
 * </pre>
 *
 * Pages answer GET and HEAD only and actions POST only (anything else: 405). Every POST needs the
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

    void handle(HttpServletRequest request, HttpServletResponse response, DispatcherType type, String route)
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
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        switch (route) {
            case Pages.TOKEN:
            case Pages.RECOVERY:
            case Pages.ENROLL:
            case Pages.MANAGE:
                if (!read) {
                    methodNotAllowed(request, response, "GET, HEAD");
                } else if (route.equals(Pages.MANAGE)) {
                    manage(request, response);
                } else if (route.equals(Pages.ENROLL)) {
                    enroll(request, response);
                } else {
                    codeForm(request, response, route.equals(Pages.TOKEN) ? PageKind.TOKEN : PageKind.RECOVERY);
                }
                return;
            case Pages.VERIFY:
            case Pages.RECOVER:
            case Pages.CONFIRM:
            case Pages.REENROLL:
            case Pages.REGENERATE:
            case Pages.DISABLE:
            case Pages.LOGOUT:
                if (!post) {
                    // A state-changing action never runs on a GET, which links, images and prefetches send.
                    methodNotAllowed(request, response, "POST");
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
                        action(form, response, route);
                    }
                }
                return;
            default:
                core.message(request, response, HttpServletResponse.SC_NOT_FOUND, "message.not.found.title",
                        "message.not.found.text");
        }
    }

    private void action(HttpServletRequest request, HttpServletResponse response, String route)
            throws IOException, ServletException {
        if (route.equals(Pages.LOGOUT)) {
            logout(request, response);
            return;
        }
        String user = core.pageUser(request);
        if (user == null) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        switch (route) {
            case Pages.VERIFY:
                verify(request, response, user, false);
                break;
            case Pages.RECOVER:
                verify(request, response, user, true);
                break;
            default:
                if (namesAnotherUser(request, user)) {
                    core.message(request, response, HttpServletResponse.SC_FORBIDDEN, "message.forbidden.title",
                            "message.forbidden.user");
                } else if (route.equals(Pages.CONFIRM)) {
                    confirm(request, response, user);
                } else {
                    manageAction(request, response, user, route);
                }
        }
    }

    // ---- token and recovery code -------------------------------------------------------------------

    private void codeForm(HttpServletRequest request, HttpServletResponse response, PageKind kind)
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
                    ? core.pages.url(request, Pages.ENROLL) : core.takeReturnTarget(request));
            return;
        }
        core.render(request, response, Page.of(kind).build(), user);
    }

    /** Token form and recovery form. Any user name in the form is ignored (attack case 17). */
    private void verify(HttpServletRequest request, HttpServletResponse response, String user, boolean recovery)
            throws IOException, ServletException {
        HttpSession session = request.getSession();
        if (core.halfAuthExpired(session, user)) {
            core.signOutAndGoToLogin(request, response);
            return;
        }
        String code = request.getParameter(Pages.CODE_PARAMETER);
        Verification result = recovery
                ? core.service.useRecoveryCode(user, code, clientAddress(request))
                : core.service.verify(user, code, clientAddress(request));
        PageKind kind = recovery ? PageKind.RECOVERY : PageKind.TOKEN;
        switch (result.outcome()) {
            case ACCEPTED:
                try {
                    core.markVerified(request, user, false);
                } catch (StoreException e) {
                    core.unavailable(request, response, user, e);
                    return;
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
                core.render(request, response, locked(kind, result), user);
                return;
            default:
                core.keepLoginAfterOwnFailure(session, user);
                // INVALID, REPLAYED and NOT_ENROLLED look the same from outside: telling them apart would tell
                // an attacker that a code was right a moment ago, or that an account has no second factor.
                core.render(request, response, Page.of(kind)
                        .message(recovery ? "recovery.invalid" : "token.invalid").build(), user);
        }
    }

    private static Page locked(PageKind kind, Verification result) {
        return Page.of(kind).status(429).message("token.locked", result.retryAfter().orElseThrow())
                .retryAfter(result.retryAfter().orElseThrow()).build();
    }

    // ---- enrollment ------------------------------------------------------------------------------------

    private void enroll(HttpServletRequest request, HttpServletResponse response)
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
                        core.verifiedMarker(session, user) != null ? Pages.MANAGE : Pages.TOKEN));
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
            core.render(request, response, enrollmentPage(enrollment).build(), user);
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    private void confirm(HttpServletRequest request, HttpServletResponse response, String user)
            throws IOException, ServletException {
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
                clientAddress(request));
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
                String next = reenroll ? core.pages.url(request, Pages.MANAGE) : core.takeReturnTarget(request);
                showRecoveryCodes(request, response, user, result.recoveryCodes(), next);
                return;
            case NOT_ENROLLED:
                FilterCore.redirect(request, response, core.pages.url(request, Pages.ENROLL));
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
                        FilterCore.redirect(request, response, core.pages.url(request, Pages.ENROLL));
                        return;
                    }
                    Page.Builder page = enrollmentPage(pending.get());
                    if (verification.outcome() == Verification.Outcome.LOCKED) {
                        page.status(429).message("token.locked", verification.retryAfter().orElseThrow())
                                .retryAfter(verification.retryAfter().orElseThrow());
                    } else {
                        page.message("enroll.invalid");
                    }
                    core.render(request, response, page.build(), user);
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

    private static Page.Builder enrollmentPage(Enrollment enrollment) {
        return Page.of(PageKind.ENROLL).enrollment(enrollment.qrPngDataUri(), enrollment.groupedKey(),
                enrollment.issuer(), enrollment.account());
    }

    private void showRecoveryCodes(HttpServletRequest request, HttpServletResponse response, String user,
            List<String> codes, String next) throws IOException, ServletException {
        // Rendered straight into this POST's response and kept nowhere else, so they are shown exactly once.
        String issuer = core.service.policy().issuer();
        core.render(request, response, Page.of(PageKind.CODES).enrollment(null, null, issuer, user)
                .recoveryCodes(codes, next).build(), user);
    }

    private boolean hasReenrollGrant(HttpSession session, String user) {
        Object grant = session.getAttribute(SessionState.REENROLL);
        return grant instanceof SessionState.Pending && ((SessionState.Pending) grant).user().equals(user)
                && core.clock.millis() <= ((SessionState.Pending) grant).millis();
    }

    // ---- the user's own settings -------------------------------------------------------------------------

    private void manage(HttpServletRequest request, HttpServletResponse response)
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
            session.setAttribute(SessionState.RETURN_TARGET, core.pages.url(request, Pages.MANAGE));
            FilterCore.redirect(request, response, core.pages.url(request, Pages.TOKEN));
            return;
        }
        core.render(request, response, managePage(status).build(), user);
    }

    private Page.Builder managePage(TwoFactorStatus status) {
        return Page.of(PageKind.MANAGE).management(status.isActive(), status.recoveryCodesRemaining(),
                !core.isRequired());
    }

    /** Re-enroll, regenerate, disable: each needs a verified session and a current code in the form. */
    private void manageAction(HttpServletRequest request, HttpServletResponse response, String user, String route)
            throws IOException, ServletException {
        HttpSession session = request.getSession();
        if (core.verifiedMarker(session, user) == null) {
            FilterCore.redirect(request, response, core.pages.url(request, Pages.TOKEN));
            return;
        }
        try {
            TwoFactorStatus status = core.service.status(user);
            if (!status.isActive()) {
                FilterCore.redirect(request, response, core.pages.url(request, Pages.MANAGE));
                return;
            }
            if (route.equals(Pages.DISABLE) && core.isRequired()) {
                core.render(request, response, managePage(status).status(HttpServletResponse.SC_FORBIDDEN)
                        .message("manage.required").build(), user);
                return;
            }
            // The session alone is not enough to change the second factor (NIST SP 800-63B 6.1.2.1, OWASP MFA):
            // a current code, checked and used up like any other, with the same lockout.
            Verification check = core.service.verify(user, request.getParameter(Pages.CODE_PARAMETER),
                    clientAddress(request));
            if (check.outcome() == Verification.Outcome.STORE_UNAVAILABLE) {
                core.unavailable(request, response, user, null);
                return;
            }
            if (check.outcome() == Verification.Outcome.ACCOUNT_ALIAS) {
                core.accountAlias(request, response, user);
                return;
            }
            if (!check.isAccepted()) {
                Page.Builder page = managePage(status);
                if (check.outcome() == Verification.Outcome.LOCKED) {
                    page.status(429).message("token.locked", check.retryAfter().orElseThrow())
                            .retryAfter(check.retryAfter().orElseThrow());
                } else {
                    page.message("manage.invalid");
                }
                core.render(request, response, page.build(), user);
                return;
            }
            session.setAttribute(SessionState.VERIFIED, core.verifiedNow(user, session.getId()));
            switch (route) {
                case Pages.REENROLL:
                    session.setAttribute(SessionState.REENROLL,
                            new SessionState.Pending(user, core.clock.millis() + core.stepUpMaxAgeMillis));
                    core.render(request, response, enrollmentPage(startEnrollment(session, user)).build(), user);
                    return;
                case Pages.REGENERATE:
                    showRecoveryCodes(request, response, user, core.service.regenerateRecoveryCodes(user),
                            core.pages.url(request, Pages.MANAGE));
                    return;
                case Pages.DISABLE:
                    core.service.disable(user);
                    // The disable ended the account's other sessions; this one, which has just given a current code,
                    // goes on under the new revocation value.
                    core.keepLogin(session, core.verifiedNow(user, session.getId()));
                    FilterCore.LOG.log(Level.INFO, "User {0} turned off two-factor authentication", user);
                    core.render(request, response, managePage(core.service.status(user))
                            .message("manage.disable.done").build(), user);
                    return;
                default:
                    throw new AssertionError("unknown action " + route);
            }
        } catch (StoreException | RuntimeException e) {
            core.unavailable(request, response, user, e);
        }
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
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

    /** The client's address for the per-address limit: the peer, or what a trusted proxy reports (totpguard.trusted-proxies). */
    private String clientAddress(HttpServletRequest request) {
        return core.settings.trustedProxies().resolve(request.getRemoteAddr(), request.isSecure(),
                name -> java.util.Collections.list(request.getHeaders(name))).address();
    }
}
