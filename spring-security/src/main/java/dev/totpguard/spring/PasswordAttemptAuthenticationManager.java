package dev.totpguard.spring;

import dev.totpguard.PasswordAttempt;
import dev.totpguard.TwoFactorService;
import java.util.Objects;
import org.springframework.context.support.MessageSourceAccessor;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.SpringSecurityMessageSource;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Runs every password check of Spring's form login and HTTP Basic (wired by {@link TotpConfigurer}), or of an
 * application's own login ({@link #wrap}), through {@link TwoFactorService#passwordAttempt}, as TOTP Guard's
 * filter, JAAS module and SAM do: the attempt is counted per account name and per client address in the store (so
 * the limits hold across nodes) before the delegate hashes the password; a wrong password is audited
 * ({@code PASSWORD_REFUSED}) and counts toward the same lock as wrong codes. A refused attempt is Spring's ordinary
 * {@link BadCredentialsException}, the answer to a wrong password, so the login page tells nothing about a lock or
 * about which factor failed.
 *
 * <p>The account name is the one typed, {@link Authentication#getName()} of the unauthenticated token (the service
 * canonicalises it); the client address is {@link WebAuthenticationDetails#getRemoteAddress()}, the request's
 * {@code getRemoteAddr()} with Spring's default details source, else unknown (only the account is counted). Other
 * authentications pass through unchanged. Thread-safe if the delegate is.
 */
public final class PasswordAttemptAuthenticationManager implements AuthenticationManager {

    private static final System.Logger LOG = System.getLogger(PasswordAttemptAuthenticationManager.class.getName());

    private final AuthenticationManager delegate;
    private final TwoFactorService service;
    private final MessageSourceAccessor messages = SpringSecurityMessageSource.getAccessor();

    private PasswordAttemptAuthenticationManager(AuthenticationManager delegate, TwoFactorService service) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * The given manager with every password check first admitted, and its outcome counted, by the service: for an
     * application's own login controller or filter, which calls {@code authenticate} of the result with an
     * unauthenticated {@link UsernamePasswordAuthenticationToken} whose details are a {@link WebAuthenticationDetails}
     * (e.g. from {@code new WebAuthenticationDetailsSource().buildDetails(request)}; without them only the account is
     * counted). A refused attempt, a locked account included, is the {@link BadCredentialsException} of a wrong
     * password. {@code formLogin} and {@code httpBasic} need no call: {@link TotpConfigurer} wraps their manager.
     *
     * @throws NullPointerException if either is null
     */
    public static AuthenticationManager wrap(AuthenticationManager delegate, TwoFactorService service) {
        return new PasswordAttemptAuthenticationManager(delegate, service);
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof UsernamePasswordAuthenticationToken) || authentication.isAuthenticated()) {
            return delegate.authenticate(authentication);
        }
        String typedName = authentication.getName();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : null;
        try (PasswordAttempt attempt = service.passwordAttempt(typedName, address)) {
            if (!attempt.admitted()) {
                if (attempt.admission() == PasswordAttempt.Admission.STORE_UNAVAILABLE) {
                    // Fail closed; the service has logged and audited the cause.
                    LOG.log(System.Logger.Level.WARNING, "TOTP Guard: a password login was refused: the credential"
                            + " store is unavailable");
                }
                // Before any hashing and whatever the password: the same exception and message as a wrong password.
                throw badCredentials();
            }
            Authentication result;
            try {
                result = delegate.authenticate(authentication);
            } catch (BadCredentialsException wrong) {
                // Wrong password or (Spring hides it by default) unknown user: counted toward the account's lock.
                attempt.failed();
                throw wrong;
            }
            // Other failures (disabled, locked by the application, a failing user store) say nothing about the
            // password: the attempt stays counted, as every attempt is, and is settled neither way.
            if (result != null && result.isAuthenticated()) {
                attempt.passed();
                // The next page (the saved request or the token page) shows the password was right, so giving the
                // attempt back tells nothing, and a user is not throttled by their own logins.
                service.passwordLoginCompleted(typedName, address);
            }
            return result;
        }
    }

    private BadCredentialsException badCredentials() {
        return new BadCredentialsException(messages.getMessage("AbstractUserDetailsAuthenticationProvider.badCredentials",
                "Bad credentials"));
    }

    @Override
    public String toString() {
        return "PasswordAttemptAuthenticationManager[" + delegate + "]";
    }
}
