package dev.totpguard.spring;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.Verification;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.CsrfCheck;
import dev.totpguard.internal.web.SettingsPage;
import dev.totpguard.store.StoreException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
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
     * The session attribute that lets an account with an active authenticator see and confirm a new enrollment: set
     * only after a current code on the settings page, for that account and until the enrollment would expire.
     */
    static final String REENROLL_GRANT = TotpFactorFilter.class.getName() + ".reenrollGrant";

    /** A {@link #REENROLL_GRANT}: {@code user} may confirm a new secret until {@code untilMillis} (service clock). */
    record ReenrollGrant(String user, long untilMillis) implements Serializable {
    }

    private final String pagesPath;
    private final RequestMatcher tokenPage;
    private final RequestMatcher verify;
    private final RequestMatcher recoveryPage;
    private final RequestMatcher recover;
    private final RequestMatcher enrollPage;
    private final RequestMatcher confirm;
    private final RequestMatcher settingsPage;
    private final RequestMatcher change;
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
                }
            } catch (StoreException e) {
                // The token page then says that the store is unavailable; fail closed.
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
                pages.token(response, view, null);
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
        return new TotpPages.View(user, request.getContextPath(), request.getContextPath() + pagesPath,
                request.getContextPath() + "/logout",
                (CsrfToken) request.getAttribute(CsrfToken.class.getName()), service.policy(),
                request.getHeader("Accept-Language"));
    }

    private static String code(HttpServletRequest request) {
        String code = request.getParameter(TotpPages.CODE_PARAMETER);
        return code == null ? "" : code;
    }

    private void finish(HttpServletRequest request, HttpServletResponse response, Authentication authentication,
            Verification verification, TotpPages.View view, boolean recovery) throws IOException, StoreException {
        if (verification.isAccepted() && verification.claim()) {
            grantFactor(request, response, authentication, verification);
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
            pages.manage(response, view, status);
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
            pages.manageRequired(response, view, status);
            return;
        }
        Verification check = SettingsPage.checkProof(service, user, code(request), request.getRemoteAddr());
        if (check.outcome() == Verification.Outcome.STORE_UNAVAILABLE) {
            pages.unavailable(response, view);
            return;
        }
        if (!check.isAccepted() || !check.claim()) {
            // Wrong, replayed and missing codes look alike (as at sign-in); a lockout is a 429 at the same field.
            pages.manageRefused(response, view, service.status(user), name,
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
                pages.manageDone(response, view(request, user), service.status(user), "manage.disable.done");
            }
            default -> throw new IllegalStateException("not a change of the settings page: " + name);
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
        return CsrfCheck.isSameSite(new CsrfCheck.Request(null, request.getHeader("Sec-Fetch-Site"),
                request.getHeader("Origin"), request.getHeader("Host"), request.getScheme(), request.getServerName(),
                request.getServerPort()));
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
        return validAfter instanceof Long value && service.isSessionCurrent(user, value);
    }

    /**
     * Replaces the signed-in user's {@code Authentication} by one with the same principal, details and authorities
     * plus the TOTP factor issued when the code was accepted, as Spring's own factors merge theirs; renews the
     * session id (Spring's session authentication strategy: the session that held only the password is no longer
     * valid) and saves the context.
     */
    private void grantFactor(HttpServletRequest request, HttpServletResponse response, Authentication current,
            Verification verification) throws StoreException {
        Instant issuedAt = verification.issuedAt().orElseGet(() -> service.clock().instant());
        FactorGrantedAuthority factor = FactorGrantedAuthority.withAuthority(TotpFactor.AUTHORITY)
                .issuedAt(issuedAt).build();
        Authentication upgraded = current.toBuilder()
                .authorities(authorities -> {
                    authorities.removeIf(authority -> TotpFactor.AUTHORITY.equals(authority.getAuthority()));
                    authorities.add(factor);
                })
                .build();
        sessions.onAuthentication(upgraded, request, response);
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
