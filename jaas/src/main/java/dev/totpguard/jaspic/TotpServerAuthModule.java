package dev.totpguard.jaspic;

import dev.totpguard.TotpVerifiedPrincipal;
import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.CsrfCheck;
import dev.totpguard.jaas.PasswordStoreException;
import dev.totpguard.jaas.TotpLoginModule;
import dev.totpguard.jaas.TwoFactorLogin;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;

/**
 * A Jakarta Authentication 3.0 {@link ServerAuthModule} (Servlet Container Profile) that logs users in with
 * a password and a TOTP code (RFC 6238) through its own form pages, checked by the same
 * {@link TwoFactorLogin} rules as the JAAS module: same store, policy, replay protection and lockout.
 *
 * <p>Flow ({@code totpguard.sam.flow}): {@code two-step} (default) shows {@code <path>/login} (user name and
 * password), then always {@code <path>/code}, whatever the password was, and reports one generic failure at
 * the end, so the pages do not tell a right password from a wrong one; {@code one-page} asks for all three
 * on one form. The session id is changed after each step, every form carries a per-session CSRF token (checked
 * as the filter checks its own, with the {@code Origin} and {@code Sec-Fetch-Site} headers), and
 * the caller identity is set (and {@code jakarta.servlet.http.registerSession} requested) only after both
 * factors. After login the browser goes back to the page it asked for (a same-origin path kept in the
 * session, GET only) or to {@code totpguard.sam.landing}.
 *
 * <p>Fails closed: any exception inside {@link #validateRequest} and a dead store give
 * {@link AuthStatus#SEND_FAILURE} with a 5xx page, never {@link AuthStatus#SUCCESS} (Tomcat CVE-2024-52316
 * was a module that threw without setting a status). The module's pages must be covered by a security
 * constraint (simplest: the whole application), because containers call the module only for protected
 * requests. Logging out is {@code HttpSession.invalidate()}.
 *
 * <p>Options: the {@code totpguard.*} store and policy keys, the password keys of the JAAS module
 * ({@code totpguard.jaas.password.*}, {@code users.*}, {@code roles.*}) and
 * {@code totpguard.sam.*}; see {@link TotpGuardSettings}. A bad option makes {@link #initialize} throw an
 * {@link AuthException} naming it.
 *
 * <p>Thread-safe after {@link #initialize}: all per-login state lives in the {@link HttpSession}.
 */
public final class TotpServerAuthModule implements ServerAuthModule {

    static final String AUTHENTICATED = TotpServerAuthModule.class.getName() + ".authenticated";
    static final String PENDING = TotpServerAuthModule.class.getName() + ".pending";
    static final String CSRF = TotpServerAuthModule.class.getName() + ".csrf";
    static final String TARGET = TotpServerAuthModule.class.getName() + ".target";
    static final String NOTICE = TotpServerAuthModule.class.getName() + ".notice";

    private static final System.Logger LOG = System.getLogger(TotpServerAuthModule.class.getName());
    private static final String FAILED = "sam.failed";
    private static final String LOCKED = "sam.locked";
    private static final String EXPIRED = "sam.expired";
    private static final Pattern SAFE_PATH = Pattern.compile("/(?![/\\\\])[A-Za-z0-9._~!$&'()*+,;=:@/-]{0,512}");
    private static final int MAX_FIELD_CHARS = 1024;
    /** What the container's options are called in messages. */
    private static final String SOURCE = "authentication module option";
    private static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MIN_PENDING_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_PENDING_TIMEOUT = Duration.ofHours(1);

    private final SecureRandom random = new SecureRandom();
    /** Replaced in {@link #initialize} once the branding options are read. */
    private Pages pages = new Pages(Branding.none());
    private final Clock clock = Clock.systemUTC();
    private CallbackHandler handler;
    private TwoFactorLogin login;
    private boolean onePage;
    private String path;
    private String landing;
    private Duration pendingTimeout;
    private TrustedProxies trustedProxies = TrustedProxies.none();

