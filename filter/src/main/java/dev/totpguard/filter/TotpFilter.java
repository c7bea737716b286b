package dev.totpguard.filter;

import dev.totpguard.internal.config.ApplicationJdbcDrivers;
import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.AccountResolver;
import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.store.StoreException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.Set;

/**
 * A Jakarta Servlet 6.0 filter that asks for a TOTP code (RFC 6238) after the password, for every request
 * to a protected path (default {@code /admin/*}), whatever login set {@code getRemoteUser()}: container
 * FORM or BASIC login with any realm, the TOTP Guard JAAS module, or an application's own login through a
 * {@link UserResolver}.
 *
 * <p>Three ways to install it:
 * <ul>
 *   <li>Drop-in: put the jar in {@code WEB-INF/lib}; its {@code META-INF/web-fragment.xml} declares this
 *       filter with the no-argument constructor. {@link #init(FilterConfig)} reads the
 *       {@code totpguard.*} context parameters (init-params win) and builds the
 *       {@link TwoFactorService} with {@link TwoFactorServiceFactory}, closing it in
 *       {@link #destroy()}.</li>
 *   <li>web.xml: declare it yourself, mapped to {@code /*} for all five dispatcher types.</li>
 *   <li>Embedded servers: {@code TotpFilter.builder().service(service)...build()} and
 *       {@link #register(ServletContext, TotpFilter)} or {@link #initializer(TotpFilter)}.</li>
 * </ul>
 *
 * <p>The filter must see every request ({@code /*}) and every dispatcher type (REQUEST, FORWARD, INCLUDE,
 * ERROR, ASYNC): it decides by itself, on the container's decoded and normalised
 * {@code servletPath + pathInfo}, which paths are protected and serves its own pages. {@code init} refuses
 * a narrower URL mapping it can see. The request path is described in {@link Gate}, the pages in
 * {@link PageRoutes}.
 *
 * <p>Thread-safe: after {@code init} the filter holds only immutable state; per-user state lives in the
 * HTTP session and in the credential store.
 */
public final class TotpFilter implements Filter {

    /** The name under which {@link #register} and the web fragment register the filter. */
    public static final String NAME = "TotpGuard";

    /** How old an accepted {@link Verification} may be when {@link #acceptSecondFactor} receives it. */
    public static final int PROOF_MAX_AGE_SECONDS = 60;

    /**
     * Request attribute: the {@link dev.totpguard.EnrollmentGrace} of a signed-in user without a second factor whom the
     * filter lets through under enforcement REQUIRED because the grace period is still open; absent otherwise. The
     * application shows a notice (days or sign-ins left) linking to {@link #ENROLLMENT_URL_ATTRIBUTE}.
     */
    public static final String ENROLLMENT_GRACE_ATTRIBUTE = "dev.totpguard.enrollmentGrace";
    /** Request attribute, set with {@link #ENROLLMENT_GRACE_ATTRIBUTE}: the URL (a path) of the filter's set-up page. */
    public static final String ENROLLMENT_URL_ATTRIBUTE = "dev.totpguard.enrollmentUrl";

    /**
     * The servlet context attribute holding the {@link TotpFilter} that a framework integration (the Spring Boot
     * auto-configuration) registered for the whole context; a declared filter then steps aside.
     */
    static final String INSTALLED_ATTRIBUTE = "dev.totpguard.filter.installed";

    private static final String RENDERING_ATTRIBUTE = "dev.totpguard.filter.rendering";

    /**
     * Carried by the {@link Pages.Rendering} that marks the filter's own forward to an application page; an
     * object nobody else can hold.
     */
    private final Object renderingToken = new Object();
    private final boolean preconfigured;
    /** The initializer mapped the filter a second time, before web.xml's filters: skip the later visit. */
    private boolean mappedTwice;
    /**
     * When mapped twice: the dispatch (type, servlet path, path info) whose first visit is running on this thread,
     * to let the second mapping's visit through. Per thread rather than a request attribute, which cost an object
     * and a map entry on every request; an {@code Object[]} of JDK and servlet API values, so the thread keeps no
     * class of the application's loader after it is undeployed. An async dispatch on another thread is simply
     * checked twice.
     */
    private final ThreadLocal<Object[]> firstVisit = new ThreadLocal<>();

