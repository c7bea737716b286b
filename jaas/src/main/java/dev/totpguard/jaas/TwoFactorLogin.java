package dev.totpguard.jaas;

import dev.totpguard.PasswordAttempt;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.otp.Totp;
import dev.totpguard.recovery.RecoveryCodes;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.nio.CharBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The password-then-code decision shared by {@link TotpLoginModule} and
 * {@code dev.totpguard.jaspic.TotpServerAuthModule}, so both follow the same rules (OWASP Authentication
 * Cheat Sheet, "generic error messages"; RFC 4226 section 7.3 throttling via the service):
 * <ol>
 * <li>{@link #checkPassword} first asks the service to admit the attempt ({@link TwoFactorService#passwordAttempt}):
 *     a locked account, an account name or client address over its password limit, is refused before any hashing,
 *     whatever the password, with the same {@link Outcome#LOCKED}; a flood of logins beyond the hashing bound gets
 *     {@link Outcome#BUSY}. An admitted attempt does one full password hash, for unknown users against a dummy, and
 *     a wrong password counts as a failure of the account's second factor, exactly like a wrong code, so a lock
 *     after some tries of a candidate password says nothing about it (issue 13 item 1).</li>
 * <li>{@link #checkCode} asks the {@link TwoFactorService} only if the password was right, so a wrong
 *     password never consumes a code; after a wrong one it answers {@link Outcome#FAILED} with no further look-up.</li>
 * <li>Every wrong factor and every unknown user gives {@link Outcome#FAILED}; the store failing gives
 *     {@link Outcome#UNAVAILABLE} (fail closed).</li>
 * </ol>
 * A code that is not TOTP-shaped but is a well-formed recovery code is checked as a recovery code.
 *
 * <p>Immutable and thread-safe.
 */
public final class TwoFactorLogin {

    /**
     * What a login attempt comes to. Only {@link #ACCEPTED} lets anyone in: a user without an active TOTP is
     * {@link #FAILED} like any other (enroll users beforehand, e.g. with {@link EnrollCommand}).
     */
    public enum Outcome {
        /** Password and code right: the code is used up. */
        ACCEPTED,
        /** Any wrong factor, a missing code, an unknown user, no active TOTP: one answer for all. */
        FAILED,
        /** Too many wrong codes or passwords: refused for a while, whatever password was typed. */
        LOCKED,
        /** Too many logins at once: refused before the password was checked; try again shortly. */
        BUSY,
        /** The credential store or the users source failed: refuse. */
        UNAVAILABLE
    }

    /** Longest user name looked up; longer ones are treated as unknown. */
    public static final int MAX_USER_CHARS = 256;

    private static final System.Logger LOG = System.getLogger(TwoFactorLogin.class.getName());

    private final TwoFactorService service;
    private final PasswordVerifier verifier;
    private final Clock clock;

    /**
     * @param verifier {@code null} when another module checks passwords (only {@link #checkCode} with
     *     {@link PasswordCheck#checkedElsewhere} is used then)
     */
    public TwoFactorLogin(TwoFactorService service, PasswordVerifier verifier, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.verifier = verifier;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The decision configured by JAAS-style options, as the Jakarta Authentication module reads them: the
     * {@code totpguard.*} store and policy keys, the {@code totpguard.jaas.password.*}, {@code users.*},
     * {@code roles.*} keys, and optionally instances under
     * {@link TotpLoginModule#SERVICE_OPTION} and {@link TotpLoginModule#VERIFIER_OPTION}. Services and users
     * sources are shared per option set (see {@link TotpLoginModule#closeSharedServices()}).
     *
     * @param source what the options are, for messages, e.g. "authentication module option"
     * @throws IllegalArgumentException naming the bad or missing option
     */
    public static TwoFactorLogin fromOptions(Map<String, ?> options, String source) {
        Map<String, Object> plain = new HashMap<>(options);
        Object serviceInstance = plain.remove(TotpLoginModule.SERVICE_OPTION);
        Object verifierInstance = plain.remove(TotpLoginModule.VERIFIER_OPTION);
        LoginModuleOptions parsed = LoginModuleOptions.parse(plain, verifierInstance != null, source);
        if (parsed.mode() != LoginModuleOptions.Mode.STANDALONE) {
            throw parsed.settings().invalid(TotpGuardSettings.JAAS_MODE, "standalone here: this module checks the"
                    + " password itself");
        }
        return new TwoFactorLogin(serviceFrom(serviceInstance, parsed), verifierFrom(verifierInstance, parsed),
                Clock.systemUTC());
    }

    static TwoFactorService serviceFrom(Object instance, LoginModuleOptions options) {
        if (instance == null) {
            return SharedServices.service(options);
        }
        if (!(instance instanceof TwoFactorService)) {
            throw new IllegalArgumentException("Option " + TotpLoginModule.SERVICE_OPTION + " must be a TwoFactorService");
        }
        return (TwoFactorService) instance;
    }

    static PasswordVerifier verifierFrom(Object instance, LoginModuleOptions options) {
        if (options.mode() != LoginModuleOptions.Mode.STANDALONE) {
            return null;
        }
        if (instance == null) {
            return PasswordVerifiers.forOptions(options);
        }
        if (!(instance instanceof PasswordVerifier)) {
            throw new IllegalArgumentException("Option " + TotpLoginModule.VERIFIER_OPTION + " must be a PasswordVerifier");
        }
        return (PasswordVerifier) instance;
    }

    /** Digits of a TOTP code under the service's policy. */
    public int digits() {
        return service.policy().parameters().digits();
    }

    /**
     * Checks the first factor, if the service admits the attempt (see the class comment). Never tells a wrong password
     * from an unknown user; a {@code null} or oversized user or password costs the same hash and fails.
     *
     * @param clientAddress the client's IP address for the per-address password limit, or {@code null}
     * @throws PasswordStoreException if the users source or the credential store cannot be read (fail closed)
     */
    public PasswordCheck checkPassword(String user, char[] password, String clientAddress) throws PasswordStoreException {
        if (verifier == null) {
            throw new IllegalStateException("No PasswordVerifier configured");
        }
        boolean wellFormed = user != null && !user.isEmpty() && user.length() <= MAX_USER_CHARS && password != null;
        try (PasswordAttempt attempt = service.passwordAttempt(user, clientAddress)) {
            switch (attempt.admission()) {
                case ADMITTED:
                    break;
                case LOCKED:
                    return new PasswordCheck(wellFormed ? user : null, false, Set.of(), Outcome.LOCKED);
                case BUSY:
                    return new PasswordCheck(wellFormed ? user : null, false, Set.of(), Outcome.BUSY);
                case STORE_UNAVAILABLE:
                default:
                    throw new PasswordStoreException("The TOTP Guard credential store cannot count the attempt", null);
            }
            Optional<VerifiedAccount> account = verifier.verify(wellFormed ? user : "", password == null ? new char[0] : password);
            if (wellFormed && account.isPresent()) {
                attempt.passed();
                // From here on the account's stored name: the typed one may be another spelling the source accepted.
                return new PasswordCheck(account.get().name(), true, account.get().roles(), null).counted(clientAddress);
            }
            attempt.failed();
            return new PasswordCheck(wellFormed ? user : null, false, Set.of(), null);
        }
    }

    /**
     * Checks the second factor after {@link #checkPassword} (or {@link PasswordCheck#checkedElsewhere}).
     *
     * @param code the code as typed, or {@code null}; not modified
     * @param clientAddress the client's IP address for the per-address limit, or {@code null}
     */
    public Outcome checkCode(PasswordCheck password, char[] code, String clientAddress) {
        Objects.requireNonNull(password, "password");
        String user = password.user();
        if (password.refusal() != null) {
            return password.refusal();
        }
        if (!password.passed()) {
            // Counted by checkPassword already; a lock is reported only when the attempt was refused before hashing,
            // as it is after a right password (TwoFactorService.verify), so the two cannot be told apart.
            return Outcome.FAILED;
        }
        Verification verification = looksLikeRecoveryCode(code)
                ? service.useRecoveryCode(user, CharBuffer.wrap(code), clientAddress)
                : service.verify(user, code == null ? null : CharBuffer.wrap(code), clientAddress);
        switch (verification.outcome()) {
            case ACCEPTED:
                completed(password);
                return Outcome.ACCEPTED;
            case LOCKED:
                return Outcome.LOCKED;
            case STORE_UNAVAILABLE:
                LOG.log(Level.ERROR, "TOTP Guard store unavailable while checking a code for {0}", user);
                return Outcome.UNAVAILABLE;
            case INVALID:
            case REPLAYED:
            default:
                return Outcome.FAILED;
        }
    }

    /** A complete login reveals the password was right: its counted attempt is given back (see the class comment). */
    private void completed(PasswordCheck password) {
        if (password.counted) {
            service.passwordLoginCompleted(password.user(), password.countedAddress);
        }
    }

    private boolean looksLikeRecoveryCode(char[] code) {
        if (code == null || code.length > RecoveryCodes.MAX_INPUT_LENGTH) {
            return false;
        }
        CharSequence typed = CharBuffer.wrap(code);
        return Totp.parseCode(typed, digits()) < 0 && RecoveryCodes.normalise(typed) != null;
    }

    /**
     * The result of the first factor, to hand to {@link #checkCode}. It says only whether the password
     * matched; it never holds the password. Immutable; serializable so a two-step web flow can keep it in the
     * session between the steps.
     */
    public static final class PasswordCheck implements Serializable {

        private static final long serialVersionUID = 1L;

        private final String user;
        private final boolean passed;
        private final Set<String> roles;
        private final Outcome refusal;
        /** Whether checkPassword counted this attempt, and the client address it was counted for (or null). */
        private boolean counted;
        private String countedAddress;

        private PasswordCheck(String user, boolean passed, Set<String> roles, Outcome refusal) {
            this.user = user;
            this.passed = passed;
            this.roles = Set.copyOf(roles);
            this.refusal = refusal;
        }

        private PasswordCheck counted(String clientAddress) {
            this.counted = true;
            this.countedAddress = clientAddress;
            return this;
        }

        /** For stacked setups: another module has already accepted {@code user}'s password. */
        public static PasswordCheck checkedElsewhere(String user) {
            return new PasswordCheck(Objects.requireNonNull(user, "user"), true, Set.of(), null);
        }

        /**
         * {@link Outcome#LOCKED} or {@link Outcome#BUSY} when the attempt was refused before the password was checked
         * (then nobody knows whether it was right), else {@code null}.
         */
        public Outcome refusal() {
            return refusal;
        }

        /**
         * The account's user name as the user source stores it when the password passed (never the typed spelling);
         * otherwise the name as typed, or {@code null} if it was missing or oversized.
         */
        public String user() {
            return user;
        }

        public boolean passed() {
            return passed;
        }

        /** The user's roles if the password passed, else empty. */
        public Set<String> roles() {
            return roles;
        }

        @Override
        public String toString() {
            return "PasswordCheck[" + user + "]";
        }
    }
}
