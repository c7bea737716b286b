package dev.totpguard;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The result of checking a second-factor code. A wrong code is a result, not an exception.
 *
 * <p>Show users one generic message for {@link Outcome#INVALID} and {@link Outcome#REPLAYED}: telling them
 * apart would tell an attacker that a code was right a moment ago. Callers must treat every outcome
 * other than {@link Outcome#ACCEPTED} as a refusal; {@link Outcome#STORE_UNAVAILABLE} means "fail closed".
 *
 * <p>An accepted verification is a proof that only {@link TwoFactorService} can issue (there is no public
 * constructor or factory for one): it names the user whose code was checked and the instant of the check, so a
 * receiver such as the servlet filter's {@code acceptSecondFactor} can refuse a proof for another user, an old
 * one, or one presented twice ({@link #claim()}). Refusals are plain shared values.
 *
 * <p>Thread-safe; immutable except for the one-time {@link #claim()} mark of an accepted proof.
 */
public final class Verification {

    /** What happened to a submitted code. */
    public enum Outcome {
        /** The code matched and has now been used up. */
        ACCEPTED,
        /** The code is wrong, malformed, or does not belong to the user. */
        INVALID,
        /** The code was right but its time step (or that recovery code) was already used. */
        REPLAYED,
        /** Too many failures: the second factor is locked until {@link #retryAfter()} has passed. */
        LOCKED,
        /** The user has no active second factor. */
        NOT_ENROLLED,
        /** The credential store could not be reached or failed: refuse and show a 503. */
        STORE_UNAVAILABLE,
        /**
         * The user name is another spelling (case, accents, compatibility characters, surrounding space) of an
         * account enrolled under a different user name: refuse, ask the user to sign in with the account's own user
         * name (HTTP 403), and never offer enrollment. See {@link dev.totpguard.store.AccountAliasException}.
         */
        ACCOUNT_ALIAS
    }

    private static final Verification INVALID = new Verification(Outcome.INVALID, null, null, null);
    private static final Verification REPLAYED = new Verification(Outcome.REPLAYED, null, null, null);
    private static final Verification NOT_ENROLLED = new Verification(Outcome.NOT_ENROLLED, null, null, null);
    private static final Verification STORE_UNAVAILABLE = new Verification(Outcome.STORE_UNAVAILABLE, null, null, null);
    private static final Verification ACCOUNT_ALIAS = new Verification(Outcome.ACCOUNT_ALIAS, null, null, null);

    private final Outcome outcome;
    private final Duration retryAfter;
    private final String user;
    private final Instant issuedAt;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private Verification(Outcome outcome, Duration retryAfter, String user, Instant issuedAt) {
        this.outcome = outcome;
        this.retryAfter = retryAfter;
        this.user = user;
        this.issuedAt = issuedAt;
    }

    /**
     * An accepted check of {@code user}'s code at {@code issuedAt}. Package-private on purpose: only the service,
     * which has just used the code up, may vouch for a second factor.
     */
    static Verification accepted(String user, Instant issuedAt) {
        return new Verification(Outcome.ACCEPTED, null, Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(issuedAt, "issuedAt"));
    }

    static Verification invalid() {
        return INVALID;
    }

    static Verification replayed() {
        return REPLAYED;
    }

    static Verification notEnrolled() {
        return NOT_ENROLLED;
    }

    static Verification storeUnavailable() {
        return STORE_UNAVAILABLE;
    }

    static Verification accountAlias() {
        return ACCOUNT_ALIAS;
    }

    /** Locked; {@code retryAfter} is how long until a code is evaluated again (never negative). */
    static Verification locked(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        return new Verification(Outcome.LOCKED, retryAfter.isNegative() ? Duration.ZERO : retryAfter, null, null);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True only for {@link Outcome#ACCEPTED}. */
    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }

    /** For {@link Outcome#LOCKED}: the time until the lock ends; empty otherwise. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** For {@link Outcome#ACCEPTED}: the user whose code the service checked; empty otherwise. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** For {@link Outcome#ACCEPTED}: when the service accepted the code, by its clock; empty otherwise. */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /**
     * Marks an accepted proof as presented: {@code true} the first time only (atomically, of concurrent calls
     * one wins), {@code false} afterwards and always for a refusal. A receiver that turns a proof into a
     * verified session claims it, so one check of a code verifies one session.
     */
    public boolean claim() {
        return outcome == Outcome.ACCEPTED && claimed.compareAndSet(false, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verification && outcome == ((Verification) o).outcome
                && Objects.equals(retryAfter, ((Verification) o).retryAfter)
                && Objects.equals(user, ((Verification) o).user) && Objects.equals(issuedAt, ((Verification) o).issuedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, retryAfter);
    }

    @Override
    public String toString() {
        if (user != null) {
            return "Verification[" + outcome + ", " + user + " at " + issuedAt + "]";
        }
        return retryAfter == null ? "Verification[" + outcome + "]" : "Verification[" + outcome + ", retry after " + retryAfter + "]";
    }
}