    private FilterCore core;
    private Gate gate;
    private PageRoutes routes;
    private PathPatterns pagesPattern;
    private int pagesPathLength;
    private TwoFactorService ownedService;
    private ApplicationJdbcDrivers registeredDrivers = ApplicationJdbcDrivers.none();
    /** A declared filter in a context that Spring Boot's registration already guards: passes everything on. */
    private boolean steppedAside;

    /**
     * For web.xml and the web fragment: everything is configured in {@link #init(FilterConfig)} from
     * context parameters and init-params.
     */
    public TotpFilter() {
        this.preconfigured = false;
    }

    private TotpFilter(Builder builder) {
        this.preconfigured = true;
        FilterSettings settings = builder.settings.build();
        UserResolver users = builder.userResolver != null ? builder.userResolver
                : userResolver(settings.userResolverClass(), TotpFilter.class.getClassLoader());
        AccountResolver accounts = builder.accountResolver != null ? builder.accountResolver
                : accountResolver(settings.accountResolverClass(), builder.source, TotpFilter.class.getClassLoader());
        configure(settings, builder.service, AccountUsers.of(users, accounts),
                builder.random != null ? builder.random : new SecureRandom(), builder.requiredAtRunTime);
    }

    /** For embedded servers and frameworks that build their filters in code. */
    public static Builder builder() {
        return new Builder();
    }

    /** The filter measures session ages with the service's clock, so both agree on "now". */
    private void configure(FilterSettings settings, TwoFactorService service, UserResolver users, SecureRandom random,
            BooleanSupplier requiredAtRunTime) {
        this.core = new FilterCore(settings, service, users, service.clock(), random, RENDERING_ATTRIBUTE, renderingToken,
                requiredAtRunTime);
        this.gate = new Gate(core);
        this.routes = new PageRoutes(core);
        this.pagesPattern = PathPatterns.parse(settings.pagesPath() + "/*", false);
        this.pagesPathLength = settings.pagesPath().length();
    }

