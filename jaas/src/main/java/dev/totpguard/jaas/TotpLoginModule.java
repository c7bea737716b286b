package dev.totpguard.jaas;

import dev.totpguard.AccountResolver;
import dev.totpguard.TotpVerifiedPrincipal;
import dev.totpguard.TwoFactorService;
import dev.totpguard.store.StoreException;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * A JAAS {@link LoginModule} (Java SE JAAS LoginModule Developer's Guide) that checks a TOTP code (RFC 6238)
 * through the {@link TwoFactorService}, so replay protection and lockout are the service's and hold across
 * nodes.
 *
 * <h2>Modes</h2>
 * <ul>
 * <li><b>standalone</b> ({@code totpguard.jaas.mode=standalone}, default): checks the password with a
 *     {@link PasswordVerifier} ({@code totpguard.jaas.password.source=properties|jdbc}) and then the code, both
 *     in {@link #login()}; on commit adds {@link UserPrincipal}, one {@link RolePrincipal} per role and
 *     {@link TotpVerifiedPrincipal}.</li>
 * <li><b>stacked</b> ({@code totpguard.jaas.mode=stacked}): another module checks the password. The user
 *     comes from the shared state ({@code javax.security.auth.login.name}) or a {@code NameCallback}; the code
 *     is read in {@link #login()} but checked in {@link #commit()}, which JAAS calls only when every module of
 *     the entry has accepted the login, so a wrong password never consumes a code or counts toward the
 *     lockout, whatever the control flags. On commit adds only {@link TotpVerifiedPrincipal}.</li>
 * </ul>
 * {@code use_first_pass} takes name and password from the shared state only; {@code try_first_pass} tries
 * the shared state first and asks the callback handler if that fails. {@code totpguard.jaas.forward-pass=true}
 * stores the name and the password <em>without</em> the code in the shared state, for modules listed after
 * this one (with their own {@code use_first_pass}).
 *
 * <h2>Where the code comes from</h2>
 * {@code totpguard.jaas.code.source=callback} (default): a {@link TotpCallback}, or, under Jetty's
 * {@code JAASLoginService}, the form field {@code totpguard.jaas.code.field} (default {@code j_totp}).
 * {@code =appended}: the end of the password ({@code secret:123456}; {@code totpguard.jaas.code.separator},
 * or {@code none} for the bare last N digits), for containers that pass only user name and password. A
 * well-formed recovery code in place of the TOTP is accepted once (separator or callback forms).
 *
 * <h2>Failures</h2>
 * A wrong password, wrong or replayed code, missing code or unknown user all give the same
 * {@link FailedLoginException} message, after the same password hashing work; a locked second factor, or an account
 * name or client address over its password limit ({@code totpguard.password.*}), gives {@link AccountLockedException}
 * before any hashing, whichever password was typed; wrong passwords count toward the same lock as wrong codes; more
 * logins at once than {@code totpguard.password.concurrency} (after a bounded wait) give a plain
 * {@link LoginException} "try again"; a store or users-source failure gives a plain
 * {@link LoginException} (fail closed). A user without an active TOTP is refused like a wrong code: enroll
 * users beforehand ({@link EnrollCommand}). A bad option is reported by name: logged at {@link #initialize} and thrown
 * by every {@link #login()}.
 *
 * <p>Not thread-safe, as JAAS intends: {@code LoginContext} creates one instance per login. The services it
 * uses are shared per option set, see {@link #closeSharedServices()}.
 */
public final class TotpLoginModule implements LoginModule {

    /** The one message for every wrong factor and unknown user: it must not say which. */
    static final String FAILED = "Login failed: wrong user name, password or code";
    static final String LOCKED = "Login failed: too many failed attempts, try again later";
    /** Refused before the password was checked, so it says nothing about it. */
    static final String BUSY = "Login failed: too many logins at once, try again in a moment";
    static final String UNAVAILABLE = "Login failed: the credential store is unavailable";

    /** Option whose value may be a {@link TwoFactorService} instance (programmatic configurations). */
    public static final String SERVICE_OPTION = "totpguard.jaas.service";
    /** Option whose value may be a {@link PasswordVerifier} instance (programmatic configurations). */
    public static final String VERIFIER_OPTION = "totpguard.jaas.password.verifier";

    private static final System.Logger LOG = System.getLogger(TotpLoginModule.class.getName());

    private enum State { UNINITIALIZED, READY, LOGIN_FAILED, LOGIN_SUCCEEDED, COMMITTED }

    private final Clock clock = Clock.systemUTC();

    private State state = State.UNINITIALIZED;
    private Subject subject;
    private CallbackHandler handler;
    private Map<String, Object> sharedState;
    private LoginModuleOptions options;
    private String configurationError;
    private TwoFactorLogin twoFactorLogin;
    private AccountResolver accounts;

    // One attempt: set by login(), consumed by commit(), wiped by abort()/logout().
    private String user;
    private Set<String> roles;
    private char[] pendingCode;
    private String clientAddress;
    private final Set<Principal> added = new LinkedHashSet<>();

    /** Public no-argument constructor, as JAAS requires. */
    public TotpLoginModule() {
    }

    /**
     * Closes the services, pools and users files shared by all instances in this class loader (a JVM
     * shutdown hook does this too). Call it when a web application that bundles this module is undeployed.
     */
    public static void closeSharedServices() {
        SharedServices.closeAll();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = callbackHandler;
        this.sharedState = (Map<String, Object>) sharedState;
        try {
            Map<String, Object> plain = new HashMap<>(options);
            Object serviceInstance = plain.remove(SERVICE_OPTION);
            Object verifierInstance = plain.remove(VERIFIER_OPTION);
            this.options = LoginModuleOptions.parse(plain, verifierInstance != null);
            TwoFactorService service = TwoFactorLogin.serviceFrom(serviceInstance, this.options);
            PasswordVerifier verifier = TwoFactorLogin.verifierFrom(verifierInstance, this.options);
            this.twoFactorLogin = new TwoFactorLogin(service, verifier, clock);
            this.accounts = this.options.mode() == LoginModuleOptions.Mode.STACKED
                    ? PasswordVerifiers.accountResolver(this.options) : AccountResolver.asGiven();
            this.configurationError = null;
            this.state = State.READY;
        } catch (RuntimeException e) {
            // A bad option (IllegalArgumentException) or a store that cannot be set up (IllegalStateException).
            // JAAS would wrap an exception from initialize() into a LoginException whose message is a stack
            // trace; keep the named option's message and report it from login() instead.
            this.configurationError = e.getMessage();
            this.state = State.UNINITIALIZED;
            LOG.log(Level.ERROR, "TOTP Guard login module is misconfigured: {0}", e.getMessage());
        }
    }

    @Override
    public boolean login() throws LoginException {
        if (configurationError != null || state == State.UNINITIALIZED) {
            throw new LoginException("TOTP Guard login module is misconfigured: "
                    + (configurationError == null ? "initialize() was not called" : configurationError));
        }
        clearAttempt();
        try {
            if (options.mode() == LoginModuleOptions.Mode.STANDALONE) {
                loginStandalone();
            } else {
                loginStacked();
            }
            state = State.LOGIN_SUCCEEDED;
            return true;
        } catch (LoginException e) {
            failAttempt();
            throw e;
        } catch (RuntimeException e) {
            // Fail closed on anything unexpected, without a stack trace in the message.
            failAttempt();
            LOG.log(Level.ERROR, "TOTP Guard login failed unexpectedly", e);
            throw chained(UNAVAILABLE, e);
        }
    }

    private void loginStandalone() throws LoginException {
        Attempt attempt = null;
        char[] callbackCode = null;
        try {
            LoginModuleOptions.FirstPass firstPass = options.firstPass();
            if (firstPass != LoginModuleOptions.FirstPass.NONE) {
                attempt = Attempt.fromSharedState(sharedState);
                if (attempt == null && firstPass == LoginModuleOptions.FirstPass.USE) {
                    throw failed();
                }
            }
            if (attempt == null) {
                attempt = Attempt.fromCallbacks(handler);
            }
            clientAddress = CallbackInput.clientAddress(handler, options.trustedProxies());
            if (options.codeSource() == LoginModuleOptions.CodeSource.CALLBACK) {
                callbackCode = CallbackInput.askCode(handler, options.codeField());
            }
            TwoFactorLogin.PasswordCheck check = checkPassword(attempt);
            if (!check.passed() && attempt.fromSharedState && firstPass == LoginModuleOptions.FirstPass.TRY) {
                attempt.clear();
                attempt = Attempt.fromCallbacks(handler);
                check = checkPassword(attempt);
            }
            user = check.user();
            char[] code = options.codeSource() == LoginModuleOptions.CodeSource.APPENDED ? attempt.code() : callbackCode;
            enforce(twoFactorLogin.checkCode(check, code, clientAddress));
            roles = check.roles();
            if (options.forwardPass()) {
                // The stored name: the modules after this one must see the account, not the spelling that was typed.
                forward(user, attempt);
            }
        } finally {
            CallbackInput.clear(callbackCode);
            if (attempt != null) {
                attempt.clear();
            }
        }
    }

    /** The first factor; in appended mode the code is split off first, and a missing code fails the check. */
    private TwoFactorLogin.PasswordCheck checkPassword(Attempt attempt) throws LoginException {
        boolean appended = options.codeSource() == LoginModuleOptions.CodeSource.APPENDED;
        if (appended) {
            attempt.split(options.codeSeparator(), twoFactorLogin.digits());
        }
        // Without a code the check still costs one password hash (null password), then fails.
        char[] password = appended && attempt.code() == null ? null : attempt.password();
        try {
            return twoFactorLogin.checkPassword(attempt.user, password, clientAddress);
        } catch (PasswordStoreException e) {
            LOG.log(Level.ERROR, "TOTP Guard cannot check passwords: {0}", e.getMessage());
            throw chained(UNAVAILABLE, e);
        }
    }

    private void loginStacked() throws LoginException {
        LoginModuleOptions.FirstPass firstPass = options.firstPass();
        String name = CallbackInput.sharedName(sharedState);
        if (name == null) {
            if (firstPass == LoginModuleOptions.FirstPass.USE) {
                throw failed();
            }
            name = CallbackInput.askName(handler);
        }
        if (name == null || name.length() > TwoFactorLogin.MAX_USER_CHARS) {
            throw failed();
        }
        user = name;
        clientAddress = CallbackInput.clientAddress(handler, options.trustedProxies());
        if (options.codeSource() == LoginModuleOptions.CodeSource.CALLBACK) {
            pendingCode = CallbackInput.askCode(handler, options.codeField());
            if (pendingCode == null) {
                throw failed();
            }
            if (options.forwardPass()) {
                Attempt passThrough = firstPass == LoginModuleOptions.FirstPass.NONE ? null
                        : Attempt.fromSharedState(sharedState);
                if (passThrough == null) {
                    passThrough = new Attempt(name, CallbackInput.askPassword(handler), false);
                }
                forward(passThrough.user, passThrough);
                passThrough.clear();
            }
            return;
        }
        char[] combined = firstPass == LoginModuleOptions.FirstPass.NONE ? null : CallbackInput.sharedPassword(sharedState);
        if (combined == null) {
            if (firstPass == LoginModuleOptions.FirstPass.USE) {
                throw failed();
            }
            combined = CallbackInput.askPassword(handler);
        }
        Attempt attempt = new Attempt(name, combined, false);
        try {
            attempt.split(options.codeSeparator(), twoFactorLogin.digits());
            if (attempt.code() == null) {
                throw failed();
            }
            pendingCode = attempt.code().clone();
            if (options.forwardPass()) {
                forward(attempt.user, attempt);
            }
        } finally {
            attempt.clear();
        }
    }

    /** Puts the name and the password without the code into the shared state for the modules after this one. */
    private void forward(String name, Attempt attempt) {
        char[] password = attempt.password();
        if (password != null) {
            sharedState.put(CallbackInput.SHARED_NAME, name);
            sharedState.put(CallbackInput.SHARED_PASSWORD, password.clone());
        }
    }

    /** Maps the decision to JAAS: only ACCEPTED returns. */
    private void enforce(TwoFactorLogin.Outcome outcome) throws LoginException {
        debug(outcome.name());
        switch (outcome) {
            case ACCEPTED:
                return;
            case LOCKED:
                throw new AccountLockedException(LOCKED);
            case BUSY:
                throw new LoginException(BUSY);
            case UNAVAILABLE:
                throw new LoginException(UNAVAILABLE);
            case FAILED:
            default:
                throw new FailedLoginException(FAILED);
        }
    }

    @Override
    public boolean commit() throws LoginException {
        if (state != State.LOGIN_SUCCEEDED) {
            // login() failed or was never called: add nothing, keep nothing.
            clearAttempt();
            return false;
        }
        try {
            if (options.mode() == LoginModuleOptions.Mode.STACKED) {
                // Checked only now: JAAS commits only when every module accepted the login (see class doc).
                user = account(user);
                enforce(twoFactorLogin.checkCode(TwoFactorLogin.PasswordCheck.checkedElsewhere(user), pendingCode,
                        clientAddress));
            }
            if (subject.isReadOnly()) {
                throw new LoginException("TOTP Guard cannot add principals to a read-only Subject");
            }
            Set<Principal> principals = new LinkedHashSet<>();
            if (options.mode() == LoginModuleOptions.Mode.STANDALONE) {
                principals.add(new UserPrincipal(user));
                for (String role : roles) {
                    principals.add(new RolePrincipal(role));
                }
            }
            principals.add(new TotpVerifiedPrincipal(user, clock.instant()));
            for (Principal principal : principals) {
                if (subject.getPrincipals().add(principal)) {
                    added.add(principal);
                }
            }
            state = State.COMMITTED;
            CallbackInput.clear(pendingCode);
            pendingCode = null;
            return true;
        } catch (LoginException e) {
            failAttempt();
            throw e;
        } catch (RuntimeException e) {
            failAttempt();
            LOG.log(Level.ERROR, "TOTP Guard commit failed unexpectedly", e);
            throw chained(UNAVAILABLE, e);
        }
    }

    @Override
    public boolean abort() throws LoginException {
        if (state == State.UNINITIALIZED || state == State.READY) {
            return false;
        }
        boolean hadSucceeded = state == State.LOGIN_SUCCEEDED || state == State.COMMITTED;
        removeAddedPrincipals();
        clearAttempt();
        return hadSucceeded;
    }

    @Override
    public boolean logout() throws LoginException {
        if (state == State.UNINITIALIZED) {
            return false;
        }
        removeAddedPrincipals();
        clearAttempt();
        return true;
    }

    private void removeAddedPrincipals() throws LoginException {
        if (!added.isEmpty()) {
            if (subject.isReadOnly()) {
                throw new LoginException("TOTP Guard cannot remove principals from a read-only Subject");
            }
            subject.getPrincipals().removeAll(added);
            added.clear();
        }
    }

    private void failAttempt() {
        clearAttempt();
        state = State.LOGIN_FAILED;
    }

    private void clearAttempt() {
        CallbackInput.clear(pendingCode);
        pendingCode = null;
        user = null;
        roles = null;
        clientAddress = null;
        if (state != State.UNINITIALIZED) {
            state = State.READY;
        }
    }

    /**
     * The account whose password the module before this one accepted: the name it established may be another spelling
     * of the stored one (a case-insensitive directory), and the second factor belongs to the account.
     */
    private String account(String login) throws LoginException {
        Optional<String> account;
        try {
            account = accounts.account(login);
        } catch (StoreException e) {
            LOG.log(Level.ERROR, "TOTP Guard cannot map a user name to its account: {0}", e.getMessage());
            throw chained(UNAVAILABLE, e);
        }
        if (account.isEmpty()) {
            throw failed();
        }
        return account.get();
    }

    private FailedLoginException failed() {
        debug("FAILED");
        return new FailedLoginException(FAILED);
    }

    private void debug(String outcome) {
        if (options != null && options.debug()) {
            LOG.log(Level.INFO, "TOTP Guard login for {0}: {1}", user, outcome);
        }
    }

    private static LoginException chained(String message, Throwable cause) {
        LoginException e = new LoginException(message);
        e.initCause(cause);
        return e;
    }

    @Override
    public String toString() {
        return "TotpLoginModule[" + state + (options == null ? "" : ", " + options) + "]";
    }

    /** A user name and password (and, in appended mode, the code split off it); all arrays are owned copies. */
    private static final class Attempt {
        final String user;
        final boolean fromSharedState;
        private char[] combined;
        private CombinedPassword split;

        Attempt(String user, char[] password, boolean fromSharedState) {
            this.user = user;
            this.combined = password;
            this.fromSharedState = fromSharedState;
        }

        static Attempt fromSharedState(Map<String, ?> sharedState) {
            String name = CallbackInput.sharedName(sharedState);
            char[] password = CallbackInput.sharedPassword(sharedState);
            if (name == null || password == null) {
                CallbackInput.clear(password);
                return null;
            }
            return new Attempt(name, password, true);
        }

        static Attempt fromCallbacks(CallbackHandler handler) throws LoginException {
            String name = CallbackInput.askName(handler);
            return new Attempt(name, CallbackInput.askPassword(handler), false);
        }

        void split(String separator, int digits) {
            if (split == null) {
                split = CombinedPassword.split(combined, separator, digits);
            }
        }

        /** The password without a code (appended mode after {@link #split}) or as given; may be null. */
        char[] password() {
            return split != null ? split.password() : combined;
        }

        /** The split-off code, or null. */
        char[] code() {
            return split != null ? split.code() : null;
        }

        void clear() {
            CallbackInput.clear(combined);
            combined = null;
            if (split != null) {
                split.clear();
                split = null;
            }
        }
    }
}
