package dev.totpguard.example.login;

import dev.totpguard.PasswordAttempt;
import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.TwoFactorService;
import dev.totpguard.jaas.PasswordStoreException;
import dev.totpguard.jaas.PasswordVerifier;
import dev.totpguard.jaas.RolePrincipal;
import dev.totpguard.jaas.UserPrincipal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.eclipse.jetty.security.jaas.callback.RequestCallback;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password step of the example's JAAS entry (Java SE JAAS LoginModule Developer's Guide): checks user name and
 * password with the JAAS module's {@link PasswordVerifier} (the {@code totpguard_user} table, PBKDF2 hashes) and
 * on commit adds {@link UserPrincipal} and the {@link RolePrincipal}s. It is listed REQUIRED before
 * {@code dev.totpguard.jaas.TotpLoginModule} in stacked mode, listed OPTIONAL:
 * <ul>
 *   <li>password only: this module succeeds, the TOTP module has no code and fails, which OPTIONAL allows; the
 *       session is password-only and TOTP Guard's filter asks for the code on its token page (two steps);</li>
 *   <li>password and {@code j_totp} on the login page: the TOTP module checks the code at commit and adds
 *       {@code TotpVerifiedPrincipal}, which the filter accepts without asking again.</li>
 * </ul>
 * A wrong password fails the whole login with one generic message, and the TOTP module then never sees the code.
 *
 * <p>Every attempt is first admitted by {@link TwoFactorService#passwordAttempt} (issue 13 item 2): counted per
 * account name and per client address in the credential store, refused unhashed beyond the limits or while the
 * account's second factor is locked, and hashed only within the service's bound of concurrent hashes. A wrong
 * password is audited ({@code PASSWORD_REFUSED}) and counts toward the account's lock like a wrong code. Every
 * refusal ends on the same login error page.
 *
 * <p>The verifier and the service come as the options {@value #VERIFIER_OPTION} and {@value #SERVICE_OPTION} (a
 * programmatic JAAS configuration). Not thread-safe, as JAAS intends: one instance per login.
 */
public final class PasswordLoginModule implements LoginModule {

    /** Option holding the {@link PasswordVerifier} instance. */
    public static final String VERIFIER_OPTION = "dev.totpguard.example.password.verifier";
    /** Option holding the {@link TwoFactorService} that admits password attempts. */
    public static final String SERVICE_OPTION = "dev.totpguard.example.password.service";
    /** Option holding the launcher's {@link TrustedProxies}: the request Jetty hands a login module is the raw one. */
    public static final String TRUSTED_PROXIES_OPTION = "dev.totpguard.example.password.trusted-proxies";

    private static final Logger LOG = LoggerFactory.getLogger(PasswordLoginModule.class);
    private static final String FAILED = "Login failed: wrong user name, password or code";
    private static final String SHARED_NAME = "javax.security.auth.login.name";

    private Subject subject;
    private CallbackHandler handler;
    private Map<String, Object> sharedState;
    private PasswordVerifier verifier;
    private TwoFactorService service;
    private TrustedProxies trustedProxies;
    private String user;
    private Set<String> roles;
    private boolean succeeded;
    private final Set<Principal> added = new LinkedHashSet<>();

    /** Public no-argument constructor, as JAAS requires. */
    public PasswordLoginModule() {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.handler = callbackHandler;
        this.sharedState = (Map<String, Object>) sharedState;
        Object candidate = options.get(VERIFIER_OPTION);
        this.verifier = candidate instanceof PasswordVerifier ? (PasswordVerifier) candidate : null;
        Object twoFactor = options.get(SERVICE_OPTION);
        this.service = twoFactor instanceof TwoFactorService ? (TwoFactorService) twoFactor : null;
        Object proxies = options.get(TRUSTED_PROXIES_OPTION);
        this.trustedProxies = proxies instanceof TrustedProxies ? (TrustedProxies) proxies : TrustedProxies.none();
    }

    @Override
    public boolean login() throws LoginException {
        succeeded = false;
        if (verifier == null || service == null) {
            throw new LoginException("Options " + VERIFIER_OPTION + " and " + SERVICE_OPTION + " must hold a PasswordVerifier and a TwoFactorService");
        }
        NameCallback name = new NameCallback("Username");
        PasswordCallback password = new PasswordCallback("Password", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            LoginException failure = new LoginException("Login failed: the login form could not be read");
            failure.initCause(e);
            throw failure;
        }
        char[] typed = password.getPassword();
        password.clearPassword();
        String given = name.getName();
        String address = clientAddress();
        try (PasswordAttempt attempt = service.passwordAttempt(given, address)) {
            switch (attempt.admission()) {
                case ADMITTED:
                    break;
                case STORE_UNAVAILABLE:
                    throw new LoginException("Login failed: the credential store is unavailable");
                case LOCKED:
                case BUSY:
                default:
                    // Refused before the password was looked at: the same error page as a wrong password.
                    throw new FailedLoginException(FAILED);
            }
            var result = verifier.verify(given == null ? "" : given, typed == null ? new char[0] : typed);
            // One line per password hash computed (PBKDF2), right or wrong, never with the password: FailoverIT counts
            // them to prove that a stored session is signed in again without one.
            LOG.debug("Checked a password");
            if (given == null || result.isEmpty()) {
                attempt.failed();
                throw new FailedLoginException(FAILED);
            }
            attempt.passed();
            // This login tells the browser the password was right (the code, if any, comes on the next page), so its
            // attempt is given back at once: an administrator is not throttled by their own logins.
            service.passwordLoginCompleted(given, address);
            // The account's stored name, never the typed one: the admin table may have accepted ADMIN for admin, and
            // the second factor, the principal and the audit log all belong to the account.
            user = result.get().name();
            roles = result.get().roles();
            // The TOTP module after this one takes the checked name from here rather than asking again.
            sharedState.put(SHARED_NAME, user);
            tellHandlerTheAccountName();
            succeeded = true;
            return true;
        } catch (PasswordStoreException e) {
            LoginException failure = new LoginException("Login failed: the user table cannot be read");
            failure.initCause(e);
            throw failure;
        } finally {
            if (typed != null) {
                Arrays.fill(typed, '\0');
            }
        }
    }

    /** The client's address as Jetty's login service knows it (after the launcher's trusted-proxy rules), or null. */
    private String clientAddress() {
        try {
            RequestCallback callback = new RequestCallback();
            handler.handle(new Callback[] {callback});
            Request request = callback.getRequest();
            SocketAddress remote = request == null ? null : request.getConnectionMetaData().getRemoteSocketAddress();
            if (!(remote instanceof InetSocketAddress)) {
                return null;
            }
            // Jetty's login service hands over the request as the connector read it, before the launcher's customizer.
            return trustedProxies.resolve(((InetSocketAddress) remote).getAddress().getHostAddress(), request.isSecure(),
                    name -> request.getHeaders().getValuesList(name)).address();
        } catch (IOException | UnsupportedCallbackException e) {
            return null;
        }
    }

    /**
     * Jetty names the container principal by asking the handler for the user name after the login: the launcher's
     * {@link AccountNameCallbackHandler} answers with the stored name from now on, so {@code getRemoteUser()}, the
     * filter's second factor and the audit log all see {@code admin}, never {@code ADMIN}.
     */
    private void tellHandlerTheAccountName() throws LoginException {
        try {
            handler.handle(new Callback[] {new AccountNameCallback(user)});
        } catch (UnsupportedCallbackException e) {
            // Another container names the principal from the subject; if it used the typed name, TOTP Guard's filter
            // refuses that spelling of an enrolled account.
        } catch (IOException e) {
            LoginException failure = new LoginException("Login failed: the login could not be completed");
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public boolean commit() throws LoginException {
        if (!succeeded) {
            clear();
            return false;
        }
        if (subject.isReadOnly()) {
            throw new LoginException("Cannot add principals to a read-only Subject");
        }
        Set<Principal> principals = new LinkedHashSet<>();
        principals.add(new UserPrincipal(user));
        for (String role : roles) {
            principals.add(new RolePrincipal(role));
        }
        for (Principal principal : principals) {
            if (subject.getPrincipals().add(principal)) {
                added.add(principal);
            }
        }
        return true;
    }

    @Override
    public boolean abort() {
        boolean had = succeeded;
        removeAdded();
        clear();
        return had;
    }

    @Override
    public boolean logout() {
        removeAdded();
        clear();
        return true;
    }

    private void removeAdded() {
        if (subject != null && !subject.isReadOnly()) {
            subject.getPrincipals().removeAll(added);
        }
        added.clear();
    }

    private void clear() {
        succeeded = false;
        user = null;
        roles = null;
    }
}