    /** Public no-argument constructor, as Jakarta Authentication requires. */
    public TotpServerAuthModule() {
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void initialize(MessagePolicy requestPolicy, MessagePolicy responsePolicy, CallbackHandler handler,
            Map options) throws AuthException {
        this.handler = handler;
        Map<String, Object> values = options == null ? Map.of() : new HashMap<>((Map<String, Object>) options);
        try {
            // The service and verifier instances a container may pass are not settings: TwoFactorLogin takes them.
            Map<String, Object> plain = new HashMap<>(values);
            plain.remove(TotpLoginModule.SERVICE_OPTION);
            plain.remove(TotpLoginModule.VERIFIER_OPTION);
            Settings settings = Settings.of(plain, SOURCE);
            onePage = settings.word(TotpGuardSettings.SAM_FLOW, "two-step", "one-page").orElse("two-step").equals("one-page");
            path = settings.parsed(TotpGuardSettings.SAM_PATH, "a path such as /totpguard (leading slash, no trailing"
                    + " slash)", value -> safePath(value, !value.endsWith("/"))).orElse("/totpguard");
            landing = settings.parsed(TotpGuardSettings.SAM_LANDING, "a path in the application such as /admin/",
                    value -> safePath(value, true)).orElse("/");
            pendingTimeout = settings.duration(TotpGuardSettings.SAM_PENDING_TIMEOUT, MIN_PENDING_TIMEOUT,
                    MAX_PENDING_TIMEOUT).orElse(DEFAULT_PENDING_TIMEOUT);
            trustedProxies = TrustedProxies.fromSettings(settings);
            pages = new Pages(Branding.read(settings, Branding.none(), TotpGuardSettings.SAM_BRAND_NAME,
                    TotpGuardSettings.SAM_BRAND_LOGO, TotpGuardSettings.SAM_BRAND_STYLESHEET, TotpGuardSettings.SAM_BRAND_HOME));
            login = TwoFactorLogin.fromOptions(values, SOURCE);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.log(Level.ERROR, "TOTP Guard authentication module is misconfigured: {0}", e.getMessage());
            // What is wrong goes to the log and the cause only: a container may show the exception's message to
            // whoever made the request (jetty-home's error page did, naming the option and its value).
            AuthException authException = new AuthException("TOTP Guard authentication module is misconfigured;"
                    + " the server's log says why");
            authException.initCause(e);
            throw authException;
        }
    }

    private static String safePath(String value, boolean valid) {
        if (!valid || !SAFE_PATH.matcher(value).matches()) {
            throw new IllegalArgumentException("not a safe path");
        }
        return value;
    }

    @Override
    public Class<?>[] getSupportedMessageTypes() {
        return new Class<?>[] {HttpServletRequest.class, HttpServletResponse.class};
    }

    @Override
    public AuthStatus validateRequest(MessageInfo messageInfo, Subject clientSubject, Subject serviceSubject) {
        try {
            if (login == null) {
                throw new IllegalStateException("initialize() was not called or failed");
            }
            return validate(messageInfo, clientSubject);
        } catch (Exception e) {
            // Fail closed (CVE-2024-52316): whatever went wrong, the answer is a written 5xx and SEND_FAILURE.
            LOG.log(Level.ERROR, "TOTP Guard authentication failed closed", e);
            return failure(messageInfo, HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    private AuthStatus validate(MessageInfo messageInfo, Subject client) throws Exception {
        HttpServletRequest request = (HttpServletRequest) messageInfo.getRequestMessage();
        String here = pathInContext(request);
        if (here.equals(path + "/login")) {
            return "POST".equals(request.getMethod()) ? postLogin(messageInfo, request) : showLogin(messageInfo, request);
        }
        if (here.equals(path + "/code")) {
            return "POST".equals(request.getMethod()) ? postCode(messageInfo, request) : showCode(messageInfo, request);
        }
        HttpSession session = request.getSession(false);
        Object authenticated = session == null ? null : session.getAttribute(AUTHENTICATED);
        if (authenticated instanceof Authenticated) {
            Authenticated user = (Authenticated) authenticated;
            establish(client, user);
            // Only ever set here, so only after both factors.
            messageInfo.getMap().put("jakarta.servlet.http.registerSession", Boolean.TRUE.toString());
            return AuthStatus.SUCCESS;
        }
        Object mandatory = messageInfo.getMap().get("jakarta.security.auth.message.MessagePolicy.isMandatory");
        if ("false".equalsIgnoreCase(String.valueOf(mandatory))) {
            return AuthStatus.SUCCESS;
        }
        // When in doubt (the key is absent, as under Jetty, which calls us only for protected paths): require a login.
        session = request.getSession(true);
        if ("GET".equals(request.getMethod()) && SAFE_PATH.matcher(here).matches()) {
            session.setAttribute(TARGET, here);
        }
        Responses.redirect(messageInfo, request.getContextPath() + path + "/login");
        return AuthStatus.SEND_CONTINUE;
    }

    private AuthStatus showLogin(MessageInfo messageInfo, HttpServletRequest request) throws IOException {
        HttpSession session = request.getSession(true);
        Object notice = session.getAttribute(NOTICE);
        session.removeAttribute(NOTICE);
        List<Pages.Field> fields = new ArrayList<>(List.of(
                new Pages.Field("sam.field.user", "j_username", "text", "username"),
                new Pages.Field("sam.field.password", "j_password", "password", "current-password")));
        if (onePage) {
            fields.add(new Pages.Field("sam.field.code", "j_totp", "text", "one-time-code"));
        }
        Responses.page(messageInfo, pages.branding(), HttpServletResponse.SC_OK, pages.form(request, "sam.login.title",
                notice instanceof String ? (String) notice : null, request.getContextPath() + path + "/login",
                csrf(session), fields));
        return AuthStatus.SEND_CONTINUE;
    }

    private AuthStatus postLogin(MessageInfo messageInfo, HttpServletRequest request) throws Exception {
        HttpSession session = request.getSession(false);
        if (!csrfMatches(session, request)) {
            return forbidden(messageInfo, request);
        }
        String user = parameter(request, "j_username");
        char[] password = chars(parameter(request, "j_password"));
        char[] code = onePage ? chars(parameter(request, "j_totp")) : null;
        try {
            TwoFactorLogin.PasswordCheck check;
            try {
                check = login.checkPassword(user, password, clientAddress(request));
            } catch (PasswordStoreException e) {
                LOG.log(Level.ERROR, "TOTP Guard cannot check passwords: {0}", e.getMessage());
                return failure(messageInfo, HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
            if (check.refusal() == TwoFactorLogin.Outcome.BUSY) {
                // Refused before the password was looked at: saying so now tells nothing about it.
                return busy(messageInfo, request);
            }
            // A privilege change: the password step is done (right or wrong), so the id changes (OWASP Session CS).
            request.changeSessionId();
            session.removeAttribute(AUTHENTICATED);
            if (onePage) {
                return finish(messageInfo, request, session, check, code);
            }
            session.setAttribute(PENDING, new Pending(check, clock.instant()));
            Responses.redirect(messageInfo, request.getContextPath() + path + "/code");
            return AuthStatus.SEND_CONTINUE;
        } finally {
            clear(password);
            clear(code);
        }
    }

    private AuthStatus showCode(MessageInfo messageInfo, HttpServletRequest request) throws IOException {
        HttpSession session = request.getSession(false);
        Pending pending = session == null ? null : pending(session);
        if (pending == null) {
            return restart(messageInfo, request, null);
        }
        Responses.page(messageInfo, pages.branding(), HttpServletResponse.SC_OK, pages.form(request, "sam.code.title", null,
                request.getContextPath() + path + "/code", csrf(session),
                List.of(new Pages.Field("sam.field.code.step", "j_totp", "text", "one-time-code"))));
        return AuthStatus.SEND_CONTINUE;
    }

    private AuthStatus postCode(MessageInfo messageInfo, HttpServletRequest request) throws Exception {
        HttpSession session = request.getSession(false);
        if (!csrfMatches(session, request)) {
            return forbidden(messageInfo, request);
        }
        Pending pending = pending(session);
        // One code per password step: whatever happens next, the pending state is used up.
        session.removeAttribute(PENDING);
        if (pending == null) {
            return restart(messageInfo, request, EXPIRED);
        }
        char[] code = chars(parameter(request, "j_totp"));
        try {
            return finish(messageInfo, request, session, pending.check, code);
        } finally {
            clear(code);
        }
    }

    private AuthStatus finish(MessageInfo messageInfo, HttpServletRequest request, HttpSession session,
            TwoFactorLogin.PasswordCheck check, char[] code) throws IOException {
        TwoFactorLogin.Outcome outcome = login.checkCode(check, code, clientAddress(request));
        switch (outcome) {
            case ACCEPTED:
                // Second privilege change: both factors are done, so the id changes again.
                request.changeSessionId();
                session.setAttribute(AUTHENTICATED, new Authenticated(check.user(), check.roles(), clock.instant()));
                Object target = session.getAttribute(TARGET);
                session.removeAttribute(TARGET);
                String next = target instanceof String && SAFE_PATH.matcher((String) target).matches()
                        ? (String) target : landing;
                Responses.redirect(messageInfo, request.getContextPath() + next);
                return AuthStatus.SEND_CONTINUE;
            case LOCKED:
                return restart(messageInfo, request, LOCKED);
            case BUSY:
                return busy(messageInfo, request);
            case UNAVAILABLE:
                return failure(messageInfo, HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            case FAILED:
            default:
                return restart(messageInfo, request, FAILED);
        }
    }

    /** Back to the login form, with a notice (a bundle key) or none. */
    private AuthStatus restart(MessageInfo messageInfo, HttpServletRequest request, String notice) throws IOException {
        HttpSession session = request.getSession(true);
        if (notice != null) {
            session.setAttribute(NOTICE, notice);
        }
        Responses.redirect(messageInfo, request.getContextPath() + path + "/login");
        return AuthStatus.SEND_CONTINUE;
    }

    private Pending pending(HttpSession session) {
        Object value = session.getAttribute(PENDING);
        if (!(value instanceof Pending)) {
            return null;
        }
        Pending pending = (Pending) value;
        return pending.at.plus(pendingTimeout).isAfter(clock.instant()) ? pending : null;
    }

    private void establish(Subject client, Authenticated user) throws Exception {
        Callback[] callbacks = {new CallerPrincipalCallback(client, user.name),
                new GroupPrincipalCallback(client, user.roles.toArray(new String[0]))};
        handler.handle(callbacks);
        client.getPrincipals().add(new TotpVerifiedPrincipal(user.name, user.at));
    }

    private String csrf(HttpSession session) {
        Object token = session.getAttribute(CSRF);
        if (token instanceof String) {
            return (String) token;
        }
        String fresh = CsrfCheck.newToken(random);
        session.setAttribute(CSRF, fresh);
        return fresh;
    }

    /**
     * The filter's check: the session's token, in the body (never the URL), compared in constant time, and a
     * same-site Origin and Fetch Metadata.
     */
    private static boolean csrfMatches(HttpSession session, HttpServletRequest request) {
        // Read first, so a refused form's body is consumed as well.
        String token = request.getParameter(Pages.CSRF_PARAMETER);
        if (CsrfCheck.isInQuery(request.getQueryString(), Pages.CSRF_PARAMETER)) {
            return false;
        }
        return CsrfCheck.isValid(session == null ? null : session.getAttribute(CSRF), CsrfCheck.Request.of(request, token));
    }

    private AuthStatus forbidden(MessageInfo messageInfo, HttpServletRequest request) throws IOException {
        Responses.page(messageInfo, pages.branding(), HttpServletResponse.SC_FORBIDDEN,
                pages.message(request, "message.forbidden.title", "message.forbidden.csrf", true));
        return AuthStatus.SEND_FAILURE;
    }

    /** More logins than the hashing bound: refused before the password was checked, so it tells nothing about it. */
    private AuthStatus busy(MessageInfo messageInfo, HttpServletRequest request) throws IOException {
        HttpServletResponse response = (HttpServletResponse) messageInfo.getResponseMessage();
        response.setHeader("Retry-After", "1");
        Responses.page(messageInfo, pages.branding(), HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                pages.message(request, "sam.busy.title", "sam.busy.text", true));
        return AuthStatus.SEND_FAILURE;
    }

    /** The client's address for the limits: the peer, or what a trusted proxy reports (totpguard.trusted-proxies). */
    private String clientAddress(HttpServletRequest request) {
        return trustedProxies.resolve(request.getRemoteAddr(), request.isSecure(),
                name -> java.util.Collections.list(request.getHeaders(name))).address();
    }

    private AuthStatus failure(MessageInfo messageInfo, int status) {
        try {
            HttpServletResponse response = (HttpServletResponse) messageInfo.getResponseMessage();
            if (!response.isCommitted()) {
                Responses.page(messageInfo, pages.branding(), status, pages.message((HttpServletRequest) messageInfo.getRequestMessage(),
                        "sam.unavailable.title", "sam.unavailable.text", true));
            }
        } catch (Exception e) {
            LOG.log(Level.ERROR, "TOTP Guard could not write the failure page", e);
        }
        return AuthStatus.SEND_FAILURE;
    }

    private static String pathInContext(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    private static String parameter(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null || value.length() > MAX_FIELD_CHARS ? null : value;
    }

    private static char[] chars(String value) {
        return value == null ? null : value.toCharArray();
    }

    private static void clear(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }

    @Override
    public AuthStatus secureResponse(MessageInfo messageInfo, Subject serviceSubject) {
        return AuthStatus.SEND_SUCCESS;
    }

    @Override
    public void cleanSubject(MessageInfo messageInfo, Subject subject) {
        if (subject != null) {
            subject.getPrincipals().removeIf(p -> p instanceof TotpVerifiedPrincipal);
        }
    }

    /** Both factors passed: kept in the session, read on every request. Immutable. */
    static final class Authenticated implements Serializable {
        private static final long serialVersionUID = 2L; // 1: had enrollmentRequired; such a session must not come back as verified
        final String name;
        final Set<String> roles;
        final Instant at;

        Authenticated(String name, Set<String> roles, Instant at) {
            this.name = name;
            this.roles = Set.copyOf(roles);
            this.at = at;
        }
    }

    /** The password step is done (its result hidden from the user): kept until the code step. Immutable. */
    static final class Pending implements Serializable {
        private static final long serialVersionUID = 1L;
        final TwoFactorLogin.PasswordCheck check;
        final Instant at;

        Pending(TwoFactorLogin.PasswordCheck check, Instant at) {
            this.check = check;
            this.at = at;
        }
    }
}