    /**
     * Reads the settings (unless built with {@link #builder()}) and checks the filter's mapping.
     *
     * @throws ServletException naming the key and the expected form of a bad setting, or explaining a
     *     mapping that would leave paths or dispatches unguarded
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        checkMapping(config);
        if (preconfigured) {
            return;
        }
        Object installed = config.getServletContext().getAttribute(INSTALLED_ATTRIBUTE);
        if (installed instanceof TotpFilter && installed != this) {
            // A Spring Boot WAR deployed to a container: the container installed the web fragment's filter and Boot
            // its own, which reads Boot's settings and runs right after Spring Security. Checking twice would ask
            // with two configurations; one check, Boot's, on every request and dispatch is the intended one.
            if (Collections.list(config.getInitParameterNames()).stream()
                    .anyMatch(name -> !name.equals(TotpGuardInitializer.MAPPED_TWICE))) {
                // MAPPED_TWICE is the initializer's own mark, not a setting of the operator's.
                throw new ServletException("TOTP Guard is installed twice: by Spring Boot's auto-configuration and as"
                        + " filter '" + config.getFilterName() + "' with init-params of its own. Remove that"
                        + " declaration and give its settings to Spring Boot as totpguard.* properties.");
            }
            steppedAside = true;
            FilterCore.LOG.log(Level.INFO, "TOTP Guard filter ''{0}'' steps aside: Spring Boot''s registration guards"
                    + " this application", config.getFilterName());
            return;
        }
        Settings settings;
        FilterSettings filterSettings;
        UserResolver users;
        try {
            settings = settings(config);
            filterSettings = FilterSettings.from(settings);
            users = userResolver(filterSettings.userResolverClass(), config.getServletContext().getClassLoader());
            users = AccountUsers.of(users, accountResolver(filterSettings.accountResolverClass(), settings,
                    config.getServletContext().getClassLoader()));
        } catch (IllegalArgumentException e) {
            throw new ServletException("TOTP Guard filter: " + e.getMessage(), e);
        }
        try {
            TotpGuardInitializer.checkPosition(config.getServletContext(), filterSettings, config.getFilterName());
        } catch (ServletException e) {
            FilterCore.LOG.log(Level.ERROR, e.getMessage());
            throw e;
        }
        mappedTwice = "true".equals(config.getInitParameter(TotpGuardInitializer.MAPPED_TWICE));
        ClassLoader applicationLoader = config.getServletContext().getClassLoader();
        registeredDrivers = ApplicationJdbcDrivers.register(applicationLoader);
        TwoFactorService service;
        try {
            service = SettingsFactory.service(settings);
        } catch (IllegalArgumentException e) {
            throw new ServletException("TOTP Guard filter: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ServletException("TOTP Guard filter: cannot start the two-factor service: " + e.getMessage(), e);
        }
        ownedService = service;
        configure(filterSettings, service, users, new SecureRandom(), () -> false);
        FilterCore.LOG.log(Level.INFO, "TOTP Guard filter started: {0}", filterSettings);
    }

    /**
     * Context parameters named {@code totpguard.*}, overridden by the filter's own init-params.
     *
     * @throws IllegalArgumentException naming an unknown {@code totpguard.*} key and the nearest known one
     */
    private static Settings settings(FilterConfig config) {
        Map<String, String> contextParameters = TotpGuardInitializer.contextSettings(config.getServletContext());
        Map<String, String> initParameters = new LinkedHashMap<>();
        for (Enumeration<String> names = config.getInitParameterNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            initParameters.put(name, config.getInitParameter(name));
        }
        return Settings.of(contextParameters, "context parameter").overriddenBy(initParameters, "init-param");
    }

    private static void checkMapping(FilterConfig config) throws ServletException {
        FilterRegistration registration;
        try {
            registration = config.getServletContext().getFilterRegistration(config.getFilterName());
        } catch (UnsupportedOperationException e) {
            return;
        }
        if (registration == null) {
            return;
        }
        Collection<String> patterns = registration.getUrlPatternMappings();
        // Only /*: a narrower extra mapping (the initializer's /* hides it) says someone meant the filter to guard
        // less than it does, or reads the protected paths from the mapping; either way a mistake to stop on.
        if (!patterns.contains("/*") || patterns.stream().anyMatch(pattern -> !pattern.equals("/*"))) {
            throw new ServletException("TOTP Guard filter '" + config.getFilterName() + "' is mapped to " + patterns
                    + "; map it to /* with the dispatcher types REQUEST, FORWARD, INCLUDE, ERROR and ASYNC. It picks"
                    + " the protected paths itself (" + FilterSettings.PROTECTED + ") and serves its own pages.");
        }
    }

    private static UserResolver userResolver(String className, ClassLoader loader) {
        if (className == null) {
            return UserResolver.remoteUser();
        }
        try {
            Class<?> type = Class.forName(className, true, loader);
            return (UserResolver) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IllegalArgumentException(FilterSettings.USER_RESOLVER + " must name a class that implements "
                    + UserResolver.class.getName() + " with a public no-argument constructor, not '" + className
                    + "' (" + e + ")", e);
        }
    }

