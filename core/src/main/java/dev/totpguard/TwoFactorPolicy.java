package dev.totpguard;

import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.recovery.RecoveryCodes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How TOTP Guard enrolls and checks second factors: parameters for new enrollments (RFC 6238: SHA-1, 6 digits,
 * 30 s by default), the look-around window, issuer, secret size, recovery code count, whether a second factor
 * is required, and the brute-force limits.
 *
 * <p>Brute-force limits (RFC 4226 section 7.3, NIST SP 800-63B section 5.2.2): after {@link #maxFailures()}
 * consecutive failures the user's second factor locks for {@link #lockoutBase()}; every further failure locks
 * it again for twice as long, up to {@link #lockoutMax()}; a success resets the count. Separately, one client
 * address may fail {@link #maxFailuresPerAddress()} times per {@link #addressWindow()} for one account. Passwords
 * (the first factor, checked through {@link TwoFactorService#passwordAttempt}) are limited per account name and per
 * address before they are hashed, and only {@link #passwordConcurrency()} are hashed at once.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder()}, or from settings (keys in {@link TotpGuardSettings})
 * with the service by {@link dev.totpguard.config.TwoFactorServiceFactory#fromSettings}.
 */
public final class TwoFactorPolicy {

    /** Whether users without a second factor may pass. */
    public enum Enforcement {
        /** Users who enrolled must give a code; others pass with the password alone. */
        OPTIONAL,
        /** Every user must give a code; users who have not enrolled are sent to enrollment. */
        REQUIRED
    }

    /** NIST SP 800-63B section 5.2.2 allows no more than 100 consecutive failed attempts. */
    public static final int MAX_FAILURES_LIMIT = 100;

    private static final Duration DEFAULT_ENROLLMENT_TIMEOUT = Duration.ofMinutes(10);
    /** Shortest {@link #enrollmentTimeout()}. */
    public static final Duration MIN_ENROLLMENT_TIMEOUT = Duration.ofMinutes(1);
    /** Longest {@link #enrollmentTimeout()}. */
    public static final Duration MAX_ENROLLMENT_TIMEOUT = Duration.ofHours(24);
    private static final Duration DEFAULT_SESSION_REFRESH = Duration.ofSeconds(10);
    /** Longest {@link #sessionRefresh()}. */
    public static final Duration MAX_SESSION_REFRESH = Duration.ofMinutes(5);
    private static final int DEFAULT_PASSWORD_ATTEMPTS_PER_ACCOUNT = 10;
    private static final int DEFAULT_PASSWORD_ATTEMPTS_PER_ADDRESS = 100;
    private static final Duration DEFAULT_PASSWORD_QUEUE_WAIT = Duration.ofSeconds(1);
    /** Longest {@link #passwordQueueWait()}. */
    public static final Duration MAX_PASSWORD_QUEUE_WAIT = Duration.ofSeconds(30);
    /** Most {@link #passwordConcurrency()}. */
    public static final int MAX_PASSWORD_CONCURRENCY = 1024;
    /** Most days {@link #trustedBrowserDays()} may be. */
    public static final int MAX_TRUSTED_BROWSER_DAYS = 90;
    /** Trusted browsers kept per account; a further one evicts the oldest. */
    public static final int MAX_TRUSTED_BROWSERS_PER_ACCOUNT = 20;
    /** Default {@link #maxAuthenticators()}. */
    public static final int DEFAULT_MAX_AUTHENTICATORS = 5;
    /** Most {@link #maxAuthenticators()}. */
    public static final int MAX_AUTHENTICATORS = 20;
    /** Longest {@link #graceDays()}. */
    public static final int MAX_GRACE_DAYS = 90;
    /** Most {@link #graceSignIns()}. */
    public static final int MAX_GRACE_SIGN_INS = 100;
    private static final TwoFactorPolicy DEFAULTS = builder().build();

    private final TotpParameters parameters;
    private final int stepsBack;
    private final int stepsAhead;
    private final String issuer;
    private final int secretBytes;
    private final int recoveryCodeCount;
    private final Enforcement enforcement;
    private final int maxFailures;
    private final Duration lockoutBase;
    private final Duration lockoutMax;
    private final int maxFailuresPerAddress;
    private final Duration addressWindow;
    private final Duration enrollmentTimeout;
    private final Duration sessionRefresh;
    private final int passwordAttemptsPerAccount;
    private final int passwordAttemptsPerAddress;
    private final Duration passwordWindow;
    private final int passwordConcurrency;
    private final Duration passwordQueueWait;
    private final int trustedBrowserDays;
    private final int graceDays;
    private final int graceSignIns;
    private final int maxAuthenticators;

    private TwoFactorPolicy(Builder builder) {
        this.parameters = builder.parameters;
        this.stepsBack = builder.stepsBack;
        this.stepsAhead = builder.stepsAhead;
        this.issuer = builder.issuer;
        this.secretBytes = builder.secretBytes;
        this.recoveryCodeCount = builder.recoveryCodeCount;
        this.enforcement = builder.enforcement;
        this.maxFailures = builder.maxFailures;
        this.lockoutBase = builder.lockoutBase;
        this.lockoutMax = builder.lockoutMax;
        this.maxFailuresPerAddress = builder.maxFailuresPerAddress;
        this.addressWindow = builder.addressWindow;
        this.enrollmentTimeout = builder.enrollmentTimeout;
        this.sessionRefresh = builder.sessionRefresh;
        this.passwordAttemptsPerAccount = builder.passwordAttemptsPerAccount;
        this.passwordAttemptsPerAddress = builder.passwordAttemptsPerAddress;
        this.passwordWindow = builder.passwordWindow;
        this.passwordConcurrency = builder.passwordConcurrency;
        this.passwordQueueWait = builder.passwordQueueWait;
        this.trustedBrowserDays = builder.trustedBrowserDays;
        this.graceDays = builder.graceDays;
        this.graceSignIns = builder.graceSignIns;
        this.maxAuthenticators = builder.maxAuthenticators;
    }

    /** SHA-1, 6 digits, 30 s, window 1 back and 1 ahead, 160-bit secrets, 10 recovery codes, OPTIONAL, 5 failures,
     * 1 minute doubling up to 1 hour, 50 failures per address per 15 minutes, enrollments confirmable for 10 minutes,
     * session revocations seen by every node within 10 seconds. */
    public static TwoFactorPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Hashing is CPU-bound: more at once than there are processors only makes every login slower. */
    private static int defaultPasswordConcurrency() {
        return Math.min(MAX_PASSWORD_CONCURRENCY, Runtime.getRuntime().availableProcessors());
    }

    /** A builder holding this policy's values. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.parameters = parameters;
        builder.stepsBack = stepsBack;
        builder.stepsAhead = stepsAhead;
        builder.issuer = issuer;
        builder.secretBytes = secretBytes;
        builder.recoveryCodeCount = recoveryCodeCount;
        builder.enforcement = enforcement;
        builder.maxFailures = maxFailures;
        builder.lockoutBase = lockoutBase;
        builder.lockoutMax = lockoutMax;
        builder.maxFailuresPerAddress = maxFailuresPerAddress;
        builder.addressWindow = addressWindow;
        builder.enrollmentTimeout = enrollmentTimeout;
        builder.sessionRefresh = sessionRefresh;
        builder.passwordAttemptsPerAccount = passwordAttemptsPerAccount;
        builder.passwordAttemptsPerAddress = passwordAttemptsPerAddress;
        builder.passwordWindow = passwordWindow;
        builder.passwordConcurrency = passwordConcurrency;
        builder.passwordQueueWait = passwordQueueWait;
        builder.trustedBrowserDays = trustedBrowserDays;
        builder.graceDays = graceDays;
        builder.graceSignIns = graceSignIns;
        builder.maxAuthenticators = maxAuthenticators;
        return builder;
    }

    /** Parameters given to new enrollments; enrolled credentials keep the ones they were created with. */
    public TotpParameters parameters() {
        return parameters;
    }

    public int stepsBack() {
        return stepsBack;
    }

    public int stepsAhead() {
        return stepsAhead;
    }

    public String issuer() {
        return issuer;
    }

    public int secretBytes() {
        return secretBytes;
    }

    public int recoveryCodeCount() {
        return recoveryCodeCount;
    }

    public Enforcement enforcement() {
        return enforcement;
    }

    public int maxFailures() {
        return maxFailures;
    }

    public Duration lockoutBase() {
        return lockoutBase;
    }

    public Duration lockoutMax() {
        return lockoutMax;
    }

    /**
     * Code failures one client address may have per {@link #addressWindow()} <em>for one account</em>; 0 means no
     * per-address limit. Keyed with the account so that many users behind one proxy or NAT cannot lock each other out.
     */
    public int maxFailuresPerAddress() {
        return maxFailuresPerAddress;
    }

    public Duration addressWindow() {
        return addressWindow;
    }

    /**
     * How long after {@link TwoFactorService#startEnrollment} the pending secret can be shown again and
     * confirmed; afterwards it counts as no enrollment at all.
     */
    public Duration enrollmentTimeout() {
        return enrollmentTimeout;
    }

    /**
     * How long a node may answer "is this verified session still valid?" from what it last read of the account's
     * session revocation ({@link TwoFactorService#isSessionCurrent}): a revocation made on another node ends the
     * account's sessions here at most this much later. Zero: the store is read on every check.
     */
    public Duration sessionRefresh() {
        return sessionRefresh;
    }

    /**
     * Password attempts, right or wrong, one account name may make per {@link #passwordWindow()} (0: no limit). Right
     * ones count too, so the count says nothing about whether a password was right.
     */
    public int passwordAttemptsPerAccount() {
        return passwordAttemptsPerAccount;
    }

    /** Password attempts, right or wrong, one client address may make per {@link #passwordWindow()} (0: no limit). */
    public int passwordAttemptsPerAddress() {
        return passwordAttemptsPerAddress;
    }

    public Duration passwordWindow() {
        return passwordWindow;
    }

    /** How many passwords are hashed at the same time; further logins wait up to {@link #passwordQueueWait()}. */
    public int passwordConcurrency() {
        return passwordConcurrency;
    }

    /** How long a login waits for its turn to hash before it is refused as busy; zero: not at all. */
    public Duration passwordQueueWait() {
        return passwordQueueWait;
    }

    /**
     * For how many days a browser the user chose to trust after a correct code skips the code (never the password) at
     * later logins of the same account; 0 (the default): no browser is trusted and the choice is not offered. See
     * {@link TwoFactorService#trustBrowser}.
     */
    public int trustedBrowserDays() {
        return trustedBrowserDays;
    }

    /**
     * How many authenticators (apps or devices, each with its own secret) one account may have, 1 to 20; default 5.
     * Every code is checked against each of them, so the chance of a guess grows with the number (see SECURITY.md).
     * See {@link TwoFactorService#startAuthenticator}.
     */
    public int maxAuthenticators() {
        return maxAuthenticators;
    }

    /**
     * Days an account without a second factor may still pass with its password alone once {@link Enforcement#REQUIRED}
     * applies to it (0: none). See {@link TwoFactorService#enrollmentGrace} for when the period starts; it never
     * starts again by itself.
     */
    public int graceDays() {
        return graceDays;
    }

    /**
     * Password sign-ins an account without a second factor may still make with its password alone once
     * {@link Enforcement#REQUIRED} applies to it (0: no such limit). Counted in the store, once per sign-in.
     */
    public int graceSignIns() {
        return graceSignIns;
    }

    /** Whether accounts without a second factor get a grace period before they must enroll. */
    public boolean hasEnrollmentGrace() {
        return enforcement == Enforcement.REQUIRED && (graceDays > 0 || graceSignIns > 0);
    }

    /**
     * How long the second factor is locked once {@code failures} consecutive attempts failed: nothing below
     * {@link #maxFailures()}, then {@code lockoutBase * 2^(failures - maxFailures)}, capped at {@link #lockoutMax()}.
     */
    Optional<Duration> lockoutAfter(int failures) {
        if (failures < maxFailures) {
            return Optional.empty();
        }
        int doublings = failures - maxFailures;
        Duration lock = lockoutBase;
        for (int i = 0; i < doublings && lock.compareTo(lockoutMax) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return Optional.of(lock.compareTo(lockoutMax) > 0 ? lockoutMax : lock);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TwoFactorPolicy)) {
            return false;
        }
        TwoFactorPolicy that = (TwoFactorPolicy) o;
        return parameters.equals(that.parameters) && stepsBack == that.stepsBack && stepsAhead == that.stepsAhead
                && issuer.equals(that.issuer) && secretBytes == that.secretBytes && recoveryCodeCount == that.recoveryCodeCount
                && enforcement == that.enforcement && maxFailures == that.maxFailures && lockoutBase.equals(that.lockoutBase)
                && lockoutMax.equals(that.lockoutMax) && maxFailuresPerAddress == that.maxFailuresPerAddress
                && addressWindow.equals(that.addressWindow) && enrollmentTimeout.equals(that.enrollmentTimeout)
                && sessionRefresh.equals(that.sessionRefresh)
                && passwordAttemptsPerAccount == that.passwordAttemptsPerAccount
                && passwordAttemptsPerAddress == that.passwordAttemptsPerAddress && passwordWindow.equals(that.passwordWindow)
                && passwordConcurrency == that.passwordConcurrency && passwordQueueWait.equals(that.passwordQueueWait)
                && trustedBrowserDays == that.trustedBrowserDays
                && graceDays == that.graceDays && graceSignIns == that.graceSignIns
                && maxAuthenticators == that.maxAuthenticators;
    }

    @Override
    public int hashCode() {
        return Objects.hash(parameters, stepsBack, stepsAhead, issuer, enforcement, maxFailures);
    }

    @Override
    public String toString() {
        return "TwoFactorPolicy[" + parameters + ", window -" + stepsBack + "/+" + stepsAhead + ", issuer " + issuer
                + ", " + secretBytes * 8 + "-bit secrets, " + recoveryCodeCount + " recovery codes, " + enforcement
                + ", lock after " + maxFailures + " failures for " + lockoutBase + " doubling to " + lockoutMax
                + ", " + maxFailuresPerAddress + " failures per address per " + addressWindow
                + ", enrollments valid for " + enrollmentTimeout + ", session revocations refreshed every " + sessionRefresh
                + ", " + passwordAttemptsPerAccount + " password attempts per account and "
                + passwordAttemptsPerAddress + " per address per " + passwordWindow + ", " + passwordConcurrency
                + " passwords hashed at once, waiting at most " + passwordQueueWait
                + (trustedBrowserDays == 0 ? "" : ", browsers trusted for " + trustedBrowserDays + " days")
                + (graceDays > 0 || graceSignIns > 0 ? ", enrollment grace of " + graceDays + " days / " + graceSignIns + " sign-ins" : "")
                + ", up to " + maxAuthenticators + " authenticators per account]";
    }

    /** Builds a {@link TwoFactorPolicy}; every setter validates at once and names the bad value. */
    public static final class Builder {
        private TotpParameters parameters = TotpParameters.DEFAULT;
        private int stepsBack = 1;
        private int stepsAhead = 1;
        private String issuer = "TOTP Guard";
        private int secretBytes = Secret.DEFAULT_BYTES;
        private int recoveryCodeCount = RecoveryCodes.DEFAULT_COUNT;
        private Enforcement enforcement = Enforcement.OPTIONAL;
        private int maxFailures = 5;
        private Duration lockoutBase = Duration.ofMinutes(1);
        private Duration lockoutMax = Duration.ofHours(1);
        private int maxFailuresPerAddress = 50;
        private Duration addressWindow = Duration.ofMinutes(15);
        private Duration enrollmentTimeout = DEFAULT_ENROLLMENT_TIMEOUT;
        private Duration sessionRefresh = DEFAULT_SESSION_REFRESH;
        private int passwordAttemptsPerAccount = DEFAULT_PASSWORD_ATTEMPTS_PER_ACCOUNT;
        private int passwordAttemptsPerAddress = DEFAULT_PASSWORD_ATTEMPTS_PER_ADDRESS;
        private Duration passwordWindow = Duration.ofMinutes(15);
        private int passwordConcurrency = defaultPasswordConcurrency();
        private Duration passwordQueueWait = DEFAULT_PASSWORD_QUEUE_WAIT;
        private int trustedBrowserDays;
        private int graceDays;
        private int graceSignIns;
        private int maxAuthenticators = DEFAULT_MAX_AUTHENTICATORS;

        private Builder() {
        }

        /** Parameters for new enrollments; T0 must be the Unix epoch, as in every authenticator app. */
        public Builder parameters(TotpParameters parameters) {
            Objects.requireNonNull(parameters, "parameters");
            if (!parameters.t0().equals(java.time.Instant.EPOCH)) {
                throw new IllegalArgumentException("T0 must be the Unix epoch: authenticator apps know no other");
            }
            this.parameters = parameters;
            return this;
        }

        /** The same window on both sides (0 to 10 steps). */
        public Builder window(int steps) {
            return window(steps, steps);
        }

        /** Steps accepted before and after the current one (0 to 10 each). */
        public Builder window(int stepsBack, int stepsAhead) {
            checkRange("stepsBack", stepsBack, 0, Totp.MAX_WINDOW);
            checkRange("stepsAhead", stepsAhead, 0, Totp.MAX_WINDOW);
            this.stepsBack = stepsBack;
            this.stepsAhead = stepsAhead;
            return this;
        }

        /** Issuer shown in authenticator apps: 1 to 256 characters, no colon, no control characters. */
        public Builder issuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            if (issuer.isBlank() || issuer.length() > 256 || issuer.indexOf(':') >= 0 || issuer.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("issuer must have 1 to 256 characters and no colon or control character");
            }
            this.issuer = issuer;
            return this;
        }

        /** Secret size in bytes: at least 16 (128 bits, RFC 4226 R6), at most 128. */
        public Builder secretBytes(int secretBytes) {
            checkRange("secretBytes", secretBytes, Secret.MIN_BYTES, Secret.MAX_BYTES);
            this.secretBytes = secretBytes;
            return this;
        }

        public Builder recoveryCodeCount(int count) {
            checkRange("recoveryCodeCount", count, 1, RecoveryCodes.MAX_COUNT);
            this.recoveryCodeCount = count;
            return this;
        }

        public Builder enforcement(Enforcement enforcement) {
            this.enforcement = Objects.requireNonNull(enforcement, "enforcement");
            return this;
        }

        /** Consecutive failures before the first lock: 1 to 100. */
        public Builder maxFailures(int maxFailures) {
            checkRange("maxFailures", maxFailures, 1, MAX_FAILURES_LIMIT);
            this.maxFailures = maxFailures;
            return this;
        }

        /** First lock duration and the cap of its doubling; both positive, {@code max >= base}. */
        public Builder lockout(Duration base, Duration max) {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(max, "max");
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException("lockout base must be positive and max at least base, not " + base + " / " + max);
            }
            this.lockoutBase = base;
            this.lockoutMax = max;
            return this;
        }

        /** Failures per client address per window (0 for none, up to 100000) and the window length. */
        public Builder addressLimit(int maxFailures, Duration window) {
            checkRange("maxFailuresPerAddress", maxFailures, 0, 100_000);
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("address window must be positive, not " + window);
            }
            this.maxFailuresPerAddress = maxFailures;
            this.addressWindow = window;
            return this;
        }

        /** How long a started enrollment can be confirmed: 1 minute to 24 hours (default 10 minutes). */
        public Builder enrollmentTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(MIN_ENROLLMENT_TIMEOUT) < 0 || timeout.compareTo(MAX_ENROLLMENT_TIMEOUT) > 0) {
                throw new IllegalArgumentException("enrollment timeout must be from PT1M to PT24H, not " + timeout);
            }
            this.enrollmentTimeout = timeout;
            return this;
        }

        /**
         * How long a node may rely on what it last read of an account's session revocation: 0 (read the store on
         * every check) to 5 minutes (default 10 seconds).
         */
        public Builder sessionRefresh(Duration refresh) {
            Objects.requireNonNull(refresh, "refresh");
            if (refresh.isNegative() || refresh.compareTo(MAX_SESSION_REFRESH) > 0) {
                throw new IllegalArgumentException("session refresh must be from PT0S to PT5M, not " + refresh);
            }
            this.sessionRefresh = refresh;
            return this;
        }

        /**
         * Password attempts (right or wrong) per account name and per client address within {@code window}, each 0
         * (no limit) to 100000: beyond them a login is refused before its password is hashed.
         */
        public Builder passwordLimits(int perAccount, int perAddress, Duration window) {
            checkRange("passwordAttemptsPerAccount", perAccount, 0, 100_000);
            checkRange("passwordAttemptsPerAddress", perAddress, 0, 100_000);
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("password window must be positive, not " + window);
            }
            this.passwordAttemptsPerAccount = perAccount;
            this.passwordAttemptsPerAddress = perAddress;
            this.passwordWindow = window;
            return this;
        }

        /** Passwords hashed at once (1 to 1024) and how long a login waits for its turn (PT0S to PT30S). */
        public Builder passwordHashing(int concurrency, Duration queueWait) {
            checkRange("passwordConcurrency", concurrency, 1, MAX_PASSWORD_CONCURRENCY);
            Objects.requireNonNull(queueWait, "queueWait");
            if (queueWait.isNegative() || queueWait.compareTo(MAX_PASSWORD_QUEUE_WAIT) > 0) {
                throw new IllegalArgumentException("password queue wait must be from PT0S to PT30S, not " + queueWait);
            }
            this.passwordConcurrency = concurrency;
            this.passwordQueueWait = queueWait;
            return this;
        }

        /**
         * For how many days (0 to 90; 0, the default, turns the feature off) a browser the user chose to trust after a
         * correct code skips the code at later logins with the password.
         */
        public Builder trustedBrowserDays(int days) {
            checkRange("trustedBrowserDays", days, 0, MAX_TRUSTED_BROWSER_DAYS);
            this.trustedBrowserDays = days;
            return this;
        }

        /**
         * How many authenticators one account may have (1 to 20; default 5). 1 keeps every account to the one it enrolled.
         */
        public Builder maxAuthenticators(int max) {
            checkRange("maxAuthenticators", max, 1, MAX_AUTHENTICATORS);
            this.maxAuthenticators = max;
            return this;
        }

        /**
         * The grace period of {@link Enforcement#REQUIRED}: an account without a second factor passes with its password
         * alone, and is shown a notice, for {@code days} days (0 to 90, 0: no day limit) and for {@code signIns}
         * password sign-ins (0 to 100, 0: no sign-in limit), whichever runs out first; both 0 (the default): no grace,
         * enrollment at once. Only with {@link Enforcement#REQUIRED}.
         */
        public Builder enrollmentGrace(int days, int signIns) {
            checkRange("graceDays", days, 0, MAX_GRACE_DAYS);
            checkRange("graceSignIns", signIns, 0, MAX_GRACE_SIGN_INS);
            this.graceDays = days;
            this.graceSignIns = signIns;
            return this;
        }

        /**
         * @throws IllegalStateException if an enrollment grace is set without {@link Enforcement#REQUIRED}: under
         *     OPTIONAL nobody must enroll, so a grace would silently mean nothing
         */
        public TwoFactorPolicy build() {
            if ((graceDays > 0 || graceSignIns > 0) && enforcement != Enforcement.REQUIRED) {
                throw new IllegalStateException("An enrollment grace (" + graceDays + " days, " + graceSignIns
                        + " sign-ins) needs enforcement REQUIRED, not " + enforcement);
            }
            return new TwoFactorPolicy(this);
        }

        private static void checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", not " + value);
            }
        }
    }
}
