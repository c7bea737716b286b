package dev.totpguard.spring;

import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.web.Branding;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.config.annotation.web.configurers.FormLoginConfigurer;
import org.springframework.security.config.annotation.web.configurers.HttpBasicConfigurer;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * Adds TOTP as a factor of Spring Security's multi-factor authentication, the way Spring's own one-time-token and
 * WebAuthn configurers add theirs:
 *
 * <pre>{@code
 * http.with(TotpConfigurer.totp(), totp -> totp.pagesPath("/totpguard"));
 * }</pre>
 *
 * <p>It installs a filter (before Spring's {@link AuthorizationFilter}) that serves, under the pages path, the token
 * page and its check, the recovery-code page and its check, and enrollment with its confirmation and the new
 * recovery codes; and the user's settings page, {@value #SETTINGS_PAGE} below the pages path, whose every change (a new
 * authenticator, new recovery codes, turning the factor off where the policy is {@code OPTIONAL}) needs a current code.
 * The application links to the settings page where it wants it; nothing else does. The pages are TOTP Guard's own
 * templates, the filter's, with Spring's {@code CsrfToken} in every form and the application's branding
 * ({@code totpguard.spring.brand.*}). When {@link TwoFactorService} accepts a code for the signed-in user (the name of Spring's
 * {@code Authentication}, never a typed one), the filter adds a
 * {@link org.springframework.security.core.authority.FactorGrantedAuthority} {@link TotpFactor#AUTHORITY} issued at
 * that moment, changes the session id through Spring's {@link SessionAuthenticationStrategy}, saves the context
 * through the {@link SecurityContextRepository} and returns to the saved request (same origin only).
 *
 * <p>It also registers, with {@link ExceptionHandlingConfigurer#defaultDeniedHandlerForMissingAuthority}, the
 * entry point for a signed-in user who lacks {@link TotpFactor#AUTHORITY}: the token page, or enrollment for a user
 * without an authenticator. Which requests need the factor is the application's choice
 * ({@code @EnableMultiFactorAuthentication} or {@code AuthorizationManagerFactories.multiFactor()}).
 *
 * <p>It guards the password logins of Spring's form login ({@code formLogin}) and HTTP Basic ({@code httpBasic}) as
 * TOTP Guard's other entry points do: every check of a password is first admitted by
 * {@link TwoFactorService#passwordAttempt} (counted per account name and per client address in the store), and a wrong
 * password counts toward the same lock as wrong codes. A refused attempt fails the login exactly as a wrong password
 * does. {@link #passwordAttempts(boolean) passwordAttempts(false)} turns this off; an application's own login gets the
 * same through {@link PasswordAttemptAuthenticationManager#wrap}.
 *
 * <p>Where the policy trusts browsers ({@code totpguard.trusted-browser.days}), the token page offers "trust this
 * browser for N days" and the settings page lists the trusted browsers with forms to forget one or all; a trusted
 * browser stands in for the code of a form login that has just given its password, never for a remember-me or HTTP
 * Basic login, and its factor meets no {@code validDuration}. Under enforcement {@code REQUIRED} with an enrollment
 * grace ({@code totpguard.enforcement.grace.*}), a user without an authenticator passes the factor's requirement
 * while the grace is open, with {@link TotpFactor#ENROLLMENT_GRACE_ATTRIBUTE} on the request (see
 * {@code TotpFactorFilter} and the module's README).
 *
 * <p>The {@link TwoFactorService} is the one given to {@link #service}, else the application context's bean.
 * Lockouts and attempt limits are the service's, so they hold across every entry point on the same store.
 */
public final class TotpConfigurer extends AbstractHttpConfigurer<TotpConfigurer, HttpSecurity> {

    /** The default path of the pages, below the context path. */
    public static final String DEFAULT_PAGES_PATH = "/totpguard";

    /** The path of the user's settings page below the pages path: {@code /totpguard/manage} by default. */
    public static final String SETTINGS_PAGE = TotpPages.MANAGE;

    private static final Pattern PAGES_PATH = Pattern.compile("(/[a-zA-Z0-9._~-]+)+");

    private TwoFactorService service;
    private String pagesPath = DEFAULT_PAGES_PATH;
    private boolean passwordAttempts = true;
    private TotpFactorFilter filter;
    /** HTTP Basic, when this configurer configures it in the place of the chain; else null. */
    private HttpBasicConfigurer<HttpSecurity> httpBasic;

    private TotpConfigurer() {
    }

    /** A new configurer, for {@code http.with(TotpConfigurer.totp(), totp -> ...)}. */
    public static TotpConfigurer totp() {
        return new TotpConfigurer();
    }

    /** The service that checks codes; without it, the application context's {@link TwoFactorService} bean. */
    public TotpConfigurer service(TwoFactorService service) {
        this.service = Objects.requireNonNull(service, "service");
        return this;
    }

    /**
     * The path of the pages below the context path, {@value #DEFAULT_PAGES_PATH} by default.
     *
     * @throws IllegalArgumentException unless it is one or more segments of letters, digits and {@code . _ ~ -},
     *     each after a {@code /}
     */
    public TotpConfigurer pagesPath(String pagesPath) {
        if (pagesPath == null || !PAGES_PATH.matcher(pagesPath).matches() || pagesPath.contains("/.")) {
            throw new IllegalArgumentException("pagesPath must be like /totpguard (segments of letters, digits and"
                    + " . _ ~ -, none starting with a dot), not " + pagesPath);
        }
        this.pagesPath = pagesPath;
        return this;
    }

    /**
     * Whether the password checks of the form login and of HTTP Basic go through
     * {@link TwoFactorService#passwordAttempt} (limits per account name and client address, wrong passwords counted
     * toward the account's lock); on by default. Turn it off only when the application's {@code AuthenticationManager}
     * already calls the service for each password itself.
     */
    public TotpConfigurer passwordAttempts(boolean passwordAttempts) {
        this.passwordAttempts = passwordAttempts;
        return this;
    }

    @Override
    public void init(HttpSecurity http) {
        filter = new TotpFactorFilter(pagesPath);
        @SuppressWarnings("unchecked")
        FormLoginConfigurer<HttpSecurity> formLogin = http.getConfigurer(FormLoginConfigurer.class);
        if (passwordAttempts && formLogin != null) {
            // Spring's form login sets the chain's AuthenticationManager on its filter, then post-processes the filter:
            // the place to put the service in front of the password check, whatever providers the manager has.
            formLogin.addObjectPostProcessor(new ObjectPostProcessor<UsernamePasswordAuthenticationFilter>() {
                @Override
                public <O extends UsernamePasswordAuthenticationFilter> O postProcess(O loginFilter) {
                    AuthenticationManager manager = http.getSharedObject(AuthenticationManager.class);
                    if (manager != null) {
                        loginFilter.setAuthenticationManager(PasswordAttemptAuthenticationManager.wrap(manager, service()));
                    }
                    return loginFilter;
                }
            });
        }
        @SuppressWarnings("unchecked")
        HttpBasicConfigurer<HttpSecurity> basic = http.getConfigurer(HttpBasicConfigurer.class);
        if (passwordAttempts && basic != null) {
            // Spring's BasicAuthenticationFilter takes the chain's AuthenticationManager in its constructor and has no
            // setter: this configurer configures HTTP Basic itself, with the wrapper as the chain's manager for that
            // moment only. (The chain calls its init all the same, before or after this one, from its own list.)
            httpBasic = http.removeConfigurer(HttpBasicConfigurer.class);
        }
        @SuppressWarnings("unchecked")
        ExceptionHandlingConfigurer<HttpSecurity> exceptions = http.getConfigurer(ExceptionHandlingConfigurer.class);
        if (exceptions != null) {
            exceptions.defaultDeniedHandlerForMissingAuthority(filter::commence, TotpFactor.AUTHORITY);
        }
    }

    @Override
    public void configure(HttpSecurity http) {
        SecurityContextRepository repository = http.getSharedObject(SecurityContextRepository.class);
        SessionAuthenticationStrategy sessions = http.getSharedObject(SessionAuthenticationStrategy.class);
        RequestCache requestCache = http.getSharedObject(RequestCache.class);
        // Resolved here, while the chain is built, so that a missing service stops the start instead of a request.
        filter.wire(service(), repository == null ? new HttpSessionSecurityContextRepository() : repository,
                sessions == null ? new ChangeSessionIdAuthenticationStrategy() : sessions,
                requestCache == null ? new HttpSessionRequestCache() : requestCache);
        filter.brand(branding(http));
        http.addFilterBefore(postProcess(filter), AuthorizationFilter.class);
        if (httpBasic != null) {
            AuthenticationManager manager = http.getSharedObject(AuthenticationManager.class);
            if (manager != null) {
                http.setSharedObject(AuthenticationManager.class, PasswordAttemptAuthenticationManager.wrap(manager, service()));
            }
            try {
                httpBasic.configure(http);
            } finally {
                http.setSharedObject(AuthenticationManager.class, manager);
            }
        }
    }

    /** The {@code totpguard.spring.brand.*} settings, read (and checked) by the Boot auto-configuration, if it ran. */
    private static Branding branding(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        if (context == null) {
            return Branding.none();
        }
        TotpGuardSecurityAutoConfiguration.TotpGuardProperties properties = context
                .getBeanProvider(TotpGuardSecurityAutoConfiguration.TotpGuardProperties.class).getIfAvailable();
        return properties == null ? Branding.none() : properties.branding();
    }

    private TwoFactorService service() {
        if (service == null) {
            ApplicationContext context = getBuilder().getSharedObject(ApplicationContext.class);
            if (context == null) {
                throw new IllegalStateException("TotpConfigurer needs a TwoFactorService: give one to service(...)"
                        + " or declare it as a bean");
            }
            service = context.getBean(TwoFactorService.class);
        }
        return service;
    }
}