    /**
     * The class named by {@code totpguard.filter.account-resolver}, else a JDBC resolver when
     * {@code totpguard.account.query} is set, else {@code null}: the name as the user resolver gives it.
     */
    private static AccountResolver accountResolver(String className, Settings settings, ClassLoader loader) {
        if (className != null) {
            try {
                Class<?> type = Class.forName(className, true, loader);
                return (AccountResolver) type.getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new IllegalArgumentException(FilterSettings.ACCOUNT_RESOLVER + " must name a class that implements "
                        + AccountResolver.class.getName() + " with a public no-argument constructor, not '" + className
                        + "' (" + e + ")", e);
            }
        }
        return SettingsFactory.accountResolver(settings, null).orElse(null);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        if (steppedAside) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        DispatcherType type = request.getDispatcherType();
        String servletPath;
        String pathInfo;
        if (type == DispatcherType.INCLUDE && request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) != null) {
            // During an include the request's own path methods still describe the including page; the path
            // being included is only in these attributes (Servlet 6.0 section 9.3.1).
            servletPath = (String) request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
            pathInfo = (String) request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        } else {
            servletPath = request.getServletPath();
            pathInfo = request.getPathInfo();
        }
        if (servletPath == null) {
            servletPath = "";
        }
        if (mappedTwice) {
            Object[] visit = firstVisit.get();
            if (visit == null) {
                visit = new Object[3];
                firstVisit.set(visit);
            }
            if (visit[0] == type && servletPath.equals(visit[1]) && Objects.equals(pathInfo, visit[2])) {
                // The second mapping of the same filter in the same dispatch: the first visit has decided.
                chain.doFilter(request, response);
                return;
            }
            Object previousType = visit[0];
            Object previousPath = visit[1];
            Object previousInfo = visit[2];
            visit[0] = type;
            visit[1] = servletPath;
            visit[2] = pathInfo;
            try {
                decide(request, response, chain, type, servletPath, pathInfo);
            } finally {
                // A dispatch nested in this one (a forward, an include) restores what it found: the visits nest.
                visit[0] = previousType;
                visit[1] = previousPath;
                visit[2] = previousInfo;
            }
            return;
        }
        decide(request, response, chain, type, servletPath, pathInfo);
    }

    private void decide(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            DispatcherType type, String servletPath, String pathInfo) throws IOException, ServletException {
        Object rendering = request.getAttribute(RENDERING_ATTRIBUTE);
        if (rendering != null) {
            // Used up by the first dispatch that meets it: anything the replacement page includes or forwards
            // to while it renders is judged below like any other request (a protected path included into the
            // page of a password-only user shows nothing).
            request.removeAttribute(RENDERING_ATTRIBUTE);
            if (rendering instanceof Pages.Rendering
                    && ((Pages.Rendering) rendering).admits(renderingToken, type, servletPath, pathInfo)) {
                // The filter's own forward to the application page that replaces a built-in one.
                chain.doFilter(request, response);
                return;
            }
        }
        if (pagesPattern.matches(servletPath, pathInfo)) {
            String path = pathInfo == null ? servletPath : servletPath + pathInfo;
            Route route = Route.of(path.substring(pagesPathLength));
            core.forgetEndedLogin(request);
            // Signing out works whatever the store says; every other page first ends a login revoked since first seen.
            if ((type == DispatcherType.REQUEST || type == DispatcherType.FORWARD) && route != Route.LOGOUT
                    && core.endedRevokedLogin(request, response)) {
                return;
            }
            routes.handle(request, response, type, route);
            return;
        }
        FilterSettings settings = core.settings;
        if (!settings.protectedPaths().matches(servletPath, pathInfo)
                || settings.exemptPaths().matches(servletPath, pathInfo)) {
            if (!core.endedRevokedLoginOutside(request, response, type)) {
                chain.doFilter(request, response);
            }
            return;
        }
        gate.guard(request, response, chain, type, servletPath, pathInfo);
    }

    /** Closes the service if {@link #init(FilterConfig)} created it; a service given to the builder stays open. */
    @Override
    public void destroy() {
        if (ownedService != null) {
            try {
                ownedService.close();
            } catch (Exception e) {
                FilterCore.LOG.log(Level.WARNING, "Closing the two-factor service failed", e);
            }
            ownedService = null;
        }
        registeredDrivers.close();
        registeredDrivers = ApplicationJdbcDrivers.none();
    }

    /**
     * Records that the user signed in on this request has just proved the second factor on one of the
     * application's own pages, so the filter does not ask for a code again in this session. For applications
     * that confirm an enrollment themselves ({@link TwoFactorService#confirmEnrollment}) or check a code on a
     * page of their own ({@link TwoFactorService#verify}) instead of on the filter's pages; those pages do
     * this by themselves.
     *
     * <p>Does what the filter's pages do after an accepted code: changes the session id (the session fixation
     * defence after each authentication step), renews the filter's CSRF token and marks the session verified
     * for the signed-in user at the filter's clock's current instant (so the maximum verified age counts from
     * now). Call it only with the result of a check of this request's user's code; it refuses anything that
     * cannot be one: an accepted {@link Verification} is a proof only the service issues, naming the user whose
     * code it checked and when, and the filter accepts it only for the user signed in on this request, only within
     * {@value #PROOF_MAX_AGE_SECONDS} seconds of its issue by the filter's clock, and only once
     * ({@link Verification#claim()}), so one checked code verifies one session.
     *
     * @param request the request whose session passed the second factor, with its user signed in
     * @param proof what {@code confirmEnrollment(user, nonce, code, ...).verification()}, {@code verify(user, code,
     *     ...)} or {@code useRecoveryCode(user, code, ...)} returned for that code, in this request
     * @throws IllegalArgumentException if {@code proof} is not {@link Verification.Outcome#ACCEPTED accepted}, is for
     *     another user than the one signed in, is older than {@value #PROOF_MAX_AGE_SECONDS} seconds, or was already
     *     presented
     * @throws IllegalStateException if the filter is not initialised, no user is signed in on the request, or
     *     that user has no active second factor in the store
     * @throws StoreException if the store cannot tell whether the user has an active second factor; the session
     *     is then left as it was
     */
    public void acceptSecondFactor(HttpServletRequest request, Verification proof) throws StoreException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(proof, "proof");
        if (proof.outcome() != Verification.Outcome.ACCEPTED) {
            throw new IllegalArgumentException("Only an accepted code passes the second factor, not " + proof.outcome());
        }
        FilterCore initialised = core;
        if (initialised == null) {
            throw new IllegalStateException("The TOTP Guard filter is not initialised yet");
        }
        String user = initialised.users.user(request);
        if (user == null) {
            throw new IllegalStateException("No user is signed in on this request");
        }
        // A proof of another user's code (the application mixed up accounts, or took a user name from the request)
        // says nothing about this session's user.
        if (!proof.user().map(user::equals).orElse(false)) {
            throw new IllegalArgumentException("The proof is for another user than the one signed in on this request");
        }
        // A proof kept from earlier (or from another request) is not a check made now for this request.
        long ageMillis = initialised.clock.millis() - proof.issuedAt().orElseThrow().toEpochMilli();
        if (Math.abs(ageMillis) > PROOF_MAX_AGE_SECONDS * 1000L) {
            throw new IllegalArgumentException("The proof is not fresh: a code check older than "
                    + PROOF_MAX_AGE_SECONDS + " seconds does not verify a session");
        }
        if (!initialised.service.status(user).isActive()) {
            throw new IllegalStateException("The signed-in user has no active second factor");
        }
        if (!proof.claim()) {
            throw new IllegalArgumentException("The proof was already presented: one code check verifies one session");
        }
        // The filter checked this login at the start of this request (the gate, or the check of an unprotected path), and
        // the application's own enrollment revoked the account's sessions just before it presents the first code.
        initialised.markVerified(request, user, true);
    }

    /**
     * Keeps this request's session verified after the application revoked the signed-in user's sessions in this very
     * request, by an action the user proved themselves for ({@link TwoFactorService#disable} after a current code,
     * {@link TwoFactorService#revokeSessions} after a password change with the old password): every other session of
     * the account ends, this one goes on. Its verified time stays, so the maximum age still counts from the code.
     * Keeps the verified marker only if the session holds the filter's marker of this user's current login; keeps the
     * login itself (one with the password only: policy OPTIONAL, no second factor yet) if the filter saw this user
     * signed in on this session before: call it in the request that revoked, never later, since a session that a
     * revocation ended must not be kept.
     *
     * @throws IllegalStateException if the filter is not initialised
     * @throws StoreException if the store cannot be read; the session is then left as it was (and ends)
     */
    public void keepVerifiedAfterRevocation(HttpServletRequest request) throws StoreException {
        Objects.requireNonNull(request, "request");
        FilterCore initialised = core;
        if (initialised == null) {
            throw new IllegalStateException("The TOTP Guard filter is not initialised yet");
        }
        String user = initialised.users.user(request);
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        if (user == null || session == null) {
            return;
        }
        Object marker = session.getAttribute(SessionState.VERIFIED);
        if (marker instanceof SessionState.Verified && ((SessionState.Verified) marker).belongsTo(user, session.getId())) {
            // How it was verified stays too: a session a trusted browser let in must not open step-up paths now.
            initialised.keepLogin(session, ((SessionState.Verified) marker).underRevocation(initialised.service.sessionsValidAfter(user)));
        } else if (session.getAttribute(SessionState.LOGIN_SEEN) instanceof SessionState.Pending seen && seen.user().equals(user)) {
            session.setAttribute(SessionState.LOGIN_SEEN, new SessionState.Pending(user, initialised.service.sessionsValidAfter(user)));
        }
    }

    /** The dispatcher types the filter must be mapped for: all five. A new set on each call. */
    public static EnumSet<DispatcherType> dispatcherTypes() {
        return EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
                DispatcherType.ERROR, DispatcherType.ASYNC);
    }

    /**
     * Registers {@code filter} in a starting context as {@value #NAME}: mapped to {@code /*} for all
     * dispatcher types, after the filters of web.xml (so an application's own login filter runs first),
     * async supported. Call it from a {@code ServletContainerInitializer} or a
     * {@code ServletContextListener} declared in web.xml.
     *
     * @throws IllegalStateException if a filter named {@value #NAME} is already registered
     */
    public static FilterRegistration.Dynamic register(ServletContext context, TotpFilter filter) {
        Objects.requireNonNull(filter, "filter");
        FilterRegistration.Dynamic registration = context.addFilter(NAME, filter);
        if (registration == null) {
            throw new IllegalStateException("A filter named " + NAME + " is already registered in "
                    + context.getContextPath() + "; TOTP Guard must be installed once (jar in WEB-INF/lib,"
                    + " web.xml, or this method)");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(dispatcherTypes(), true, "/*");
        return registration;
    }

    /**
     * A {@link ServletContainerInitializer} that {@link #register registers} {@code filter}: for Jetty's
     * {@code ServletContextHandler.addServletContainerInitializer(...)} and Tomcat's
     * {@code Context.addServletContainerInitializer(..., null)}.
     */
    public static ServletContainerInitializer initializer(TotpFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return (classes, context) -> register(context, filter);
    }

    /**
     * Builds a {@link TotpFilter} around a ready {@link TwoFactorService}; every setting has the default documented
     * with its key in {@link TotpGuardSettings}, and each method checks its value at once. Not thread-safe.
     */
    public static final class Builder {
        private TwoFactorService service;
        private final FilterSettings.Builder settings = FilterSettings.builder();
        /** The settings read from a map (Spring Boot), for the account query; none when configured in code. */
        private Settings source = Settings.of(Map.of(), "setting");
        private UserResolver userResolver;
        private AccountResolver accountResolver;
        private BooleanSupplier requiredAtRunTime = () -> false;
        private SecureRandom random;

        private Builder() {
        }

        /** The service to check codes with; required. The filter never closes it, and measures time with its clock. */
        public Builder service(TwoFactorService service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** Servlet URL patterns that need the second factor ({@value TotpGuardSettings#FILTER_PROTECTED}). Default {@code /admin/*}. */
        public Builder protectedPaths(String... patterns) {
            settings.protectedPaths(patterns);
            return this;
        }

        /** Patterns inside the protected ones that pass without it ({@value TotpGuardSettings#FILTER_EXEMPT}). Default none. */
        public Builder exemptPaths(String... patterns) {
            settings.exemptPaths(patterns);
            return this;
        }

        /** Patterns that need a code entered within {@link #stepUpMaxAge} ({@value TotpGuardSettings#FILTER_STEP_UP_PATHS}). Default none. */
        public Builder stepUpPaths(String... patterns) {
            settings.stepUpPaths(patterns);
            return this;
        }

        /** How recent the code must be on step-up paths and to set up a new authenticator; positive. Default 5 minutes. */
        public Builder stepUpMaxAge(Duration maxAge) {
            settings.stepUpMaxAge(maxAge);
            return this;
        }

        /** Path prefix of the filter's own pages ({@value TotpGuardSettings#FILTER_PAGES}). Default {@code /totpguard}. */
        public Builder pagesPath(String prefix) {
            settings.pagesPath(prefix);
            return this;
        }

        /** Where to go after the code when no page was saved, a path in the application. Default {@code /admin/}. */
        public Builder defaultTarget(String path) {
            settings.defaultTarget(path);
            return this;
        }

        /** Where to send a browser that must sign in (again). Default: the default target. */
        public Builder loginPath(String path) {
            settings.loginPath(path);
            return this;
        }

        /** Where to go after the filter's "Sign out". Default: the login path. */
        public Builder logoutTarget(String path) {
            settings.logoutTarget(path);
            return this;
        }

        /** How long a user signed in with a password has to enter the code; positive. Default 5 minutes. */
        public Builder halfAuthTimeout(Duration timeout) {
            settings.halfAuthTimeout(timeout);
            return this;
        }

        /**
         * After how long a verified session asks for a code again; {@link Duration#ZERO} for never. Default 12 hours
         * ({@value TotpGuardSettings#FILTER_MAX_AGE}).
         */
        public Builder maxAge(Duration maxAge) {
            settings.maxAge(maxAge);
            return this;
        }

        /** Base name of the ResourceBundle with the pages' texts and the languages it has, the first the default. */
        public Builder messages(String baseName, Locale... languages) {
            settings.messagesBundle(baseName).locales(List.of(languages));
            return this;
        }

        /**
         * An application path that replaces a built-in page: {@code token}, {@code recovery}, {@code enroll},
         * {@code codes}, {@code manage}, {@code unavailable} or {@code message} ({@value TotpGuardSettings#FILTER_PAGE_PREFIX}...).
         */
        public Builder page(String name, String path) {
            for (PageKind kind : PageKind.values()) {
                if (kind.key().equals(name)) {
                    settings.page(kind, path);
                    return this;
                }
            }
            throw new IllegalArgumentException("No page is called " + name);
        }

        /**
         * The application's product name in a header above the built-in pages and in their titles
         * ({@value TotpGuardSettings#FILTER_BRAND_NAME}); plain text, at most 100 characters. Default none.
         */
        public Builder brandName(String name) {
            settings.brandName(name);
            return this;
        }

        /**
         * A logo beside the product name ({@value TotpGuardSettings#FILTER_BRAND_LOGO}): a path in the application
         * such as {@code /static/logo.svg} (exactly one leading '/', no scheme or host). Needs {@link #brandName}.
         *
         * @throws IllegalArgumentException if the path is not of that form
         */
        public Builder brandLogo(String path) {
            settings.brandLogo(path);
            return this;
        }

        /**
         * A style sheet applied after the built-in one ({@value TotpGuardSettings#FILTER_BRAND_STYLESHEET}), a path in
         * the application as for {@link #brandLogo}.
         *
         * @throws IllegalArgumentException if the path is not of that form
         */
        public Builder brandStylesheet(String path) {
            settings.brandStylesheet(path);
            return this;
        }

        /**
         * Where the product name and logo link to ({@value TotpGuardSettings#FILTER_BRAND_HOME}), a path in the
         * application as for {@link #brandLogo}. Needs {@link #brandName}. Default no link.
         *
         * @throws IllegalArgumentException if the path is not of that form
         */
        public Builder brandHome(String path) {
            settings.brandHome(path);
            return this;
        }

        /**
         * The reverse proxies whose forwarding headers give the client address
         * ({@value TotpGuardSettings#TRUSTED_PROXIES}): IP addresses and CIDR ranges such as {@code 10.0.0.0/8} or
         * {@code 2001:db8::/32}, one per argument or comma-separated. Default none.
         *
         * @throws IllegalArgumentException naming the entry that is not an IP address or range
         */
        public Builder trustedProxies(String... addressesAndRanges) {
            settings.trustedProxies(TrustedProxies.parse(String.join(",", addressesAndRanges)));
            return this;
        }

        /**
         * The {@code totpguard.filter.*} keys that are set in {@code values} (Spring Boot properties, an application's
         * context parameters), over the values given so far, and {@value TotpGuardSettings#ACCOUNT_QUERY} or
         * {@value TotpGuardSettings#FILTER_ACCOUNT_RESOLVER} unless {@link #accountResolver} is given.
         *
         * @param source what the values are, for messages, e.g. "context parameter"
         * @throws IllegalArgumentException naming the key, the value and the expected form of the first bad value, or
         *     an unknown {@code totpguard.*} key
         */
        public Builder settings(Map<String, String> values, String source) {
            return settings(Settings.of(values, source));
        }

        Builder settings(Settings source) {
            this.source = Objects.requireNonNull(source, "source");
            settings.read(source);
            return this;
        }

        /** Who signed in, for applications with their own login. Default: {@code getRemoteUser()}. */
        public Builder userResolver(UserResolver userResolver) {
            this.userResolver = Objects.requireNonNull(userResolver, "userResolver");
            return this;
        }

        /**
         * Maps the signed-in name to the account's canonical id, once per login (kept in the session), for realms
         * that report the name as typed: e.g. {@code JdbcAccountResolver.of(users, "SELECT username FROM users
         * WHERE username = ?")}. Default: the name as given.
         */
        public Builder accountResolver(AccountResolver accountResolver) {
            this.accountResolver = Objects.requireNonNull(accountResolver, "accountResolver");
            return this;
        }

        /**
         * For an application that requires the second factor by a setting of its own, switched at run time, while the
         * service's policy stays {@code OPTIONAL} (so that the application can lead users without it to enrollment
         * in its own way, with a grace period): while {@code required} answers {@code true}, the settings page refuses
         * turning the factor off and removing the last authenticator, as under a {@code REQUIRED} policy. It is asked
         * on each such request; it should answer {@code true} when it cannot tell (fail closed). Enrollment of users
         * without a factor stays the application's. Default: only the policy counts.
         */
        public Builder requiredAtRunTime(BooleanSupplier required) {
            this.requiredAtRunTime = Objects.requireNonNull(required, "required");
            return this;
        }

        /** The source of CSRF tokens and CSP nonces. Default: a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * @throws IllegalStateException if no service was given
         * @throws IllegalArgumentException if exempt extension patterns would open protected directories
         */
        public TotpFilter build() {
            if (service == null) {
                throw new IllegalStateException("TotpFilter.builder() needs a service(TwoFactorService)");
            }
            return new TotpFilter(this);
        }
    }
}
