package dev.totpguard;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.crypto.SecretCipher;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.qr.QrCode;
import dev.totpguard.recovery.RecoveryCodes;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.AccountKey;
import dev.totpguard.store.AttemptCounters;
import dev.totpguard.store.InMemoryAttemptCounters;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.GraceRecord;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.RecoveryCodeHash;
import dev.totpguard.store.SecretRecord;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.StoredAuthenticator;
import dev.totpguard.store.StoredCredential;
import dev.totpguard.store.TrustedBrowser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one facade for two-factor authentication with TOTP (RFC 6238): enrollment with QR code and recovery
 * codes, verification of login codes and recovery codes, and management. The servlet filter, the JAAS and
 * Jakarta Authentication modules and the example application all go through it.
 *
 * <p>Verification of a code: load the credential, refuse if locked, count the attempt as a failure in the
 * store <em>before</em> evaluating it (atomic, so parallel guesses cannot outrun the limit, unlike Keycloak
 * CVE-2024-4629), decrypt the secret of each of the account's authenticators ({@link #authenticators}), check the
 * code against the window of each refusing steps at or below that authenticator's last used one, then
 * compare-and-set the matching authenticator's last used step in the store — which also ends the run of failures. Of
 * several nodes accepting the same code at once, exactly one succeeds (RFC 6238 section 5.2). A wrong code
 * stays counted; at the threshold the second factor locks with a growing delay ({@link TwoFactorPolicy}).
 *
 * <p>Error contract: a wrong, malformed or replayed code is a {@link Verification} result, never an exception;
 * {@link #verify}, {@link #useRecoveryCode} and {@link #confirmEnrollment} never throw for bad input or a
 * failing store — they return {@link Verification.Outcome#STORE_UNAVAILABLE} and callers fail closed.
 * Management methods throw {@link StoreException}. Every outcome is reported to the {@link TwoFactorListener}.
 *
 * <p>Identity: user names are the account's canonical id as the user source stores it. A name that is another
 * spelling ({@link AccountKey}: case, accents, compatibility characters, surrounding space) of a <em>different</em>
 * stored id is refused everywhere — {@link #status}, enrollment and management methods throw
 * {@link AccountAliasException}, the code checks return {@link Verification.Outcome#ACCOUNT_ALIAS} — because a
 * case-insensitive password check may have accepted it for the enrolled account: it must neither pass as "not
 * enrolled" nor get a second secret.
 *
 * <p>Thread-safe; build one per application and share it, with {@link #builder()} or from settings with
 * {@link dev.totpguard.config.TwoFactorServiceFactory}. {@link #close()} closes only what {@link Builder#closing}
 * handed over.
 */
public final class TwoFactorService implements AutoCloseable {

    /** Longest user name accepted (the store's column width). */
    public static final int MAX_USER_LENGTH = 255;
    /** Longest client address kept; longer ones are cut (IPv6 with a zone id fits). */
    public static final int MAX_ADDRESS_LENGTH = 64;

    private static final System.Logger LOG = System.getLogger(TwoFactorService.class.getName());
    /** Bound on compare-and-set retries; each lost race means another request made progress. */
    private static final int MAX_RACES = 64;
    /** Enrollment nonces carry 256 random bits. */
    private static final int NONCE_BYTES = 32;

    private final CredentialStore store;
    private final AttemptCounters counters;
    private final SecretCipher cipher;
    private final TwoFactorPolicy policy;
    private final Clock clock;
    private final TwoFactorListener listener;
    private final SecureRandom random;
    private final RecoveryCodes recoveryCodes;
    private final QrCode qrCode;
    private final AutoCloseable ownedResource;
    private final ConcurrentHashMap<TotpParameters, Totp> totps = new ConcurrentHashMap<>();
    private final AtomicLong nextAddressPurge = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong nextTrustedBrowserPurge = new AtomicLong(Long.MIN_VALUE);
    private final SessionRevocations sessions;
    /** Fair, so a login that waits is served in arrival order and the wait is bounded by the queue in front of it. */
    private final Semaphore hashingTurns;
    private final AccountCreationTimes creationTimes;
    /** When enforcement with a grace was first seen on, once read from the store; it never changes there. */
    private volatile Instant enforcementStart;

    private TwoFactorService(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "store");
        // The JDBC store's own counters by default, so the limits hold across the nodes that share its database.
        this.counters = builder.counters != null ? builder.counters
                : store instanceof JdbcCredentialStore jdbc ? jdbc.attemptCounters() : new InMemoryAttemptCounters();
        this.random = builder.random != null ? builder.random : new SecureRandom();
        this.cipher = new SecretCipher(Objects.requireNonNull(builder.keyRing, "keyRing"), random);
        this.policy = builder.policy;
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.recoveryCodes = RecoveryCodes.builder().count(policy.recoveryCodeCount()).random(random)
                .iterations(builder.recoveryCodeIterations).build();
        this.qrCode = builder.qrCode != null ? builder.qrCode : QrCode.builder().build();
        this.ownedResource = builder.ownedResource;
        this.sessions = new SessionRevocations(store, clock, policy.sessionRefresh().toMillis());
        this.hashingTurns = new Semaphore(policy.passwordConcurrency(), true);
        this.creationTimes = builder.creationTimes;
    }

    /** Requires {@code store} and {@code keyRing}; the rest has defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public TwoFactorPolicy policy() {
        return policy;
    }

    /** The clock of time steps, locks and events; the filter measures session ages with it too. */
    public Clock clock() {
        return clock;
    }

    // ---- enrollment

    /**
     * Starts an enrollment: a new secret, stored encrypted as PENDING, replacing an older pending one. An
     * active second factor stays active until the new one is confirmed. The caller must have re-authenticated
     * the user (an enrolled user must give a current code first; CVE-2023-3597).
     *
     * <p>The enrollment is bound to a new random {@linkplain Enrollment#nonce() nonce}, of which the store keeps
     * only the SHA-256: keep the nonce in the session that called this method. Only that session can see the
     * secret again ({@link #pendingEnrollment}) and confirm it ({@link #confirmEnrollment}), and only within
     * {@link TwoFactorPolicy#enrollmentTimeout()}; another session of the user starts its own enrollment.
     *
     * @throws IllegalArgumentException if {@code user} is empty, longer than 255 characters or has control characters
     */
    public Enrollment startEnrollment(String user) throws StoreException {
        return startEnrollment(user, null);
    }

    /**
     * Starts an enrollment with a device label shown in the user's settings (e.g. "work phone").
     *
     * @param deviceLabel up to 255 characters, or {@code null}
     * @see #startEnrollment(String)
     */
    public Enrollment startEnrollment(String user, String deviceLabel) throws StoreException {
        checkUser(user);
        Instant now = clock.instant();
        Secret secret = Secret.generate(random, policy.secretBytes());
        String nonce = randomToken(NONCE_BYTES);
        SecretRecord pending = SecretRecord.of(cipher.seal(user, secret), policy.parameters(), deviceLabel, now)
                .withNonceHash(nonceHash(nonce));
        try {
            refuseAlias(user);
            store.savePending(user, pending);
        } catch (AccountAliasException e) {
            fire(event(TwoFactorEvent.Type.ENROLLMENT_REFUSED, user, now).detail(ALIAS_DETAIL));
            throw e;
        } catch (StoreException e) {
            fire(event(TwoFactorEvent.Type.STORE_UNAVAILABLE, user, now).detail("start enrollment"));
            throw e;
        }
        fire(event(TwoFactorEvent.Type.ENROLLMENT_STARTED, user, now));
        return enrollment(user, secret, policy.parameters(), nonce);
    }

    /**
     * The pending enrollment again (same secret), e.g. to show the QR code once more after a wrong code — only
     * to the holder of its nonce and only within {@link TwoFactorPolicy#enrollmentTimeout()}.
     *
     * @param nonce the {@link Enrollment#nonce()} the session kept from {@link #startEnrollment}, or {@code null}
     * @return empty when there is no pending enrollment, it has expired, or {@code nonce} is not its nonce (it was
     *     replaced by another session's enrollment): the three are not told apart and nothing of the secret is revealed
     */
    public Optional<Enrollment> pendingEnrollment(String user, String nonce) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        Optional<SecretRecord> pending = store.find(user).flatMap(StoredCredential::pending)
                .filter(record -> belongsTo(record, nonce, clock.instant()));
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Secret secret = cipher.open(user, pending.get().sealed());
        return Optional.of(enrollment(user, secret, pending.get().parameters(), nonce));
    }

    /**
     * Confirms the pending enrollment with a code from the app. On success, in one transaction: the new secret
     * becomes active (replacing an older one), the code's step counts as used, failures are cleared and fresh
     * recovery codes replace the old ones; the codes are returned to be shown once. Wrong codes count against the
     * same limits as login codes. Only the session holding the enrollment's nonce can confirm it, and only within
     * {@link TwoFactorPolicy#enrollmentTimeout()}.
     *
     * @param nonce the {@link Enrollment#nonce()} the session kept from {@link #startEnrollment}
     * @return NOT_ENROLLED when there is no pending enrollment, it has expired or {@code nonce} is not its nonce (no
     *     code is evaluated then); the accepted {@link EnrollmentResult#verification()} is the service's proof for
     *     {@code user}. Never throws for bad input or a failing store
     */
    public EnrollmentResult confirmEnrollment(String user, String nonce, CharSequence code, String clientAddress) {
        Instant now = clock.instant();
        // Another session's enrollment, or one left lying around, is no enrollment for this caller: nothing of it is
        // checked, counted or revealed (issue 11: a password holder must not plant or read the secret).
        return attempt(CodeKind.ENROLLMENT_CODE, user, clientAddress, now,
                credential -> credential.pending().filter(pending -> belongsTo(pending, nonce, now)).isPresent(),
                EnrollmentResult::refused, (credential, attempt) -> {
            SecretRecord pending = credential.pending().get();
            OptionalLong step = check(user, pending, code, Totp.NO_STEP_USED);
            if (step.isEmpty()) {
                return EnrollmentResult.refused(attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "invalid code", Verification.invalid()));
            }
            List<String> codes = recoveryCodes.generate();
            List<String> hashes = hashAll(codes);
            // A new secret ends the sessions verified with the old one (or before the first): the caller marks its
            // own session verified afterwards, under the new value. Before the activation, so that a store failure
            // between the two leaves the old secret in force rather than the old sessions.
            revoke(user, now, "new secret", null);
            if (!store.activate(user, pending, step.getAsLong(), hashes, now)) {
                // A concurrent confirm won, or a newer enrollment replaced this one: this code does not count twice.
                // The active record keeps no nonce, so compare without it.
                SecretRecord confirmed = pending.withNonceHash(null);
                boolean confirmedMeanwhile = store.find(user).flatMap(StoredCredential::active).map(confirmed::equals).orElse(false);
                return EnrollmentResult.refused(confirmedMeanwhile
                        ? attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "already confirmed", Verification.replayed())
                        : attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "enrollment replaced meanwhile", Verification.invalid()));
            }
            return EnrollmentResult.accepted(attempt.accept(TwoFactorEvent.Type.ENROLLMENT_CONFIRMED, null), codes);
        });
    }

    // ---- login

    /**
     * Checks a login code. ACCEPTED uses the code up; INVALID and REPLAYED should be shown to the user as the
     * same generic message; LOCKED carries the time until codes are evaluated again; NOT_ENROLLED means the user
     * has no active second factor; STORE_UNAVAILABLE means refuse and fail closed.
     *
     * @param code the code as typed ({@code null}, malformed or huge input is simply INVALID)
     * @param clientAddress the client's address for the per-address limit, or {@code null} if unknown
     */
    public Verification verify(String user, CharSequence code, String clientAddress) {
        return attempt(CodeKind.LOGIN_CODE, user, clientAddress, clock.instant(), StoredCredential::isActive,
                refusal -> refusal, (credential, attempt) -> {
            // Every active authenticator of the account is a candidate: the credential's own secret and the further
            // ones, each with its own secret, parameters, last used step and generation. The failure counted above is
            // the account's, one for all of them.
            List<Candidate> candidates = new ArrayList<>();
            candidates.add(new Candidate(null, credential.active().get(), credential.generation(), credential.lastUsedStep()));
            for (StoredAuthenticator further : activeAuthenticators(user)) {
                candidates.add(new Candidate(further.id(), further.secret(), further.generation(), further.lastUsedStep()));
            }
            for (int race = 0; race < MAX_RACES; race++) {
                // Each candidate is checked, matching or not: the time taken depends on how many authenticators the
                // account has, never on which one (if any) the code belongs to.
                Candidate match = null;
                long matchedStep = 0;
                boolean replay = false;
                for (Candidate candidate : candidates) {
                    byte[] key = open(user, candidate.record.sealed());
                    try {
                        Totp totp = totp(candidate.record.parameters());
                        OptionalLong step = totp.verify(key, code, candidate.lastUsed);
                        if (step.isPresent() && match == null) {
                            match = candidate;
                            matchedStep = step.getAsLong();
                        }
                        // Only to word the outcome: a right code of a used step is a replay.
                        replay |= step.isEmpty() && candidate.lastUsed != Totp.NO_STEP_USED && totp.verify(key, code).isPresent();
                    } finally {
                        Arrays.fill(key, (byte) 0);
                    }
                }
                if (match == null) {
                    return replay
                            ? attempt.refuse(TwoFactorEvent.Type.REPLAY_REFUSED, "code already used", Verification.replayed())
                            : attempt.refuse(TwoFactorEvent.Type.CODE_REFUSED, "invalid code", Verification.invalid());
                }
                // The compare-and-set in the store is what makes the code one-time across nodes, per authenticator; the
                // generation makes it fail if the secret this code was checked against was replaced meanwhile.
                boolean advanced = match.id == null
                        ? store.advanceLastUsedStep(user, match.generation, match.lastUsed, matchedStep)
                        : store.advanceAuthenticatorStep(user, match.id, match.generation, match.lastUsed, matchedStep);
                if (advanced) {
                    return attempt.accept(TwoFactorEvent.Type.CODE_ACCEPTED, match.id == null ? null : "authenticator "
                            + match.record.deviceLabel().orElse(match.id));
                }
                Candidate current = reread(user, match);
                if (current == null) {
                    return attempt.refuse(TwoFactorEvent.Type.CODE_REFUSED, "second factor changed meanwhile", Verification.invalid());
                }
                candidates.set(candidates.indexOf(match), current);
            }
            throw new StoreException("Lost the race for the last used step " + MAX_RACES + " times");
        });
    }

    /** One authenticator a login code is checked against; {@code id} is {@code null} for the credential's own secret. */
    private record Candidate(String id, SecretRecord record, long generation, long lastUsed) {
    }

    /** The candidate as stored now, or {@code null} if its secret was removed or replaced meanwhile. */
    private Candidate reread(String user, Candidate candidate) throws StoreException {
        if (candidate.id == null) {
            StoredCredential current = store.find(user).orElse(null);
            if (current == null || current.generation() != candidate.generation
                    || !current.active().map(candidate.record::equals).orElse(false)) {
                return null;
            }
            return new Candidate(null, candidate.record, candidate.generation, current.lastUsedStep());
        }
        for (StoredAuthenticator stored : store.authenticators(user)) {
            if (stored.id().equals(candidate.id) && stored.isActive() && stored.generation() == candidate.generation) {
                return new Candidate(candidate.id, candidate.record, candidate.generation, stored.lastUsedStep());
            }
        }
        return null;
    }

    /**
     * Logs in with a recovery code instead of a TOTP code, using it up. Codes may be used in any order; they
     * count against the same failure limits as login codes.
     */
    public Verification useRecoveryCode(String user, CharSequence code, String clientAddress) {
        return attempt(CodeKind.RECOVERY_CODE, user, clientAddress, clock.instant(), StoredCredential::isActive,
                refusal -> refusal, (credential, attempt) -> {
            List<RecoveryCodeHash> stored = store.recoveryCodes(user);
            List<String> hashes = new ArrayList<>(stored.size());
            for (RecoveryCodeHash hash : stored) {
                hashes.add(hash.hash());
            }
            // Used codes are matched too (every hash is derived anyway), to tell a reused code from a wrong one.
            int index = recoveryCodes.match(code, hashes);
            if (index < 0) {
                return attempt.refuse(TwoFactorEvent.Type.RECOVERY_CODE_REFUSED, "invalid recovery code", Verification.invalid());
            }
            // "used_at IS NULL" in the store decides, so a code used concurrently on another node is accepted once.
            if (stored.get(index).isUsed() || !store.consumeRecoveryCode(user, hashes.get(index), attempt.now)) {
                return attempt.refuse(TwoFactorEvent.Type.RECOVERY_CODE_REFUSED, "recovery code already used", Verification.replayed());
            }
            long remaining = stored.stream().filter(hash -> !hash.isUsed()).count() - 1;
            return attempt.accept(TwoFactorEvent.Type.RECOVERY_CODE_USED, TwoFactorEvent.remainingDetail(remaining));
        });
    }

    // ---- first factor

    /**
     * Admits or refuses one password check before the caller hashes the password (see {@link PasswordAttempt} for the
     * protocol). In order, none of which depends on the password:
     * <ol>
     * <li>the account's second factor is locked (the stored account with the same {@link AccountKey} as {@code user}):
     *     {@link PasswordAttempt.Admission#LOCKED};</li>
     * <li>the attempt is counted against the client address and then the account name (known or not) within
     *     {@link TwoFactorPolicy#passwordWindow()}, in the store, so the limits hold across nodes; beyond
     *     {@link TwoFactorPolicy#passwordAttemptsPerAddress()} or {@link TwoFactorPolicy#passwordAttemptsPerAccount()}:
     *     {@link PasswordAttempt.Admission#LOCKED}. Right passwords count as well, so the counts are no password oracle,
     *     until the login completes ({@link #passwordLoginCompleted});</li>
     * <li>a hashing turn: at most {@link TwoFactorPolicy#passwordConcurrency()} admitted attempts are open at once; a
     *     caller waits up to {@link TwoFactorPolicy#passwordQueueWait()}, then gets {@link PasswordAttempt.Admission#BUSY}.</li>
     * </ol>
     * Refusals are audited as {@link TwoFactorEvent.Type#PASSWORD_REFUSED}. Never throws for bad input or a failing store.
     *
     * @param user the user name as typed ({@code null}, empty or malformed: only the address is counted)
     * @param clientAddress the client's address, or {@code null} if unknown
     */
    public PasswordAttempt passwordAttempt(String user, String clientAddress) {
        String address = address(clientAddress);
        Instant now = clock.instant();
        String typed = isValidUser(user) ? user : null;
        String owner = null;
        try {
            if (typed != null) {
                List<String> owners = store.usersWithAccountKey(AccountKey.of(typed));
                owner = owners.size() == 1 ? owners.get(0) : null;
            }
            StoredCredential credential = owner == null ? null : store.find(owner).orElse(null);
            if (credential != null && credential.isActive() && credential.isLockedAt(now)) {
                return refusedPassword(PasswordAttempt.Admission.LOCKED, typed, address, now, "locked",
                        Duration.between(now, credential.lockedUntil().get()));
            }
            if (typed != null || address != null) {
                purgeAddressCounters(now);
            }
            // The address first: an address over its limit must not use up the account's attempts as well.
            if (address != null && policy.passwordAttemptsPerAddress() > 0 && !counters.reserve(
                    counterKey("password-address", address), policy.passwordAttemptsPerAddress(), policy.passwordWindow(), now)) {
                return refusedPassword(PasswordAttempt.Admission.LOCKED, typed, address, now,
                        "too many password attempts from this address", policy.passwordWindow());
            }
            if (typed != null && policy.passwordAttemptsPerAccount() > 0 && !counters.reserve(
                    counterKey("password-account", AccountKey.of(typed)), policy.passwordAttemptsPerAccount(), policy.passwordWindow(), now)) {
                return refusedPassword(PasswordAttempt.Admission.LOCKED, typed, address, now,
                        "too many password attempts for this account", policy.passwordWindow());
            }
        } catch (StoreException e) {
            storeFailure(typed == null ? UNKNOWN_USER : typed, address, now, "count a password attempt", e);
            return new PasswordAttempt(this, PasswordAttempt.Admission.STORE_UNAVAILABLE, typed, null, address, now, Duration.ZERO);
        }
        boolean turn;
        try {
            turn = hashingTurns.tryAcquire(policy.passwordQueueWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            // Refused before the password was looked at: nothing was tried, so nothing stays counted. Otherwise a flood
            // that keeps the queue full would use up a real user's attempts with refusals that were no guesses.
            giveBack(typed, address);
            return refusedPassword(PasswordAttempt.Admission.BUSY, typed, address, now, "busy", policy.passwordQueueWait());
        }
        return new PasswordAttempt(this, PasswordAttempt.Admission.ADMITTED, typed, owner, address, now, Duration.ZERO);
    }

    private PasswordAttempt refusedPassword(PasswordAttempt.Admission admission, String typed, String address, Instant now,
            String detail, Duration retryAfter) {
        fire(event(TwoFactorEvent.Type.PASSWORD_REFUSED, typed == null ? UNKNOWN_USER : typed, now).clientAddress(address).detail(detail));
        return new PasswordAttempt(this, admission, typed, null, address, now, retryAfter);
    }

    /** {@link PasswordAttempt#failed()}: audited, and counted on the account's second factor like a wrong code. */
    void passwordFailed(String typed, String owner, String address, Instant now) {
        // Under the account's own id when the typed name is a spelling of one, so one account has one audit trail.
        String named = owner != null ? owner : typed == null ? UNKNOWN_USER : typed;
        fire(event(TwoFactorEvent.Type.PASSWORD_REFUSED, named, now).clientAddress(address).detail("wrong password"));
        if (owner == null) {
            return;
        }
        try {
            StoredCredential credential = store.find(owner).orElse(null);
            if (credential == null || !credential.isActive()) {
                return;
            }
            Counted counted = countFailure(credential, owner, address, now, TwoFactorEvent.Type.PASSWORD_REFUSED);
            if (counted.lockSet() != null) {
                fire(event(TwoFactorEvent.Type.LOCKED_OUT, owner, now).clientAddress(address).detail(TwoFactorEvent.lockedUntilDetail(counted.lockSet())));
            }
        } catch (StoreException e) {
            storeFailure(owner, address, now, "count a wrong password", e);
        }
    }

    /**
     * Gives back the password attempt of a login that is now complete, or whose right password the caller shows anyway
     * (a password page followed by a code page): one attempt of the account name and one of the address. A complete
     * login reveals that the password was right, so giving its attempt back tells an attacker nothing, and a user who
     * signs in often is not throttled by their own logins. Never called for a refused login: those stay counted.
     */
    public void passwordLoginCompleted(String user, String clientAddress) {
        giveBack(isValidUser(user) ? user : null, address(clientAddress));
    }

    private void giveBack(String user, String address) {
        try {
            if (address != null && policy.passwordAttemptsPerAddress() > 0) {
                counters.release(counterKey("password-address", address));
            }
            if (user != null && policy.passwordAttemptsPerAccount() > 0) {
                counters.release(counterKey("password-account", AccountKey.of(user)));
            }
        } catch (StoreException e) {
            // Only ever a release: failing leaves the account or the address one attempt short, never more.
            LOG.log(System.Logger.Level.WARNING, "Could not give back a password attempt: " + e.getMessage());
        }
    }

    void releaseHashingTurn() {
        hashingTurns.release();
    }

    // ---- trusted browsers ("remember this browser")

    /** Length of a trusted-browser token: 256 random bits in Base64url without padding. */
    public static final int TRUSTED_BROWSER_TOKEN_LENGTH = 43;
    private static final int TRUSTED_BROWSER_TOKEN_BYTES = 32;
    /** A proof older than this no longer trusts a browser: the choice belongs to the login that just gave the code. */
    private static final Duration TRUST_PROOF_MAX_AGE = Duration.ofMinutes(1);
    private static final Duration TRUSTED_BROWSER_PURGE_INTERVAL = Duration.ofHours(1);

    /**
     * The user chose, together with a correct code, to trust this browser for {@link TwoFactorPolicy#trustedBrowserDays()}:
     * returns the token to hand to the browser, once (the store keeps only its SHA-256, under the account's
     * {@link AccountKey}, with the credential's generation, {@code label} and the expiry). Later,
     * {@link #isTrustedBrowser} with that token skips the code of a login that has given the password; nothing else.
     * A reset, disable, lock, new secret or {@link #revokeSessions} (a password change) ends every trusted browser of
     * the account, as does {@link #revokeTrustedBrowsers}; at most
     * {@link TwoFactorPolicy#MAX_TRUSTED_BROWSERS_PER_ACCOUNT} are kept, the oldest evicted.
     *
     * @param proof the accepted {@link #verify} of this login, at most a minute old
     * @param label what the user will see, e.g. "Firefox on Linux"; control characters are dropped, cut to
     *     {@value TrustedBrowser#MAX_LABEL_LENGTH} characters
     * @param clientAddress the client's address for the audit event (resolved as for {@link #verify}), or {@code null}
     * @throws IllegalStateException if the policy trusts no browsers, or the user has no active second factor any more
     * @throws IllegalArgumentException if {@code proof} is not a fresh accepted proof
     */
    public String trustBrowser(Verification proof, String label, String clientAddress) throws StoreException {
        Objects.requireNonNull(proof, "proof");
        if (policy.trustedBrowserDays() == 0) {
            throw new IllegalStateException("The policy trusts no browsers (trustedBrowserDays is 0)");
        }
        Instant now = clock.instant();
        String user = freshProofUser(proof, now, "A browser is trusted only with the accepted code of the login that asks");
        Instant issuedAt = proof.issuedAt().get();
        refuseAlias(user);
        // Read after "now": a reset or new secret that this read misses happened after now, and its revocation
        // (sessions valid after >= its time) makes the entry worthless in isTrustedBrowser.
        StoredCredential credential = store.find(user).filter(StoredCredential::isActive)
                .orElseThrow(() -> new IllegalStateException("User '" + user + "' has no active second factor"));
        if (issuedAt.toEpochMilli() <= store.sessionsValidAfter(user).toEpochMilli()) {
            throw new IllegalStateException("The account's sessions were revoked after this code was accepted");
        }
        String token = randomToken(TRUSTED_BROWSER_TOKEN_BYTES);
        TrustedBrowser browser = new TrustedBrowser(randomToken(16), AccountKey.of(user), credential.generation(),
                cleanLabel(label), now, now.plus(Duration.ofDays(policy.trustedBrowserDays())));
        try {
            purgeTrustedBrowsers(now);
            store.saveTrustedBrowser(browser, nonceHash(token), TwoFactorPolicy.MAX_TRUSTED_BROWSERS_PER_ACCOUNT, now);
        } catch (StoreException e) {
            fire(event(TwoFactorEvent.Type.STORE_UNAVAILABLE, user, now).clientAddress(address(clientAddress))
                    .detail("trust a browser"));
            throw e;
        }
        fire(event(TwoFactorEvent.Type.BROWSER_TRUSTED, user, now).clientAddress(address(clientAddress)).detail(browser.label()));
        return token;
    }

    /**
     * Whether {@code token} (from a browser's cookie) is a trusted browser of {@code user} right now, as
     * {@link #trustedBrowser(String, String, String)} tells (with no client address for its audit event).
     *
     * @throws StoreException if the store cannot tell: ask for the code (fail closed)
     */
    public boolean isTrustedBrowser(String user, String token) throws StoreException {
        return trustedBrowser(user, token, null).isPresent();
    }

    /**
     * The trusted browser of {@code user} that {@code token} (from a browser's cookie) names, if it stands in for the
     * code right now: issued for this account (by {@link AccountKey}), {@linkplain #isAcceptable accepted} (before its
     * stored expiry and before its creation plus the policy's <em>current</em> days), for the credential's current
     * generation, no revocation of the account's sessions since, the second factor active and not locked. Only for a
     * login that has just given the password: it replaces the code, never the password. Keep its
     * {@link TrustedBrowser#id()} with the session it verifies and ask {@link #isTrustedBrowserCurrent} on later
     * requests, so forgetting this browser ends that session too. Malformed, unknown, revoked or foreign tokens are
     * simply empty, without a store access for a malformed one. Audited as {@link TwoFactorEvent.Type#TRUSTED_BROWSER_USED}.
     *
     * @param clientAddress the client's address for the audit event (resolved as for {@link #verify}), or {@code null}
     * @throws StoreException if the store cannot tell: ask for the code (fail closed)
     */
    public Optional<TrustedBrowser> trustedBrowser(String user, String token, String clientAddress) throws StoreException {
        if (policy.trustedBrowserDays() == 0 || !isValidUser(user) || !isTrustedBrowserToken(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        purgeTrustedBrowsers(now);
        // Looked up by the SHA-256 of 256 random bits: the comparison is the database's index look-up of a hash, which
        // tells nothing about the token; a guess has no better chance than 2^-256.
        TrustedBrowser browser = store.findTrustedBrowser(nonceHash(token)).orElse(null);
        if (browser == null || !isAcceptable(browser, now) || !browser.accountKey().equals(AccountKey.of(user))) {
            return Optional.empty();
        }
        for (String owner : store.usersWithAccountKey(browser.accountKey())) {
            if (!owner.equals(user)) {
                return Optional.empty();
            }
        }
        StoredCredential credential = store.find(user).orElse(null);
        if (credential == null || !credential.isActive() || credential.generation() != browser.generation()
                || credential.isLockedAt(now)) {
            return Optional.empty();
        }
        // Every revocation (reset, disable, lock, new secret, password change) deletes the account's entries; this
        // holds even if that deletion failed or raced with the trust: an entry from before the revocation is dead.
        if (!browser.createdAt().isAfter(store.sessionsValidAfter(user))) {
            return Optional.empty();
        }
        sessions.trustedBrowserSeen(user, browser.id());
        fire(event(TwoFactorEvent.Type.TRUSTED_BROWSER_USED, user, now).clientAddress(address(clientAddress))
                .detail(browser.label()));
        return Optional.of(browser);
    }

    /**
     * Whether the trusted browser with {@code browserId}, which let a session of {@code user} skip the code
     * ({@link #trustedBrowser(String, String, String)}), is still there: not forgotten (one or all), revoked, purged or
     * past its days. A session it verified ends once it is not, on every node: answered from memory for
     * {@link TwoFactorPolicy#sessionRefresh()} per browser, then from the store again (at once on the node that forgot
     * it). Allocates nothing while it answers from memory, so it can run on every request.
     *
     * @throws StoreException if the store had to be read and failed: refuse the request (fail closed)
     */
    public boolean isTrustedBrowserCurrent(String user, String browserId) throws StoreException {
        if (policy.trustedBrowserDays() == 0 || browserId == null || !isValidUser(user)) {
            return false;
        }
        if (sessions.isTrustedBrowserRemembered(user, browserId)) {
            return true;
        }
        Instant now = clock.instant();
        for (TrustedBrowser browser : store.trustedBrowsers(AccountKey.of(user))) {
            if (browser.id().equals(browserId) && isAcceptable(browser, now)) {
                sessions.trustedBrowserSeen(user, browserId);
                return true;
            }
        }
        sessions.trustedBrowserGone(browserId);
        return false;
    }

    /**
     * Whether an entry is still accepted at {@code now}: before its stored expiry and before its creation plus the
     * policy's current days, so lowering the days (90 to 7) shortens the entries made under the old value, and turning
     * the feature off and on again does not revive them beyond the new value.
     */
    private boolean isAcceptable(TrustedBrowser browser, Instant now) {
        return browser.isValidAt(now) && now.isBefore(browser.createdAt().plus(Duration.ofDays(policy.trustedBrowserDays())));
    }

    /**
     * The user's trusted browsers that are still accepted ({@link #isAcceptable}: neither expired nor older than the
     * policy's current days), oldest first; empty when there are none or the policy trusts no browsers.
     */
    public List<TrustedBrowser> trustedBrowsers(String user) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        Instant now = clock.instant();
        List<TrustedBrowser> browsers = new ArrayList<>();
        for (TrustedBrowser browser : store.trustedBrowsers(AccountKey.of(user))) {
            if (policy.trustedBrowserDays() > 0 && isAcceptable(browser, now)) {
                browsers.add(browser);
            }
        }
        return browsers;
    }

    /**
     * Revokes one trusted browser of {@code user}, by its {@link TrustedBrowser#id()}: its next login asks for the code,
     * and a session it let skip the code ends ({@link #isTrustedBrowserCurrent}: at once on this node, within
     * {@link TwoFactorPolicy#sessionRefresh()} on the others). The account's other sessions and trusted browsers stay;
     * {@link #revokeTrustedBrowsers} ends them all.
     *
     * @param actor the administrator who revokes it, {@code null} when the user does
     * @param clientAddress the address of whoever revokes it, for the audit event, or {@code null}
     * @return {@code false} if the user has no trusted browser with this id (a malformed id included)
     */
    public boolean revokeTrustedBrowser(String user, String id, String actor, String clientAddress) throws StoreException {
        checkUser(user);
        if (id == null || id.isEmpty() || id.length() > TrustedBrowser.MAX_ID_LENGTH) {
            return false;
        }
        boolean revoked = store.deleteTrustedBrowser(AccountKey.of(user), id);
        sessions.trustedBrowserGone(id);
        if (revoked) {
            Instant now = clock.instant();
            TwoFactorEvent.Builder event = event(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, user, now)
                    .clientAddress(address(clientAddress)).detail("one");
            fire(actor == null ? event : event.actor(actor));
        }
        return revoked;
    }

    /**
     * Revokes every trusted browser of {@code user}, and, if there was one, ends the account's sessions as
     * {@link #revokeSessions} does: a session a forgotten browser opened must not outlive the trust (say, the browser
     * of a stolen laptop). A caller that keeps its own session marks it current again, as after a revocation.
     *
     * @param actor the administrator who revokes them, {@code null} when the user does
     * @param clientAddress the address of whoever revokes them, for the audit event, or {@code null}
     * @return how many there were
     */
    public int revokeTrustedBrowsers(String user, String actor, String clientAddress) throws StoreException {
        checkUser(user);
        int revoked = store.deleteTrustedBrowsers(AccountKey.of(user));
        Instant now = clock.instant();
        TwoFactorEvent.Builder event = event(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, user, now)
                .clientAddress(address(clientAddress)).detail("all: " + revoked);
        fire(actor == null ? event : event.actor(actor));
        if (revoked > 0) {
            endSessions(user, now, "trusted browsers forgotten", actor);
        }
        return revoked;
    }

    /**
     * With the feature off ({@link TwoFactorPolicy#trustedBrowserDays()} 0), a browser still sends the cookie of an
     * entry made while it was on: the entry {@code token} names is deleted, so turning the feature on again cannot
     * revive it (the caller clears the cookie). Does nothing while the feature is on, or for a malformed token.
     *
     * @param user the signed-in user whose request carried the token; the event is audited under them only if the
     *     entry is theirs (a shared browser may hold another account's token, which is deleted all the same)
     * @param clientAddress the client's address for the audit event, or {@code null}
     * @return whether an entry was deleted
     */
    public boolean forgetLeftoverTrustedBrowser(String user, String token, String clientAddress) throws StoreException {
        if (policy.trustedBrowserDays() > 0 || !isTrustedBrowserToken(token)) {
            return false;
        }
        TrustedBrowser browser = store.findTrustedBrowser(nonceHash(token)).orElse(null);
        if (browser == null || !store.deleteTrustedBrowser(browser.accountKey(), browser.id())) {
            return false;
        }
        sessions.trustedBrowserGone(browser.id());
        if (isValidUser(user) && browser.accountKey().equals(AccountKey.of(user))) {
            fire(event(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, user, clock.instant())
                    .clientAddress(address(clientAddress)).detail("one: trusted browsers are turned off"));
        }
        return true;
    }

    /**
     * At start-up with the feature off: every stored trusted browser goes, in one statement, so turning the feature on
     * again revives none of them. A failing store is logged, not thrown: with the feature off no entry is accepted
     * anyway, and the next start (or a leftover cookie, {@link #forgetLeftoverTrustedBrowser}) deletes them.
     */
    private void forgetAllTrustedBrowsersWhenOff() {
        if (policy.trustedBrowserDays() > 0) {
            return;
        }
        try {
            // Every entry expires before the end of time: the purge of expired entries is the one DELETE of them all.
            int deleted = store.purgeTrustedBrowsers(Instant.ofEpochMilli(Long.MAX_VALUE));
            if (deleted > 0) {
                LOG.log(System.Logger.Level.INFO, "Trusted browsers are turned off (totpguard.trusted-browser.days unset"
                        + " or 0): deleted the {0} stored trusted browsers", deleted);
            }
        } catch (StoreException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Trusted browsers are turned off, but the stored ones could not be deleted"
                    + " (none is accepted while the feature is off): " + e.getMessage());
        }
    }

    /** Part of every revocation: a failure is logged, not thrown, because {@link #trustedBrowser} refuses the entries anyway. */
    private void forgetTrustedBrowsers(String user, Instant now, String reason) {
        try {
            int revoked = store.deleteTrustedBrowsers(AccountKey.of(user));
            if (revoked > 0) {
                fire(event(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, user, now).detail(reason + ": " + revoked));
            }
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the trusted browsers of a revoked account; they are refused"
                    + " anyway: " + e.getMessage());
        }
    }

    private void purgeTrustedBrowsers(Instant now) throws StoreException {
        long due = nextTrustedBrowserPurge.get();
        long nowMillis = now.toEpochMilli();
        if (nowMillis >= due && nextTrustedBrowserPurge.compareAndSet(due, nowMillis + TRUSTED_BROWSER_PURGE_INTERVAL.toMillis())) {
            store.purgeTrustedBrowsers(now);
        }
    }

    private static boolean isTrustedBrowserToken(String token) {
        if (token == null || token.length() != TRUSTED_BROWSER_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String cleanLabel(String label) {
        StringBuilder clean = new StringBuilder();
        String text = label == null ? "" : label.strip();
        for (int i = 0; i < text.length() && clean.length() < TrustedBrowser.MAX_LABEL_LENGTH; i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c) && !Character.isSurrogate(c)) {
                clean.append(c);
            }
        }
        String result = clean.toString().strip();
        return result.isEmpty() ? "Browser" : result;
    }

    private String randomToken(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    // ---- several authenticators per account (issue 17)

    /** Length of the random id of an authenticator beyond the first: 128 bits in Base64url, 22 characters. */
    private static final int AUTHENTICATOR_ID_BYTES = 16;
    /** The public id of the credential's own secret starts with this; random ids never have 31 characters. */
    private static final String FIRST_ID_PREFIX = "c";

    /**
     * The user's authenticators, each alike: the one enrolled first (the credential's own secret) first, then the
     * further ones oldest first. Pending additions are not listed. Empty when the user has no active second factor.
     */
    public List<Authenticator> authenticators(String user) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        StoredCredential credential = store.find(user).filter(StoredCredential::isActive).orElse(null);
        if (credential == null) {
            return List.of();
        }
        List<Authenticator> authenticators = new ArrayList<>();
        SecretRecord first = credential.active().get();
        authenticators.add(new Authenticator(firstId(user, credential.generation()), first.deviceLabel(),
                credential.confirmedAt().get(), lastUsedAt(credential.lastUsedStep(), first)));
        for (StoredAuthenticator further : activeAuthenticators(user)) {
            authenticators.add(new Authenticator(further.id(), further.secret().deviceLabel(), further.confirmedAt(),
                    lastUsedAt(further.lastUsedStep(), further.secret())));
        }
        return authenticators;
    }

    /**
     * Starts adding a further authenticator: a new secret, stored sealed as a pending addition (replacing an older
     * pending addition) and bound to a new {@linkplain Enrollment#nonce() nonce}, as {@link #startEnrollment} does. Only
     * with the fresh proof of a code from one of the account's authenticators, so that a hijacked session cannot add the
     * attacker's phone; the caller checks that the session passed the second factor too. Confirm it with
     * {@link #confirmAuthenticator} and a code of the new authenticator. Recovery codes stay as they are.
     *
     * @param proof the accepted {@link #verify} of a code the user just gave on the page that asks, at most a minute old
     * @param label what the user calls it ("iPhone"), up to 255 characters, or {@code null}
     * @throws AuthenticatorLimitException if the account has {@link TwoFactorPolicy#maxAuthenticators()} already
     * @throws IllegalStateException if the user has no active second factor any more
     * @throws IllegalArgumentException if {@code proof} is not a fresh accepted proof
     */
    public Enrollment startAuthenticator(Verification proof, String label) throws StoreException {
        Instant now = clock.instant();
        String user = freshProofUser(proof, now, "An authenticator is added only with an accepted code of the request that asks");
        int count = authenticators(user).size();
        if (count == 0) {
            throw new IllegalStateException("User '" + user + "' has no active second factor");
        }
        if (count >= policy.maxAuthenticators()) {
            throw new AuthenticatorLimitException(policy.maxAuthenticators());
        }
        Secret secret = Secret.generate(random, policy.secretBytes());
        String nonce = randomToken(NONCE_BYTES);
        SecretRecord pending = SecretRecord.of(cipher.seal(user, secret), policy.parameters(), cleanAuthenticatorLabel(label), now)
                .withNonceHash(nonceHash(nonce));
        try {
            if (!store.savePendingAuthenticator(user, randomToken(AUTHENTICATOR_ID_BYTES), pending)) {
                throw new IllegalStateException("User '" + user + "' has no active second factor");
            }
        } catch (StoreException e) {
            fire(event(TwoFactorEvent.Type.STORE_UNAVAILABLE, user, now).detail("start an authenticator"));
            throw e;
        }
        fire(event(TwoFactorEvent.Type.ENROLLMENT_STARTED, user, now).detail("further authenticator"));
        return enrollment(user, secret, policy.parameters(), nonce);
    }

    /**
     * The pending addition again (same secret), to show its QR code once more: only to the holder of its nonce and
     * only within {@link TwoFactorPolicy#enrollmentTimeout()}; empty otherwise, as {@link #pendingEnrollment}.
     */
    public Optional<Enrollment> pendingAuthenticator(String user, String nonce) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        StoredAuthenticator pending = pendingAddition(user, nonce, clock.instant());
        if (pending == null) {
            return Optional.empty();
        }
        Secret secret = cipher.open(user, pending.secret().sealed());
        return Optional.of(enrollment(user, secret, pending.secret().parameters(), nonce));
    }

    /**
     * Confirms the pending addition with a code from the new authenticator: it becomes active with that code's step used,
     * and from then on signs in like the others. Wrong codes count against the account's one failure limit. Only the
     * session holding the addition's nonce can confirm it, within {@link TwoFactorPolicy#enrollmentTimeout()}, and only
     * while the account is below {@link TwoFactorPolicy#maxAuthenticators()} (checked again in the store, so concurrent
     * additions on several nodes cannot pass it).
     *
     * @return ACCEPTED (the service's proof for {@code user}); NOT_ENROLLED when there is no such pending addition (no
     *     code is evaluated then); INVALID for a wrong code or when the limit was reached meanwhile; LOCKED,
     *     STORE_UNAVAILABLE or ACCOUNT_ALIAS as for {@link #verify}. Never throws for bad input or a failing store
     */
    public Verification confirmAuthenticator(String user, String nonce, CharSequence code, String clientAddress) {
        Instant now = clock.instant();
        StoredAuthenticator pending;
        try {
            pending = isValidUser(user) ? pendingAddition(user, nonce, now) : null;
        } catch (StoreException e) {
            return storeFailure(user, address(clientAddress), now, CodeKind.ENROLLMENT_CODE.operation, e);
        }
        return attempt(CodeKind.ENROLLMENT_CODE, user, clientAddress, now, credential -> credential.isActive() && pending != null,
                refusal -> refusal, (credential, attempt) -> {
            OptionalLong step = check(user, pending.secret(), code, Totp.NO_STEP_USED);
            if (step.isEmpty()) {
                return attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "invalid code", Verification.invalid());
            }
            if (!store.activateAuthenticator(user, pending.id(), pending.secret(), step.getAsLong(), now, policy.maxAuthenticators())) {
                boolean confirmedMeanwhile = store.authenticators(user).stream()
                        .anyMatch(stored -> stored.id().equals(pending.id()) && stored.isActive());
                return confirmedMeanwhile
                        ? attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "already confirmed", Verification.replayed())
                        : attempt.refuse(CodeKind.ENROLLMENT_CODE.refused, "authenticator limit reached or addition replaced",
                                Verification.invalid());
            }
            return attempt.accept(TwoFactorEvent.Type.AUTHENTICATOR_ADDED, labelDetail(pending.secret()));
        });
    }

    /**
     * The user removes one of their authenticators, with the fresh proof of a current code (from any of them, the one
     * removed included). The last one goes only where the policy makes the second factor optional
     * ({@link TwoFactorPolicy.Enforcement#OPTIONAL}), and then as {@link #disable} (recovery codes too). Removing the one
     * enrolled first while others remain puts the oldest other one in its place, in one transaction. The account's
     * sessions end on every node ({@link #sessionsValidAfter} moves on, as after a new secret) and its trusted browsers are
     * forgotten; the caller keeps the acting session, which has just given a code, under the new value.
     *
     * @param proof the accepted {@link #verify} of a code the user just gave on the page that asks, at most a minute old
     * @return {@code false} if the user has no authenticator with this id (a malformed id included)
     * @throws LastAuthenticatorException if it is the last one and the policy does not make the second factor optional
     * @throws IllegalArgumentException if {@code proof} is not a fresh accepted proof
     */
    public boolean removeAuthenticator(Verification proof, String id) throws StoreException {
        Instant now = clock.instant();
        String user = freshProofUser(proof, now, "An authenticator is removed only with an accepted code of the request that asks");
        return removeAuthenticator(user, id, null, now);
    }

    /**
     * An administrator ({@code actor}) removes one of another user's authenticators, e.g. a lost phone, under the same
     * rules as the user's own {@link #removeAuthenticator(Verification, String)}; {@link #reset} removes them all.
     */
    public boolean removeAuthenticator(String user, String id, String actor) throws StoreException {
        checkUser(user);
        Objects.requireNonNull(actor, "actor");
        return removeAuthenticator(user, id, actor, clock.instant());
    }

    private boolean removeAuthenticator(String user, String id, String actor, Instant now) throws StoreException {
        refuseAlias(user);
        if (!StoredAuthenticator.isValidId(id)) {
            return false;
        }
        for (int race = 0; race < MAX_RACES; race++) {
            StoredCredential credential = store.find(user).filter(StoredCredential::isActive).orElse(null);
            if (credential == null) {
                return false;
            }
            List<StoredAuthenticator> further = activeAuthenticators(user);
            boolean first = id.equals(firstId(user, credential.generation()));
            StoredAuthenticator removed = further.stream().filter(stored -> stored.id().equals(id)).findFirst().orElse(null);
            if (!first && removed == null) {
                return false;
            }
            if (further.isEmpty()) {
                if (policy.enforcement() != TwoFactorPolicy.Enforcement.OPTIONAL) {
                    throw new LastAuthenticatorException();
                }
                if (actor == null) {
                    disable(user);
                } else {
                    reset(user, actor);
                }
                return true;
            }
            String label;
            if (first) {
                label = labelDetail(credential.active().get());
                // The oldest other one takes the first one's place; its own generation comes along, so trusted browsers
                // issued under the removed one's generation are worthless even if deleting them below failed.
                if (!store.promoteAuthenticator(user, credential.generation(), further.get(0).id())) {
                    continue;
                }
            } else {
                label = labelDetail(removed.secret());
                if (!store.deleteAuthenticator(user, id)) {
                    continue;
                }
            }
            TwoFactorEvent.Builder event = event(TwoFactorEvent.Type.AUTHENTICATOR_REMOVED, user, now).detail(label);
            fire(actor == null ? event : event.actor(actor));
            // Like a new secret, a removal ends the account's sessions, on every node: one a lost phone's code (or a trusted
            // browser) opened must not outlive it. The caller keeps its own session, which has just given a code.
            revoke(user, now, "authenticator removed", actor);
            return true;
        }
        throw new StoreException("The authenticators of user '" + user + "' kept changing while one was removed");
    }

    /** The user's confirmed further authenticators (not a pending addition), in the store's order. */
    private List<StoredAuthenticator> activeAuthenticators(String user) throws StoreException {
        return store.authenticators(user).stream().filter(StoredAuthenticator::isActive).toList();
    }

    /** The user of a fresh accepted proof, or {@link IllegalArgumentException} with {@code message}. */
    private static String freshProofUser(Verification proof, Instant now, String message) {
        Objects.requireNonNull(proof, "proof");
        Instant issuedAt = proof.issuedAt().orElse(null);
        if (!proof.isAccepted() || issuedAt == null || issuedAt.isAfter(now) || issuedAt.plus(TRUST_PROOF_MAX_AGE).isBefore(now)) {
            throw new IllegalArgumentException(message);
        }
        return proof.user().orElseThrow();
    }

    /** The user's pending addition if {@code nonce} started it and it has not expired at {@code now}, else {@code null}. */
    private StoredAuthenticator pendingAddition(String user, String nonce, Instant now) throws StoreException {
        for (StoredAuthenticator stored : store.authenticators(user)) {
            if (!stored.isActive() && belongsTo(stored.secret(), nonce, now)) {
                return stored;
            }
        }
        return null;
    }

    /**
     * The public id of the credential's own secret: derived from its generation (a new secret, or another one promoted
     * into its place, gets a new id), 31 characters, so never one of the 22-character random ids of the others.
     */
    private static String firstId(String user, long generation) {
        MessageDigest digest = sha256();
        digest.update(user.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Long.toString(generation).getBytes(StandardCharsets.US_ASCII));
        return FIRST_ID_PREFIX + HexFormat.of().formatHex(digest.digest(), 0, 15);
    }

    private static Optional<Instant> lastUsedAt(long step, SecretRecord record) {
        return step == Totp.NO_STEP_USED ? Optional.empty()
                : Optional.of(Instant.ofEpochSecond(Math.multiplyExact(step, (long) record.parameters().periodSeconds())));
    }

    private static String labelDetail(SecretRecord record) {
        return record.deviceLabel().orElse("");
    }

    private static String cleanAuthenticatorLabel(String label) {
        if (label == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder();
        String text = label.strip();
        for (int i = 0; i < text.length() && clean.length() < SecretRecord.MAX_LABEL_LENGTH; i++) {
            char c = text.charAt(i);
            // Control characters, and formatting ones (a right-to-left override, zero-width spaces) that would make the
            // label on the page or in a mail read as something else.
            if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
                clean.append(c);
            }
        }
        if (!clean.isEmpty() && Character.isHighSurrogate(clean.charAt(clean.length() - 1))) {
            clean.setLength(clean.length() - 1);
        }
        String result = clean.toString().strip();
        return result.isEmpty() ? null : result;
    }

    // ---- management

    /**
     * New recovery codes for a user with an active second factor; the old ones stop working in the same
     * transaction. Show the returned codes once.
     *
     * @throws IllegalStateException if the user has no active second factor
     */
    public List<String> regenerateRecoveryCodes(String user) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        Instant now = clock.instant();
        List<String> codes = recoveryCodes.generate();
        if (!store.replaceRecoveryCodes(user, hashAll(codes))) {
            throw new IllegalStateException("User '" + user + "' has no active second factor");
        }
        fire(event(TwoFactorEvent.Type.RECOVERY_CODES_REGENERATED, user, now));
        return codes;
    }

    /**
     * The user turns their own second factor off: secret, pending enrollment and recovery codes are removed.
     * The caller must have re-checked a current code or the password (NIST SP 800-63B; OWASP MFA).
     */
    public void disable(String user) throws StoreException {
        checkUser(user);
        Instant now = clock.instant();
        // Sessions first: if the store fails between the two steps, the second factor is still there (fail safe).
        revoke(user, now, "disabled", null);
        if (store.delete(user)) {
            fire(event(TwoFactorEvent.Type.DISABLED, user, now));
        }
    }

    /**
     * An administrator ({@code actor}) removes another user's second factor, e.g. after a lost phone. Every session
     * of the user that passed the second factor ends ({@link #revokeSessions}).
     */
    public void reset(String user, String actor) throws StoreException {
        checkUser(user);
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        revoke(user, now, "reset", actor);
        if (store.delete(user)) {
            fire(event(TwoFactorEvent.Type.RESET, user, now).actor(actor));
        }
    }

    // ---- sessions

    /**
     * Ends every session of {@code user} that has passed the second factor, on every node: at once on this node,
     * within {@link TwoFactorPolicy#sessionRefresh()} (default 10 seconds) on the others. Call it when the password
     * changes or is reset, or whenever the account's sessions must end; {@link #reset}, {@link #disable}, a lock and
     * a newly confirmed secret do it by themselves. A caller that keeps its own session marks it verified again
     * afterwards (the filter's {@code markVerified} reads the new value).
     *
     * @throws StoreException if the revocation could not be stored; nothing was revoked then
     */
    public void revokeSessions(String user) throws StoreException {
        checkUser(user);
        revoke(user, clock.instant(), "revoked", null);
    }

    /**
     * The account's session revocation read from the store now, in UTC epoch milliseconds ({@code 0} if its sessions
     * were never revoked): record it with a session that has just passed the second factor, and hand it to
     * {@link #isSessionCurrent} on later requests. A login that proved the code at some instant (a
     * {@link TotpVerifiedPrincipal}) was revoked since if that instant is before this value.
     */
    public long sessionsValidAfter(String user) throws StoreException {
        checkUser(user);
        return sessions.read(user);
    }

    /**
     * Whether a session that passed the second factor when {@link #sessionsValidAfter} was {@code validAfter} is
     * still valid: no revocation of the account since, as far as this node knows. Answered from memory for
     * {@link TwoFactorPolicy#sessionRefresh()} per account, then from the store again; allocates nothing while it
     * answers from memory, so it can run on every request.
     *
     * @throws StoreException if the store had to be read and failed: refuse the request (fail closed)
     */
    public boolean isSessionCurrent(String user, long validAfter) throws StoreException {
        return sessions.isCurrent(user, validAfter);
    }

    /** An administrator ({@code actor}) clears a user's failure count and lock. */
    public void unlock(String user, String actor) throws StoreException {
        checkUser(user);
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        store.resetFailures(user);
        fire(event(TwoFactorEvent.Type.UNLOCKED, user, now).actor(actor));
    }

    /**
     * The user's second-factor state.
     *
     * @throws AccountAliasException if {@code user} is another spelling of a different enrolled account: refuse
     *     the request (it is neither "not enrolled" nor that account)
     * @throws StoreException if the store fails
     */
    public TwoFactorStatus status(String user) throws StoreException {
        checkUser(user);
        refuseAlias(user);
        Instant now = clock.instant();
        StoredCredential credential = store.find(user).orElse(null);
        if (credential == null) {
            return TwoFactorStatus.NONE;
        }
        Instant lockedUntil = credential.isLockedAt(now) ? credential.lockedUntil().get() : null;
        if (!credential.isActive()) {
            return new TwoFactorStatus(TwoFactorStatus.State.PENDING, true, Optional.empty(), Optional.ofNullable(lockedUntil), 0,
                    credential.failures());
        }
        int remaining = (int) store.recoveryCodes(user).stream().filter(code -> !code.isUsed()).count();
        return new TwoFactorStatus(TwoFactorStatus.State.ACTIVE, credential.pending().isPresent(),
                credential.confirmedAt(), Optional.ofNullable(lockedUntil), remaining, credential.failures());
    }

    // ---- enrollment grace

    /**
     * Where {@code user}, who has no active second factor, stands in the grace period of enforcement REQUIRED
     * ({@link TwoFactorPolicy#graceDays()}, {@link TwoFactorPolicy#graceSignIns()}), without counting a sign-in.
     * {@link EnrollmentGrace#NONE} (no store access) when the policy has no grace.
     *
     * <p>The period of an account starts once and is kept in the store under its {@link AccountKey}: at the later of
     * "enforcement turned on" (recorded in the store the first time a service with enforcement REQUIRED and a grace
     * needs it, and never again) and the account's creation ({@link Builder#accountCreationTimes}); where the creation
     * time is unknown, at the first time the account is seen here (its first sign-in after enforcement). Nothing
     * starts it again: not a login, a restart, another spelling of the name, nor a {@link #reset} or {@link #disable}
     * of the second factor; only an administrator's {@link #grantEnrollmentGrace}. It ends when its days have passed
     * by this service's clock or its sign-ins are used up, whichever comes first.
     *
     * @throws StoreException if the store (or the application's creation times) cannot be read: refuse the request,
     *     never let it pass as "in grace"
     */
    public EnrollmentGrace enrollmentGrace(String user) throws StoreException {
        checkUser(user);
        if (!policy.hasEnrollmentGrace()) {
            return EnrollmentGrace.NONE;
        }
        Instant now = clock.instant();
        return grace(store.startGrace(AccountKey.of(user), graceStart(user, now)), now);
    }

    /**
     * Counts one successful password sign-in of {@code user}, who has no active second factor, against the grace period
     * (atomically in the store, so across nodes) and tells where the account stands afterwards: the sign-in that uses up
     * the last allowed one is still {@linkplain EnrollmentGrace#open() open}, the next one is not. Call it once per
     * sign-in (the filter does, at the first protected request of a login); {@link #enrollmentGrace} for every later
     * request of the same login. {@link EnrollmentGrace#NONE} (no store access) when the policy has no grace.
     *
     * @throws StoreException if the store cannot count or read: refuse the request (fail closed)
     */
    public EnrollmentGrace countGraceSignIn(String user) throws StoreException {
        checkUser(user);
        if (!policy.hasEnrollmentGrace()) {
            return EnrollmentGrace.NONE;
        }
        Instant now = clock.instant();
        return grace(store.countGraceSignIn(AccountKey.of(user), graceStart(user, now)), now);
    }

    /**
     * An administrator ({@code actor}) gives {@code user} a new, full grace period from now, e.g. after resetting the
     * second factor of someone who cannot enroll again today. Nothing else starts a period again: a {@link #reset}
     * alone leaves the account where its period stood (usually past it, so the next sign-in leads to enrollment).
     *
     * @throws IllegalStateException if the policy has no grace period
     */
    public void grantEnrollmentGrace(String user, String actor) throws StoreException {
        checkUser(user);
        Objects.requireNonNull(actor, "actor");
        if (!policy.hasEnrollmentGrace()) {
            throw new IllegalStateException("The policy has no enrollment grace to grant");
        }
        refuseAlias(user);
        store.restartGrace(AccountKey.of(user), clock.instant());
        LOG.log(System.Logger.Level.INFO, "Administrator {0} granted user {1} a new enrollment grace", actor, user);
    }

    /** When a period of {@code user} that starts now starts: see {@link #enrollmentGrace}. */
    private Instant graceStart(String user, Instant now) throws StoreException {
        Instant enforced = enforcementStart(now);
        Instant created = creationTimes.createdAt(user).orElse(now);
        Instant start = created.isAfter(enforced) ? created : enforced;
        // A creation time ahead of this clock (another node's clock, a bad value) must not stretch the period.
        return start.isAfter(now) ? now : start;
    }

    /** When enforcement with a grace was first seen on: stored once, then the same for every node and every restart. */
    private Instant enforcementStart(Instant now) throws StoreException {
        Instant known = enforcementStart;
        if (known == null) {
            known = store.startGrace(GraceRecord.ENFORCEMENT_KEY, now).startedAt();
            enforcementStart = known;
        }
        return known;
    }

    private EnrollmentGrace grace(GraceRecord record, Instant now) {
        Optional<Instant> endsAt = policy.graceDays() > 0
                ? Optional.of(record.startedAt().plus(Duration.ofDays(policy.graceDays()))) : Optional.empty();
        boolean withinDays = endsAt.isEmpty() || now.isBefore(endsAt.get());
        boolean withinSignIns = policy.graceSignIns() == 0 || record.signIns() <= policy.graceSignIns();
        OptionalInt signInsLeft = policy.graceSignIns() > 0
                ? OptionalInt.of(Math.max(0, policy.graceSignIns() - record.signIns())) : OptionalInt.empty();
        return new EnrollmentGrace(withinDays && withinSignIns, Optional.of(record.startedAt()), endsAt, signInsLeft);
    }

    /**
     * Re-encrypts every stored secret (active and pending, of every authenticator) that is not sealed with the key
     * ring's current key. Run it after adding a new current key on every node; afterwards the old key can be dropped.
     *
     * @return how many credentials and further authenticators were re-encrypted
     * @throws StoreException if the store fails or a secret cannot be opened with any key of the ring
     */
    public int rotateKeys() throws StoreException {
        int count = 0;
        for (String user : store.listUsers()) {
            for (int race = 0; ; race++) {
                StoredCredential credential = store.find(user).orElse(null);
                if (credential == null) {
                    break;
                }
                SealedSecret active = credential.active().map(SecretRecord::sealed).orElse(null);
                SealedSecret pending = credential.pending().map(SecretRecord::sealed).orElse(null);
                boolean stale = (active != null && cipher.needsResealing(active)) || (pending != null && cipher.needsResealing(pending));
                if (!stale) {
                    break;
                }
                SealedSecret newActive = active == null ? null : reseal(user, active);
                SealedSecret newPending = pending == null ? null : reseal(user, pending);
                if (store.updateSealedSecrets(user, active, newActive, pending, newPending)) {
                    count++;
                    fire(event(TwoFactorEvent.Type.SECRET_RESEALED, user, clock.instant()).detail("key " + cipher.keyRing().currentKeyId()));
                    break;
                }
                if (race == MAX_RACES) {
                    throw new StoreException("The credential of user '" + user + "' kept changing during key rotation");
                }
            }
            count += rotateAuthenticatorKeys(user);
        }
        return count;
    }

    /** Re-seals the user's further authenticators (pending ones too) that are not sealed with the current key. */
    private int rotateAuthenticatorKeys(String user) throws StoreException {
        int count = 0;
        for (StoredAuthenticator stored : store.authenticators(user)) {
            SealedSecret sealed = stored.secret().sealed();
            if (!cipher.needsResealing(sealed)) {
                continue;
            }
            // A lost compare-and-set means the authenticator was removed or replaced meanwhile: nothing left to re-seal.
            if (store.updateAuthenticatorSecret(user, stored.id(), sealed, reseal(user, sealed))) {
                count++;
                fire(event(TwoFactorEvent.Type.SECRET_RESEALED, user, clock.instant())
                        .detail("authenticator, key " + cipher.keyRing().currentKeyId()));
            }
        }
        return count;
    }

    /**
     * Closes what was handed to {@link Builder#closing} (the pool that
     * {@link dev.totpguard.config.TwoFactorServiceFactory} opened); nothing else.
     */
    @Override
    public void close() {
        closeQuietly(ownedResource);
    }

    @Override
    public String toString() {
        return "TwoFactorService[" + store + ", " + policy + "]";
    }

    // ---- internals

    /** The user of events about a login that gave no usable name. */
    private static final String UNKNOWN_USER = "(none)";
    private static final String ALIAS_DETAIL = "another spelling of an account enrolled under a different user name";

    /**
     * Throws if another stored user id folds to the same account key: one indexed look-up, on every path where a
     * name meets the store, because the password check before us may compare names case- or accent-insensitively.
     */
    private void refuseAlias(String user) throws StoreException {
        for (String owner : store.usersWithAccountKey(AccountKey.of(user))) {
            if (!owner.equals(user)) {
                throw new AccountAliasException(user);
            }
        }
    }

    /** The three code checks: how a refusal is audited, whether the address limit applies, what a store failure names. */
    private enum CodeKind {
        LOGIN_CODE(TwoFactorEvent.Type.CODE_REFUSED, true, "not enrolled", "verify a code"),
        RECOVERY_CODE(TwoFactorEvent.Type.RECOVERY_CODE_REFUSED, true, "not enrolled", "use a recovery code"),
        // An enrollment's failures count only against the account: it has no login behind it to throttle by address.
        ENROLLMENT_CODE(TwoFactorEvent.Type.ENROLLMENT_REFUSED, false, "no pending enrollment", "confirm enrollment");

        final TwoFactorEvent.Type refused;
        final boolean countsAddress;
        final String ineligible;
        final String operation;

        CodeKind(TwoFactorEvent.Type refused, boolean countsAddress, String ineligible, String operation) {
            this.refused = refused;
            this.countsAddress = countsAddress;
            this.ineligible = ineligible;
            this.operation = operation;
        }
    }

    /** The part of a code check that differs per kind: runs once the attempt is counted, ends in a refusal or an accept. */
    @FunctionalInterface
    private interface Evaluation<T> {
        T evaluate(StoredCredential credential, Attempt attempt) throws StoreException;
    }

    /**
     * The skeleton every code check shares: input checks, the alias check, the store read, the lock and the address
     * limit, the failure counted before the code is evaluated; an alias or a failing store ends in a refusal (fail
     * closed), audited like every other outcome.
     *
     * @param eligible whether the stored credential has what the code is checked against (else NOT_ENROLLED)
     * @param refusal wraps a refusal into the result type
     */
    private <T> T attempt(CodeKind kind, String user, String clientAddress, Instant now, Predicate<StoredCredential> eligible,
            Function<Verification, T> refusal, Evaluation<T> evaluation) {
        String address = address(clientAddress);
        if (!isValidUser(user)) {
            return refusal.apply(Verification.invalid());
        }
        try {
            refuseAlias(user);
            StoredCredential credential = store.find(user).orElse(null);
            if (credential == null || !eligible.test(credential)) {
                fire(event(kind.refused, user, now).clientAddress(address).detail(kind.ineligible));
                return refusal.apply(Verification.notEnrolled());
            }
            Counted counted = reserve(credential, kind, user, address, now);
            if (counted.refusal() != null) {
                return refusal.apply(counted.refusal());
            }
            return evaluation.evaluate(credential, new Attempt(kind, user, address, now, counted.lockSet()));
        } catch (AccountAliasException e) {
            fire(event(kind.refused, user, now).clientAddress(address).detail(ALIAS_DETAIL));
            return refusal.apply(Verification.accountAlias());
        } catch (StoreException e) {
            return refusal.apply(storeFailure(user, address, now, kind.operation, e));
        }
    }

    /** One counted code attempt, which its evaluation ends by {@link #refuse} or {@link #accept}. */
    private final class Attempt {
        final CodeKind kind;
        final String user;
        final String address;
        final Instant now;
        /** The lock that counting this attempt set, or {@code null}. */
        final Instant lockSet;

        Attempt(CodeKind kind, String user, String address, Instant now, Instant lockSet) {
            this.kind = kind;
            this.user = user;
            this.address = address;
            this.now = now;
            this.lockSet = lockSet;
        }

        /** Audits the refusal (and the lock it reached, ending the verified sessions); the failure stays counted. */
        Verification refuse(TwoFactorEvent.Type type, String detail, Verification refusal) throws StoreException {
            fire(event(type, user, now).clientAddress(address).detail(detail));
            if (lockSet != null) {
                fire(event(TwoFactorEvent.Type.LOCKED_OUT, user, now).clientAddress(address).detail(TwoFactorEvent.lockedUntilDetail(lockSet)));
                // Failures up to a lock mean someone has the password: the sessions already verified end too.
                revoke(user, now, "locked", null);
            }
            return refusal;
        }

        /** The code was used up: gives the address its attempt back and issues the service's proof. */
        Verification accept(TwoFactorEvent.Type type, String detail) {
            if (kind.countsAddress) {
                release(address, user);
            }
            TwoFactorEvent.Builder event = event(type, user, now).clientAddress(address);
            fire(detail == null ? event : event.detail(detail));
            return Verification.accepted(user, now);
        }
    }

    /** The outcome of counting an attempt: a refusal, or the lock the count set (if any). */
    private record Counted(Verification refusal, Instant lockSet) {
    }

    /**
     * Counts the attempt before it is evaluated: the per-address limit for this account (where the kind has one), then
     * the user's failure count as a compare-and-set.
     */
    private Counted reserve(StoredCredential credential, CodeKind kind, String user, String address, Instant now)
            throws StoreException {
        if (credential.isLockedAt(now)) {
            fire(event(kind.refused, user, now).clientAddress(address).detail("locked"));
            return new Counted(Verification.locked(Duration.between(now, credential.lockedUntil().get())), null);
        }
        // Keyed with the account: users behind one proxy or NAT share an address, and one of them failing (or a
        // throw-away account failing on purpose) must not lock the others out (issue 13 item 3).
        if (kind.countsAddress && address != null && policy.maxFailuresPerAddress() > 0) {
            purgeAddressCounters(now);
            if (!counters.reserve(counterKey("code", address, AccountKey.of(user)), policy.maxFailuresPerAddress(),
                    policy.addressWindow(), now)) {
                fire(event(kind.refused, user, now).clientAddress(address).detail("too many failures from this address"));
                return new Counted(Verification.locked(policy.addressWindow()), null);
            }
        }
        return countFailure(credential, user, address, now, kind.refused);
    }

    /** The user's failure count as a compare-and-set, retried on lost races (each means another attempt was counted). */
    private Counted countFailure(StoredCredential credential, String user, String address, Instant now, TwoFactorEvent.Type refusedType)
            throws StoreException {
        StoredCredential current = credential;
        for (int race = 0; race < MAX_RACES; race++) {
            int failures = current.failures();
            Instant lock = policy.lockoutAfter(failures + 1).map(now::plus).orElse(null);
            // The lock is set together with the count that reaches the threshold, before this attempt is checked:
            // parallel attempts see it at once. A success clears it again.
            if (store.recordFailure(user, failures, lock, now)) {
                return new Counted(null, lock);
            }
            current = store.find(user).orElse(null);
            if (current == null) {
                fire(event(refusedType, user, now).clientAddress(address).detail("not enrolled"));
                return new Counted(Verification.notEnrolled(), null);
            }
            if (current.isLockedAt(now)) {
                fire(event(refusedType, user, now).clientAddress(address).detail("locked"));
                return new Counted(Verification.locked(Duration.between(now, current.lockedUntil().get())), null);
            }
        }
        fire(event(refusedType, user, now).clientAddress(address).detail("locked"));
        return new Counted(Verification.locked(policy.lockoutBase()), null);
    }

    private void revoke(String user, Instant now, String reason, String actor) throws StoreException {
        endSessions(user, now, reason, actor);
        forgetTrustedBrowsers(user, now, reason);
    }

    /** The account's sessions end (a revocation in the store, audited); its trusted browsers are left to the caller. */
    private void endSessions(String user, Instant now, String reason, String actor) throws StoreException {
        Instant validAfter;
        try {
            validAfter = store.revokeSessions(user, now);
        } catch (StoreException e) {
            fire(event(TwoFactorEvent.Type.STORE_UNAVAILABLE, user, now).detail("revoke sessions"));
            throw e;
        }
        sessions.revoked(user, validAfter.toEpochMilli());
        TwoFactorEvent.Builder event = event(TwoFactorEvent.Type.SESSIONS_REVOKED, user, now).detail(reason);
        fire(actor == null ? event : event.actor(actor));
    }

    private OptionalLong check(String user, SecretRecord record, CharSequence code, long lastUsedStep) throws StoreException {
        byte[] key = open(user, record.sealed());
        try {
            return totp(record.parameters()).verify(key, code, lastUsedStep);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private byte[] open(String user, SealedSecret sealed) throws StoreException {
        Secret secret = cipher.open(user, sealed);
        try {
            return secret.bytes();
        } finally {
            secret.destroy();
        }
    }

    private SealedSecret reseal(String user, SealedSecret sealed) throws StoreException {
        if (!cipher.needsResealing(sealed)) {
            return sealed;
        }
        Secret secret = cipher.open(user, sealed);
        try {
            return cipher.seal(user, secret);
        } finally {
            secret.destroy();
        }
    }

    private Totp totp(TotpParameters parameters) {
        return totps.computeIfAbsent(parameters, p -> Totp.builder().parameters(p)
                .window(policy.stepsBack(), policy.stepsAhead()).clock(clock).build());
    }

    private Enrollment enrollment(String user, Secret secret, TotpParameters parameters, String nonce) {
        // The otpauth label format reserves the colon; the stored user name is unchanged.
        String account = user.replace(':', '_');
        return new Enrollment(user, OtpAuthUri.of(policy.issuer(), account, secret, parameters), qrCode, nonce);
    }

    /** Whether {@code pending} was started by the holder of {@code nonce} and has not expired at {@code now}. */
    private boolean belongsTo(SecretRecord pending, String nonce, Instant now) {
        if (nonce == null || pending.nonceHash().isEmpty()) {
            // A pending secret stored before enrollments had nonces belongs to nobody: it is enrolled again.
            return false;
        }
        if (now.isAfter(pending.createdAt().plus(policy.enrollmentTimeout()))) {
            return false;
        }
        // Constant time: the stored hash must not be learnable byte by byte from response times.
        return MessageDigest.isEqual(nonceHash(nonce).getBytes(StandardCharsets.US_ASCII),
                pending.nonceHash().get().getBytes(StandardCharsets.US_ASCII));
    }

    private static String nonceHash(String nonce) {
        return HexFormat.of().formatHex(sha256().digest(nonce.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("Every Java platform has SHA-256", e);
        }
    }

    private List<String> hashAll(List<String> codes) {
        List<String> hashes = new ArrayList<>(codes.size());
        for (String code : codes) {
            hashes.add(recoveryCodes.hash(code));
        }
        return hashes;
    }

    private void release(String address, String user) {
        if (address == null || policy.maxFailuresPerAddress() == 0) {
            return;
        }
        try {
            counters.release(counterKey("code", address, AccountKey.of(user)));
        } catch (StoreException e) {
            // The code was already accepted; a failed release only leaves the address one attempt short.
            LOG.log(System.Logger.Level.WARNING, "Could not release an address attempt: " + e.getMessage());
        }
    }

    /**
     * The key of one windowed counter in the store: what is counted and for whom, hashed (SHA-256, Base64url) so that
     * any address or account name fits the store's 64 ASCII characters and the table holds no names or addresses.
     */
    private static String counterKey(String kind, String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            // A separator no name or address contains, so ("ab", "c") and ("a", "bc") differ.
            digest.update((byte) 0);
        }
        return kind + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
    }

    private void purgeAddressCounters(Instant now) throws StoreException {
        long due = nextAddressPurge.get();
        long nowMillis = now.toEpochMilli();
        // At most once per window per service instance, by whichever request wins the compare-and-set.
        // The counters of codes and of passwords share the table: only what is older than the longer window goes.
        Duration longest = policy.addressWindow().compareTo(policy.passwordWindow()) >= 0 ? policy.addressWindow() : policy.passwordWindow();
        if (nowMillis >= due && nextAddressPurge.compareAndSet(due, nowMillis + longest.toMillis())) {
            counters.purge(now.minus(longest));
        }
    }

    private Verification storeFailure(String user, String address, Instant now, String operation, Exception e) {
        fire(event(TwoFactorEvent.Type.STORE_UNAVAILABLE, user, now).clientAddress(address).detail(operation));
        LOG.log(System.Logger.Level.ERROR, "Credential store failed to " + operation + " for a user; refusing: " + e, e);
        return Verification.storeUnavailable();
    }

    private TwoFactorEvent.Builder event(TwoFactorEvent.Type type, String user, Instant now) {
        return TwoFactorEvent.builder(type, user, now);
    }

    /** A failing audit listener is logged, never allowed to change an outcome: this catch is about the listener, not the store. */
    private void fire(TwoFactorEvent.Builder event) {
        try {
            listener.onEvent(event.build());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Audit listener failed: " + e, e);
        }
    }

    private static String address(String clientAddress) {
        if (clientAddress == null) {
            return null;
        }
        String address = clientAddress.strip();
        if (address.isEmpty()) {
            return null;
        }
        return address.length() > MAX_ADDRESS_LENGTH ? address.substring(0, MAX_ADDRESS_LENGTH) : address;
    }

    private static boolean isValidUser(String user) {
        if (user == null || user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            if (Character.isISOControl(user.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void checkUser(String user) {
        Objects.requireNonNull(user, "user");
        if (!isValidUser(user)) {
            throw new IllegalArgumentException("A user name has 1 to " + MAX_USER_LENGTH + " characters and no control characters");
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Closing " + resource + " failed: " + e);
        }
    }

    /** Configures a {@link TwoFactorService}. */
    public static final class Builder {
        private CredentialStore store;
        private AttemptCounters counters;
        private KeyRing keyRing;
        private TwoFactorPolicy policy = TwoFactorPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private TwoFactorListener listener = new LoggingTwoFactorListener();
        private SecureRandom random;
        private QrCode qrCode;
        private int recoveryCodeIterations = RecoveryCodes.DEFAULT_ITERATIONS;
        private AutoCloseable ownedResource;
        private AccountCreationTimes creationTimes = user -> Optional.empty();

        private Builder() {
        }

        /**
         * When the application's accounts were created, so that an account created after enforcement was turned on gets
         * its own full {@linkplain TwoFactorService#enrollmentGrace grace period} from its creation (default: unknown,
         * the period starts at the account's first sign-in seen after enforcement).
         */
        public Builder accountCreationTimes(AccountCreationTimes creationTimes) {
            this.creationTimes = Objects.requireNonNull(creationTimes, "creationTimes");
            return this;
        }

        /** Where credentials live (required). */
        public Builder store(CredentialStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Where the per-address and password attempt limits are counted (default: the store's own counters when it is
         * a {@link JdbcCredentialStore}, so they hold across nodes; otherwise {@link InMemoryAttemptCounters}, which hold
         * per node).
         */
        public Builder attemptCounters(AttemptCounters counters) {
            this.counters = Objects.requireNonNull(counters, "counters");
            return this;
        }

        /** The keys that encrypt secrets at rest (required). */
        public Builder keyRing(KeyRing keyRing) {
            this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
            return this;
        }

        public Builder policy(TwoFactorPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for time steps, locks and events (default: the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Receives the audit events (default: {@link LoggingTwoFactorListener}). */
        public Builder listener(TwoFactorListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Source of secrets, nonces and recovery codes (default: a new {@link SecureRandom}). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** How enrollment QR codes are rendered (default: 250 px, 4-module margin). */
        public Builder qrCode(QrCode qrCode) {
            this.qrCode = Objects.requireNonNull(qrCode, "qrCode");
            return this;
        }

        /** PBKDF2 iterations for new recovery code hashes (default {@link RecoveryCodes#DEFAULT_ITERATIONS}). */
        public Builder recoveryCodeIterations(int iterations) {
            this.recoveryCodeIterations = iterations;
            return this;
        }

        /**
         * Something the service closes in {@link TwoFactorService#close()}, such as the connection pool its store runs
         * on; {@code null} for nothing. A store or pool handed in otherwise stays the caller's to close.
         */
        public Builder closing(AutoCloseable resource) {
            this.ownedResource = resource;
            return this;
        }

        /**
         * With a policy that trusts no browsers ({@link TwoFactorPolicy#trustedBrowserDays()} 0), the store's trusted
         * browsers are deleted here, once: see {@link TwoFactorService#forgetLeftoverTrustedBrowser}.
         *
         * @throws NullPointerException if the store or the key ring is missing
         * @throws IllegalArgumentException if the recovery code iterations are out of range
         */
        public TwoFactorService build() {
            TwoFactorService service = new TwoFactorService(this);
            service.forgetAllTrustedBrowsersWhenOff();
            return service;
        }
    }
}
