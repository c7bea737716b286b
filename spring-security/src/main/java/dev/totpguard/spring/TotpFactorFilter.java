package dev.totpguard.spring;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentGrace;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.Verification;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.CsrfCheck;
import dev.totpguard.internal.web.SettingsPage;
import dev.totpguard.internal.web.TrustedBrowserCookies;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TrustedBrowser;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The request path of the TOTP factor: serves the pages under the pages path to a signed-in user, checks codes with
 * {@link TwoFactorService} for the user Spring's {@code Authentication} names, and on an accepted code adds the
 * {@link TotpFactor#AUTHORITY} factor (see {@link TotpConfigurer}); and the user's own settings page, whose every
 * change (new authenticator, new recovery codes, turning the factor off) needs a current code, checked by the service
 * as at sign-in. Every other request passes through untouched. Also the entry point for a user who lacks the factor.
 *
 * <p>"Remember this browser" ({@link TwoFactorService#trustBrowser}, where the policy trusts browsers): with a
 * correct code the user may tick "trust this browser"; the browser then gets core's {@link TrustedBrowserCookies}
 * cookie. At a later login the cookie stands in for the code on the token page only, for a login that has just given
 * its password through a form (Spring's {@code FACTOR_PASSWORD}, issued less than {@link #TRUST_LOGIN_WINDOW} ago,
 * in this session, once per login), never for a remember-me login or one that repeats its password by itself
 * (HTTP Basic), never on enrollment or the settings page's changes; the factor it grants is issued at
 * {@link #TRUSTED_BROWSER_ISSUED_AT}, so a requirement of a recent code ({@code validDuration}, step-up) still asks
 * for one.
 *
 * <p>Enrollment grace ({@link TwoFactorPolicy#hasEnrollmentGrace}): a signed-in user without an authenticator whom
 * the application sends here for the factor passes instead while the grace is open, on every request that needs the
 * factor, with {@link TotpFactor#ENROLLMENT_GRACE_ATTRIBUTE} set; afterwards such requests lead to enrollment.
 * Thread-safe once wired.
 */
final class TotpFactorFilter extends OncePerRequestFilter {

    /** The session attribute with the nonce of this session's enrollment ({@link TwoFactorService#startEnrollment}). */
    static final String ENROLLMENT_NONCE = TotpFactorFilter.class.getName() + ".enrollmentNonce";

    private static final System.Logger LOG = System.getLogger(TotpFactorFilter.class.getName());

    /**
     * The session attribute with the account's session revocation when the factor was granted
     * ({@link TwoFactorService#sessionsValidAfter}): a later revocation ends the session.
     */
    static final String SESSIONS_VALID_AFTER = TotpFactorFilter.class.getName() + ".sessionsValidAfter";

    /**
     * The session attribute with the id of the trusted browser that stood in for the code of this login: forgetting that
     * browser, one or all, here or on another node, ends the session ({@link TwoFactorService#isTrustedBrowserCurrent}).
     * Absent when a code gave the factor.
     */
    static final String TRUSTED_BROWSER_ID = TotpFactorFilter.class.getName() + ".trustedBrowser";

    /**
     * The session attribute that lets an account with an active authenticator see and confirm a new enrollment: set
     * only after a current code on the settings page, for that account and until the enrollment would expire.
     */
    static final String REENROLL_GRANT = TotpFactorFilter.class.getName() + ".reenrollGrant";

    /** A {@link #REENROLL_GRANT}: {@code user} may confirm a new secret until {@code untilMillis} (service clock). */
    record ReenrollGrant(String user, long untilMillis) implements Serializable {
    }

    /**
     * The session attribute that records that a trusted browser was looked at for a login ({@link TrustTried}): once
     * per login, so a factor that a trusted browser granted and the application then found too old (step-up) leads to
     * the code form, not to the browser again.
     */
    static final String TRUST_TRIED = TotpFactorFilter.class.getName() + ".trustTried";

    /** A {@link #TRUST_TRIED}: the login of {@code user} whose password factor was issued at {@code passwordIssuedAt}. */
    record TrustTried(String user, Instant passwordIssuedAt) implements Serializable {
    }

    /**
     * The session attribute that records the login whose sign-in the enrollment grace counted ({@link GraceSignIn}):
     * counted once per login, at its first request that needs the factor; read on every later one.
     */
    static final String GRACE_SIGN_IN = TotpFactorFilter.class.getName() + ".graceSignIn";

    /**
     * A {@link #GRACE_SIGN_IN}: the login {@code login} of {@code user} (see {@link #loginOf}), counted when the
     * account's session revocation was {@code sessionsValidAfter}: a later revocation (a password change, an
     * enrollment elsewhere) ends the session.
     */
    record GraceSignIn(String user, String login, long sessionsValidAfter) implements Serializable {
    }

    /**
     * How long after its password a login may still be let in by a trusted browser instead of the code (the servlet
     * filter's default half-authenticated time): a login left at the token page for longer gives the code.
     */
    static final Duration TRUST_LOGIN_WINDOW = Duration.ofMinutes(5);

    /**
     * The issue time of a factor that a trusted browser granted instead of a code: the epoch, so that it meets no
     * {@code validDuration} (a step-up path asks for a code, as the servlet filter's step-up paths do for a trusted
     * browser), while a requirement of the factor alone is met.
     */
    static final Instant TRUSTED_BROWSER_ISSUED_AT = Instant.EPOCH;

    private final String pagesPath;
    private final RequestMatcher tokenPage;
    private final RequestMatcher verify;
    private final RequestMatcher recoveryPage;
    private final RequestMatcher recover;
    private final RequestMatcher enrollPage;
    private final RequestMatcher confirm;
    private final RequestMatcher settingsPage;
    private final RequestMatcher change;
    private final RequestMatcher forgetBrowser;
    private final RequestMatcher forgetBrowsers;
    private final RequestMatcher anyPage;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private TotpPages pages = new TotpPages(Branding.none());
    private TwoFactorService service;
    private SecurityContextRepository repository;
    private SessionAuthenticationStrategy sessions;
    private RequestCache requestCache;

    TotpFactorFilter(String pagesPath) {
        this.pagesPath = pagesPath;
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        tokenPage = paths.matcher(HttpMethod.GET, pagesPath + TotpPages.TOKEN);
        verify = paths.matcher(HttpMethod.POST, pagesPath + TotpPages.VERIFY);
        recoveryPage = paths.matcher(HttpMethod.GET, pagesPath + TotpPages.RECOVERY);
        recover = paths.matcher(HttpMethod.POST, pagesPath + TotpPages.RECOVER);
        enrollPage = paths.matcher(HttpMethod.GET, pagesPath + TotpPages.ENROLL);
        confirm = paths.matcher(HttpMethod.POST, pagesPath + TotpPages.CONFIRM);
        settingsPage = paths.matcher(HttpMethod.GET, pagesPath + TotpPages.MANAGE);
        change = paths.matcher(HttpMethod.POST, pagesPath + "/{change:" + String.join("|", SettingsPage.CHANGES) + "}");
        forgetBrowser = paths.matcher(HttpMethod.POST, pagesPath + TotpPages.FORGET_BROWSER);
        forgetBrowsers = paths.matcher(HttpMethod.POST, pagesPath + TotpPages.FORGET_BROWSERS);
        anyPage = paths.matcher(pagesPath + "/**");
    }

    /** Called once, while Spring Security builds the filter chain, before the first request. */
    void wire(TwoFactorService service, SecurityContextRepository repository, SessionAuthenticationStrategy sessions,
            RequestCache requestCache) {
        this.service = service;
        this.repository = repository;
        this.sessions = sessions;
        this.requestCache = requestCache;
    }

    /** The application's look on the pages; called, if at all, while the chain is built, before the first request. */
    void brand(Branding branding) {
        this.pages = new TotpPages(branding);
    }

    /**
     * The entry point for a signed-in user without {@link TotpFactor#AUTHORITY}: enrollment for a user without an
     * active authenticator (whatever the policy's enforcement: the application requires the factor here), else the
     * token page. The request itself is saved by Spring's access-denied handler, so the user returns to it.
     */
    void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
            throws IOException {
        Authentication authentication = contexts.getContext().getAuthentication();
        String target = TotpPages.TOKEN;
        if (authentication != null) {
            try {
                if (!service.status(authentication.getName()).isActive()) {
                    target = TotpPages.ENROLL;
                    if (service.policy().hasEnrollmentGrace() && countGraceSignIn(request, authentication).open()) {
                        // Within the grace: the same request again, which doFilterInternal then lets pass (this
                        // handler runs after Spring's authorization refused it). A form's POST is not repeated.
                        boolean get = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
                        String uri = request.getRequestURI();
                        // Only a plain path of this application, never one a browser would read as another host.
                        boolean plain = uri.startsWith("/") && !uri.startsWith("//") && !uri.contains("\\");
                        redirect(response, get && plain ? (request.getQueryString() == null ? uri
                                : uri + "?" + request.getQueryString()) : request.getContextPath() + "/");
                        return;
                    }
                }
            } catch (StoreException e) {
                // The token (or enrollment) page then says that the store is unavailable; fail closed.
                LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the credential store is unavailable for "
                        + authentication.getName(), e);
            }
        }
        requestCache.saveRequest(request, response);
        redirect(response, request.getContextPath() + pagesPath + target);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = contexts.getContext().getAuthentication();
        if (authentication != null && hasFactor(authentication)) {
            try {
                if (!isCurrent(request, authentication.getName())) {
                    // Revoked since the code (a lock from wrong codes, a reset, disable or new secret, or the
                    // application's revokeSessions): the whole login ends on every request of this session, not only
                    // the factor, as the filter's sessions do. Spring's authorization then asks for the login again.
                    LOG.log(System.Logger.Level.INFO, "TOTP Guard: a session of {0} ended: its sessions were revoked"
                            + " since its code", authentication.getName());
                    HttpSession session = request.getSession(false);
                    if (session != null) {
                        session.invalidate();
                    }
                    contexts.clearContext();
                    authentication = null;
                }
            } catch (StoreException e) {
                LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the credential store is unavailable for "
                        + authentication.getName(), e);
                pages.unavailable(response, view(request, authentication.getName()));
                return;
            }
        }
        if (authentication != null && !anyPage.matches(request) && service.policy().hasEnrollmentGrace()
                && !hasFactor(authentication) && graceCounted(request, authentication) != null) {
            passInGrace(request, response, chain, authentication);
            return;
        }
        if (!anyPage.matches(request) || authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            // Not signed in: Spring's authorization sends the user to the login first.
            chain.doFilter(request, response);
            return;
        }
        // The canonical name of the account: the one Spring's Authentication holds (UserDetails#getUsername as the
        // UserDetailsService returned it), never a name typed into a form.
        String user = authentication.getName();
        TotpPages.View view = view(request, user);
        if ("POST".equals(request.getMethod()) && !isOwnSitesForm(request, view.csrf())) {
            pages.forbidden(response, view);
            return;
        }
        try {
            if (tokenPage.matches(request)) {
                if (!passedByTrustedBrowser(request, response, authentication)) {
                    pages.token(response, view, null);
                }
            } else if (recoveryPage.matches(request)) {
                pages.recovery(response, view, null);
            } else if (verify.matches(request)) {
                Verification verification = service.verify(user, code(request), request.getRemoteAddr());
                finish(request, response, authentication, verification, view, false);
            } else if (recover.matches(request)) {
                Verification verification = service.useRecoveryCode(user, code(request), request.getRemoteAddr());
                finish(request, response, authentication, verification, view, true);
            } else if (enrollPage.matches(request)) {
                enroll(request, response, user, view);
            } else if (confirm.matches(request)) {
                confirm(request, response, authentication, view);
            } else if (settingsPage.matches(request)) {
                settings(request, response, authentication, view);
            } else if (forgetBrowser.matches(request) || forgetBrowsers.matches(request)) {
                forgetBrowsers(request, response, authentication, view, forgetBrowsers.matches(request));
            } else if (change.matches(request)) {
                change(request, response, authentication, view,
                        change.matcher(request).getVariables().get("change"));
            } else {
                // Not one of the factor's pages: the application's, under its own authorization rules.
                chain.doFilter(request, response);
            }
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the credential store is unavailable for " + user, e);
            pages.unavailable(response, view);
        }
    }

    /** What the pages need to know about this request, for {@code user}. */
    private TotpPages.View view(HttpServletRequest request, String user) {
        Authentication authentication = contexts.getContext().getAuthentication();
        int trustDays = authentication != null && authentication.getName().equals(user)
                ? trustedBrowserDays(request, authentication) : 0;
        return new TotpPages.View(user, request.getContextPath(), request.getContextPath() + pagesPath,
                request.getContextPath() + "/logout",
                (CsrfToken) request.getAttribute(CsrfToken.class.getName()), service.policy(),
                request.getHeader("Accept-Language"), trustDays);
    }

    private static String code(HttpServletRequest request) {
        String code = request.getParameter(TotpPages.CODE_PARAMETER);
        return code == null ? "" : code;
    }

    private void finish(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            Verification verification, TotpPages.View view, boolean recovery) throws IOException, StoreException {
        if (verification.isAccepted() && verification.claim()) {
            grantFactor(request, response, authentication, verification);
            if (!recovery && view.trustDays() > 0
                    && "on".equals(request.getParameter(TrustedBrowserCookies.TRUST_PARAMETER))) {
                trustBrowser(request, response, verification, view.trustDays());
            }
            redirect(response, returnTarget(request, response));
            return;
        }
        switch (verification.outcome()) {
            case LOCKED -> pages.locked(response, view, recovery, verification.retryAfter().orElseThrow());
            case STORE_UNAVAILABLE -> pages.unavailable(response, view);
            case NOT_ENROLLED -> {
                redirect(response, view.pagesUrl() + TotpPages.ENROLL);
            }
            default -> {
                if (recovery) {
                    pages.recovery(response, view, "recovery.invalid");
                } else {
                    pages.token(response, view, "token.invalid");
                }
            }
        }
    }

    private void enroll(HttpServletRequest request, HttpServletResponse response, String user, TotpPages.View view)
            throws IOException, StoreException {
        TwoFactorStatus status = service.status(user);
        HttpSession session = request.getSession();
        if (status.isActive()) {
            // An enrolled user sees a QR code again only after a current code on the settings page (CVE-2023-3597):
            // the re-enrollment that code started, else the settings page (or the token page first).
            Object nonce = session.getAttribute(ENROLLMENT_NONCE);
            Enrollment pending = hasReenrollGrant(session, user) && nonce instanceof String started
                    ? service.pendingEnrollment(user, started).orElse(null) : null;
            if (pending == null) {
                redirect(response, view.pagesUrl() + (hasFactor(contexts.getContext().getAuthentication())
                        ? TotpPages.MANAGE : TotpPages.TOKEN));
            } else {
                pages.enroll(response, view, pending, null);
            }
            return;
        }
        Object nonce = session.getAttribute(ENROLLMENT_NONCE);
        Enrollment enrollment = nonce instanceof String pending
                ? service.pendingEnrollment(user, pending).orElse(null) : null;
        if (enrollment == null) {
            enrollment = service.startEnrollment(user);
            session.setAttribute(ENROLLMENT_NONCE, enrollment.nonce());
        }
        pages.enroll(response, view, enrollment, null);
    }

    private void confirm(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            TotpPages.View view) throws IOException, StoreException {
        String user = authentication.getName();
        HttpSession session = request.getSession(false);
        Object nonce = session == null ? null : session.getAttribute(ENROLLMENT_NONCE);
        if (!(nonce instanceof String pending)) {
            redirect(response, view.pagesUrl() + TotpPages.ENROLL);
            return;
        }
        boolean reenroll = service.status(user).isActive();
        if (reenroll && !hasReenrollGrant(session, user)) {
            // A new secret for an account that has one needs a current code of the old one first (settings page),
            // whatever enrollment this session may have started before the account was enrolled elsewhere.
            pages.forbidden(response, view, "message.forbidden.reenroll");
            return;
        }
        EnrollmentResult result = service.confirmEnrollment(user, pending, code(request), request.getRemoteAddr());
        Verification verification = result.verification();
        if (result.isAccepted() && verification.claim()) {
            session.removeAttribute(ENROLLMENT_NONCE);
            session.removeAttribute(REENROLL_GRANT);
            session.removeAttribute(GRACE_SIGN_IN);
            // The new secret revoked the account's other sessions (the service did); this one goes on with it.
            grantFactor(request, response, authentication, verification);
            pages.codes(response, view(request, user), result.recoveryCodes(),
                    reenroll ? view.pagesUrl() + TotpPages.MANAGE : returnTarget(request, response));
            return;
        }
        switch (verification.outcome()) {
            case LOCKED -> pages.locked(response, view, false, verification.retryAfter().orElseThrow());
            case STORE_UNAVAILABLE -> pages.unavailable(response, view);
            default -> {
                Enrollment enrollment = service.pendingEnrollment(user, pending).orElse(null);
                if (enrollment == null) {
                    session.removeAttribute(ENROLLMENT_NONCE);
                    redirect(response, view.pagesUrl() + TotpPages.ENROLL);
                } else {
                    pages.enroll(response, view, enrollment, "token.invalid");
                }
            }
        }
    }

    /**
     * The settings page, for a user who has given a code in this session: one who has not is sent to the token page
     * first (and back here after it), an account without an active authenticator to enrollment.
     */
    private void settings(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            TotpPages.View view) throws IOException, StoreException {
        TwoFactorStatus status = service.status(authentication.getName());
        if (!status.isActive()) {
            redirect(response, view.pagesUrl() + TotpPages.ENROLL);
        } else if (!hasFactor(authentication)) {
            requestCache.saveRequest(request, response);
            redirect(response, view.pagesUrl() + TotpPages.TOKEN);
        } else {
            pages.manage(response, view, status, browsers(authentication.getName(), status));
        }
    }

    /**
     * One change of the settings page ({@code name} one of {@link SettingsPage#CHANGES}): the session alone is not
     * enough to change the second factor (NIST SP 800-63B 6.1.2.1, OWASP MFA), so each asks for a current code from
     * the active authenticator or a recovery code (a lost phone; {@link SettingsPage#checkProof}), checked with the
     * replay protection, attempt limits and lockout of a sign-in; a refused code changes nothing and is said at the field of that form. Each change ends
     * with a new session id (Spring's session authentication strategy).
     */
    private void change(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            TotpPages.View view, String name) throws IOException, StoreException {
        String user = authentication.getName();
        if (!hasFactor(authentication)) {
            redirect(response, view.pagesUrl() + TotpPages.TOKEN);
            return;
        }
        TwoFactorStatus status = service.status(user);
        if (!status.isActive()) {
            redirect(response, view.pagesUrl() + TotpPages.MANAGE);
            return;
        }
        boolean disable = SettingsPage.DISABLE.equals(name);
        if (disable && !TotpPages.disableAllowed(service.policy())) {
            pages.manageRequired(response, view, status, browsers(user, status));
            return;
        }
        Verification check = SettingsPage.checkProof(service, user, code(request), request.getRemoteAddr());
        if (check.outcome() == Verification.Outcome.STORE_UNAVAILABLE) {
            pages.unavailable(response, view);
            return;
        }
        if (!check.isAccepted() || !check.claim()) {
            // Wrong, replayed and missing codes look alike (as at sign-in); a lockout is a 429 at the same field.
            TwoFactorStatus now = service.status(user);
            pages.manageRefused(response, view, now, browsers(user, now), name,
                    check.outcome() == Verification.Outcome.LOCKED ? check.retryAfter().orElseThrow() : null);
            return;
        }
        switch (name) {
            case "reenroll" -> {
                // The old secret stays until a code of the new one confirms it.
                Enrollment enrollment = service.startEnrollment(user);
                grantFactor(request, response, authentication, check);
                HttpSession session = request.getSession();
                session.setAttribute(ENROLLMENT_NONCE, enrollment.nonce());
                session.setAttribute(REENROLL_GRANT, new ReenrollGrant(user,
                        service.clock().millis() + service.policy().enrollmentTimeout().toMillis()));
                pages.enroll(response, view(request, user), enrollment, null);
            }
            case "regenerate" -> {
                List<String> codes = service.regenerateRecoveryCodes(user);
                grantFactor(request, response, authentication, check);
                // Rendered straight into this response and kept nowhere else, so they are shown exactly once.
                pages.codes(response, view(request, user), codes, view.pagesUrl() + TotpPages.MANAGE);
            }
            case SettingsPage.DISABLE -> {
                // The service revokes the account's sessions that passed the factor; this one loses the factor.
                service.disable(user);
                LOG.log(System.Logger.Level.INFO, "TOTP Guard: {0} turned off two-factor authentication", user);
                dropFactor(request, response, authentication);
                pages.manageDone(response, view(request, user), service.status(user), List.of(),
                        "manage.disable.done");
            }
            default -> throw new IllegalStateException("not a change of the settings page: " + name);
        }
    }

    /** The user's trusted browsers for the settings page: none without an active authenticator. */
    private List<TrustedBrowser> browsers(String user, TwoFactorStatus status) throws StoreException {
        return status.isActive() ? service.trustedBrowsers(user) : List.of();
    }

    /**
     * Forgets one trusted browser (by the public id in the form) or all of them: the user's own, from a session that
     * has the factor, with Spring's CSRF token (checked by its CsrfFilter) and the site checks of every form here.
     * Takes no code: it only takes trust away. Forgetting all ends the account's other sessions too (one a forgotten
     * browser opened must end, {@link TwoFactorService#revokeTrustedBrowsers}); this one goes on, marked current again.
     */
    private void forgetBrowsers(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            TotpPages.View view, boolean all) throws IOException, StoreException {
        String user = authentication.getName();
        if (!hasFactor(authentication)) {
            requestCache.saveRequest(request, response);
            redirect(response, view.pagesUrl() + TotpPages.TOKEN);
            return;
        }
        String notice;
        if (all) {
            service.revokeTrustedBrowsers(user, null, request.getRemoteAddr());
            TrustedBrowserCookies.clear(request.getContextPath(), request.isSecure())
                    .ifPresent(header -> response.addHeader("Set-Cookie", header));
            request.getSession().setAttribute(SESSIONS_VALID_AFTER, service.sessionsValidAfter(user));
            // The acting session goes on, also if its own browser let it in (its factor, dated 1970, opens no step-up).
            request.getSession().removeAttribute(TRUSTED_BROWSER_ID);
            notice = "manage.trusted.forgotten.all";
        } else {
            String browser = request.getParameter(TrustedBrowserCookies.BROWSER_PARAMETER);
            service.revokeTrustedBrowser(user, browser, null, request.getRemoteAddr());
            if (browser != null && browser.equals(request.getSession().getAttribute(TRUSTED_BROWSER_ID))) {
                request.getSession().removeAttribute(TRUSTED_BROWSER_ID);
            }
            notice = "manage.trusted.forgotten";
        }
        LOG.log(System.Logger.Level.INFO, "TOTP Guard: {0} forgot trusted browsers", user);
        TwoFactorStatus status = service.status(user);
        pages.manageDone(response, view, status, browsers(user, status), notice);
    }

    /**
     * For how many days this login's browser may be trusted after its code: the policy's days for a login that has
     * given its password through a form, 0 (not offered, and no cookie looked at) when the policy trusts no browsers
     * or the login is one that a trusted browser must not complete: a remember-me login (its cookie must never stand
     * in for the password, nor the trust cookie for the code after it), one without Spring's password factor, or one
     * whose client repeats the password by itself (an {@code Authorization} header: HTTP Basic).
     */
    private int trustedBrowserDays(HttpServletRequest request, Authentication authentication) {
        int days = service.policy().trustedBrowserDays();
        if (days == 0 || authentication instanceof RememberMeAuthenticationToken
                || passwordIssuedAt(authentication) == null || request.getHeader("Authorization") != null) {
            return 0;
        }
        return days;
    }

    /** Spring's password factor of this login: the issue time of its {@code FACTOR_PASSWORD}, or {@code null}. */
    private static Instant passwordIssuedAt(Authentication authentication) {
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority instanceof FactorGrantedAuthority factor
                    && FactorGrantedAuthority.PASSWORD_AUTHORITY.equals(factor.getAuthority())) {
                return factor.getIssuedAt();
            }
        }
        return null;
    }

    /**
     * "Remember this browser", on the token page: a login that {@link #trustedBrowserDays} allows, without the factor,
     * whose password was given less than {@link #TRUST_LOGIN_WINDOW} ago and for which no trusted browser was looked
     * at yet ({@link #TRUST_TRIED}), and whose browser sends a cookie that {@link TwoFactorService#trustedBrowser}
     * finds trusted for this account: the factor is granted, issued at {@link #TRUSTED_BROWSER_ISSUED_AT}, the
     * session id renewed, and the browser sent on to the saved request. The cookie alone authenticates nobody: this
     * runs only for a user Spring has signed in with a password. A store that cannot tell: the code is asked.
     *
     * @return whether the response is written (the factor granted)
     */
    private boolean passedByTrustedBrowser(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        if (hasFactor(authentication) || trustedBrowserDays(request, authentication) == 0) {
            return false;
        }
        List<String> tokens = trustTokens(request);
        Instant password = passwordIssuedAt(authentication);
        // Spring's clock, which issued the password factor (the service's may be another, e.g. a test's).
        if (tokens.isEmpty() || password.plus(TRUST_LOGIN_WINDOW).isBefore(Instant.now())) {
            return false;
        }
        String user = authentication.getName();
        HttpSession session = request.getSession();
        TrustTried tried = new TrustTried(user, password);
        if (tried.equals(session.getAttribute(TRUST_TRIED))) {
            return false;
        }
        session.setAttribute(TRUST_TRIED, tried);
        try {
            for (String token : tokens) {
                Optional<TrustedBrowser> browser = service.trustedBrowser(user, token, request.getRemoteAddr());
                if (browser.isPresent()) {
                    grantFactor(request, response, authentication, TRUSTED_BROWSER_ISSUED_AT);
                    // Forgetting this browser (here or on another node) ends the session it opened: isCurrent.
                    request.getSession().setAttribute(TRUSTED_BROWSER_ID, browser.get().id());
                    LOG.log(System.Logger.Level.INFO, "TOTP Guard: a trusted browser of {0} stood in for the code",
                            user);
                    redirect(response, returnTarget(request, response));
                    return true;
                }
            }
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the credential store is unavailable; the trusted browser"
                    + " of " + user + " is not checked and the code is asked", e);
        }
        return false;
    }

    private static List<String> trustTokens(HttpServletRequest request) {
        return TrustedBrowserCookies.tokens(request.getCookies());
    }

    /**
     * The user ticked "trust this browser" on the code form (a POST with Spring's CSRF token) and the code was right:
     * the cookie goes with the redirect. If the store fails now, the login goes on without it.
     */
    private void trustBrowser(HttpServletRequest request, HttpServletResponse response, Verification accepted,
            int days) {
        try {
            String token = service.trustBrowser(accepted, TrustedBrowserCookies.label(request.getHeader("User-Agent")),
                    request.getRemoteAddr());
            Optional<String> cookie = TrustedBrowserCookies.issue(request.getContextPath(), request.isSecure(), token,
                    days);
            if (cookie.isPresent()) {
                response.addHeader("Set-Cookie", cookie.get());
            } else {
                LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the context path cannot be put in a cookie as it is;"
                        + " no browser is trusted");
            }
        } catch (StoreException | IllegalStateException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "TOTP Guard: could not trust the browser; the code is asked at its"
                    + " next sign-in", e);
        }
    }

    /**
     * This login within the session: its password factor's issue time where Spring issued one (a new password login
     * is a new login, whatever the session), else the session (a remember-me login, say).
     */
    private static String loginOf(Authentication authentication, HttpSession session) {
        Instant password = passwordIssuedAt(authentication);
        return password != null ? "password@" + password.toEpochMilli() : "session@" + session.getId();
    }

    /** The session's grace marker if it is this login's, else {@code null}. */
    private static GraceSignIn graceCounted(HttpServletRequest request, Authentication authentication) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(GRACE_SIGN_IN) instanceof GraceSignIn counted
                && counted.user().equals(authentication.getName())
                && counted.login().equals(loginOf(authentication, session)) ? counted : null;
    }

    /**
     * The enrollment grace of the signed-in user, who has no authenticator, at a request that needs the factor: the
     * first such request of a login counts the sign-in in the store ({@link TwoFactorService#countGraceSignIn}) and
     * marks the login as counted ({@link #GRACE_SIGN_IN}); every later one only reads.
     */
    private EnrollmentGrace countGraceSignIn(HttpServletRequest request, Authentication authentication)
            throws StoreException {
        String user = authentication.getName();
        if (graceCounted(request, authentication) != null) {
            return service.enrollmentGrace(user);
        }
        long validAfter = service.sessionsValidAfter(user);
        EnrollmentGrace grace = service.countGraceSignIn(user);
        HttpSession session = request.getSession();
        session.setAttribute(GRACE_SIGN_IN, new GraceSignIn(user, loginOf(authentication, session), validAfter));
        return grace;
    }

    /**
     * A request of a login the grace counted ({@link #GRACE_SIGN_IN}): while the account has no authenticator, its
     * sessions were not revoked since and the grace is open, the request goes on with an {@code Authentication} that
     * carries the factor for this request only (Spring's authorization requires it; the context is never saved, and
     * one that were would end the session, as a factor this filter did not grant with its session value does) and
     * with {@link TotpFactor#ENROLLMENT_GRACE_ATTRIBUTE} and {@link TotpFactor#ENROLLMENT_URL_ATTRIBUTE} for the
     * application's notice. Otherwise it goes on as it came (a request that needs the factor then leads to
     * enrollment). A store failure: 503, never "in grace".
     */
    private void passInGrace(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            Authentication authentication) throws IOException, ServletException {
        String user = authentication.getName();
        GraceSignIn counted = graceCounted(request, authentication);
        EnrollmentGrace grace;
        try {
            if (!service.isSessionCurrent(user, counted.sessionsValidAfter())) {
                LOG.log(System.Logger.Level.INFO, "TOTP Guard: a session of {0} ended: its sessions were revoked"
                        + " during its enrollment grace", user);
                request.getSession().invalidate();
                contexts.clearContext();
                chain.doFilter(request, response);
                return;
            }
            grace = service.status(user).isActive() ? EnrollmentGrace.NONE : service.enrollmentGrace(user);
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "TOTP Guard: the credential store is unavailable for " + user, e);
            pages.unavailable(response, view(request, user));
            return;
        }
        if (!grace.open()) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(TotpFactor.ENROLLMENT_GRACE_ATTRIBUTE, grace);
        request.setAttribute(TotpFactor.ENROLLMENT_URL_ATTRIBUTE, request.getContextPath() + pagesPath
                + TotpPages.ENROLL);
        FactorGrantedAuthority factor = FactorGrantedAuthority.withAuthority(TotpFactor.AUTHORITY)
                .issuedAt(service.clock().instant()).build();
        SecurityContext original = contexts.getContext();
        SecurityContext graced = contexts.createEmptyContext();
        graced.setAuthentication(authentication.toBuilder()
                .authorities(authorities -> authorities.add(factor)).build());
        contexts.setContext(graced);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.setContext(original);
        }
    }

    private boolean hasReenrollGrant(HttpSession session, String user) {
        return session.getAttribute(REENROLL_GRANT) instanceof ReenrollGrant grant && grant.user().equals(user)
                && service.clock().millis() <= grant.untilMillis();
    }

    private static void redirect(HttpServletResponse response, String target) throws IOException {
        TotpPages.protectiveHeaders(response);
        response.sendRedirect(response.encodeRedirectURL(target));
    }

    /**
     * The checks of TOTP Guard's other forms, on top of Spring's token (which its CsrfFilter has checked already):
     * {@code Origin} and {@code Sec-Fetch-Site} name this site, and the token is not in the URL, where logs and
     * proxies keep it (an attacker's pass found all three accepted with a valid {@code _csrf}).
     */
    private static boolean isOwnSitesForm(HttpServletRequest request, CsrfToken csrf) {
        // Read the body first, so that a refused form's body is consumed too.
        request.getParameterMap();
        if (csrf != null && CsrfCheck.isInQuery(request.getQueryString(), csrf.getParameterName())) {
            return false;
        }
        return CsrfCheck.isSameSite(CsrfCheck.Request.of(request, null));
    }

    private static boolean hasFactor(Authentication authentication) {
        for (var authority : authentication.getAuthorities()) {
            if (TotpFactor.AUTHORITY.equals(authority.getAuthority())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the session's factor still stands: no revocation of the account since the code (answered from memory
     * for the policy's session refresh, then from the store). A factor without the value it was granted under (one
     * this filter did not grant) does not stand.
     */
    private boolean isCurrent(HttpServletRequest request, String user) throws StoreException {
        HttpSession session = request.getSession(false);
        Object validAfter = session == null ? null : session.getAttribute(SESSIONS_VALID_AFTER);
        if (!(validAfter instanceof Long value && service.isSessionCurrent(user, value))) {
            return false;
        }
        Object browser = session.getAttribute(TRUSTED_BROWSER_ID);
        return !(browser instanceof String id) || service.isTrustedBrowserCurrent(user, id);
    }

    /**
     * Replaces the signed-in user's {@code Authentication} by one with the same principal, details and authorities
     * plus the TOTP factor issued when the code was accepted, as Spring's own factors merge theirs; renews the
     * session id (Spring's session authentication strategy: the session that held only the password is no longer
     * valid) and saves the context.
     */
    private void grantFactor(HttpServletRequest request, HttpServletResponse response, Authentication current,
            Verification verification) throws StoreException {
        grantFactor(request, response, current, verification.issuedAt().orElseGet(() -> service.clock().instant()));
    }

    /** As {@link #grantFactor(HttpServletRequest, HttpServletResponse, Authentication, Verification)}, issued at {@code issuedAt}. */
    private void grantFactor(HttpServletRequest request, HttpServletResponse response, Authentication current,
            Instant issuedAt) throws StoreException {
        FactorGrantedAuthority factor = FactorGrantedAuthority.withAuthority(TotpFactor.AUTHORITY)
                .issuedAt(issuedAt).build();
        Authentication upgraded = current.toBuilder()
                .authorities(authorities -> {
                    authorities.removeIf(authority -> TotpFactor.AUTHORITY.equals(authority.getAuthority()));
                    authorities.add(factor);
                })
                .build();
        sessions.onAuthentication(upgraded, request, response);
        // A code (or a trusted browser, which sets it again after this) decides how the factor was given.
        request.getSession().removeAttribute(TRUSTED_BROWSER_ID);
        // Read after the code was accepted (a newly confirmed secret revokes the account's older sessions first).
        request.getSession().setAttribute(SESSIONS_VALID_AFTER, service.sessionsValidAfter(current.getName()));
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(upgraded);
        contexts.setContext(context);
        repository.saveContext(context, request, response);
    }

    /**
     * Replaces the signed-in user's {@code Authentication} by one without {@link TotpFactor#AUTHORITY} (after the
     * factor was turned off), renews the session id and saves the context; the password factor stays.
     */
    private void dropFactor(HttpServletRequest request, HttpServletResponse response, Authentication current) {
        Authentication reduced = current.toBuilder()
                .authorities(authorities -> authorities.removeIf(
                        authority -> TotpFactor.AUTHORITY.equals(authority.getAuthority())))
                .build();
        sessions.onAuthentication(reduced, request, response);
        HttpSession session = request.getSession();
        session.removeAttribute(SESSIONS_VALID_AFTER);
        session.removeAttribute(ENROLLMENT_NONCE);
        session.removeAttribute(REENROLL_GRANT);
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(reduced);
        contexts.setContext(context);
        repository.saveContext(context, request, response);
    }

    /**
     * Where to go after the code: the saved request (Spring's {@link RequestCache}) when it is on this server,
     * else the application's root. A saved request for another host, scheme or port, or one whose path is not a
     * plain absolute path, is never followed (no open redirect); request parameters are never read for it.
     */
    private String returnTarget(HttpServletRequest request, HttpServletResponse response) {
        String home = request.getContextPath() + "/";
        SavedRequest saved = requestCache.getRequest(request, response);
        if (saved == null) {
            return home;
        }
        requestCache.removeRequest(request, response);
        if (!"GET".equals(saved.getMethod())) {
            return home;
        }
        try {
            URI uri = new URI(saved.getRedirectUrl());
            int port = uri.getPort() < 0 ? defaultPort(uri.getScheme()) : uri.getPort();
            String path = uri.getRawPath();
            boolean sameOrigin = request.getScheme().equalsIgnoreCase(uri.getScheme())
                    && request.getServerName().equalsIgnoreCase(uri.getHost()) && request.getServerPort() == port;
            if (!sameOrigin || path == null || !path.startsWith(home) || path.startsWith("//")
                    || path.contains("\\")) {
                return home;
            }
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        } catch (URISyntaxException e) {
            return home;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
    }
}
