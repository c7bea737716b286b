package dev.totpguard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of checking a second-factor code. A wrong code is a result, not an exception.
 *
 * <p>Show users one generic message for {@link Outcome#INVALID} and {@link Outcome#REPLAYED}: telling them
 * apart would tell an attacker that a code was right a moment ago. Callers must treat every outcome
 * other than {@link Outcome#ACCEPTED} as a refusal; {@link Outcome#STORE_UNAVAILABLE} means "fail closed".
 * Instances are immutable.
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

    private static final Verification ACCEPTED = new Verification(Outcome.ACCEPTED, null);
    private static final Verification INVALID = new Verification(Outcome.INVALID, null);
    private static final Verification REPLAYED = new Verification(Outcome.REPLAYED, null);
    private static final Verification NOT_ENROLLED = new Verification(Outcome.NOT_ENROLLED, null);
    private static final Verification STORE_UNAVAILABLE = new Verification(Outcome.STORE_UNAVAILABLE, null);
    private static final Verification ACCOUNT_ALIAS = new Verification(Outcome.ACCOUNT_ALIAS, null);

    private final Outcome outcome;
    private final Duration retryAfter;

    private Verification(Outcome outcome, Duration retryAfter) {
        this.outcome = outcome;
        this.retryAfter = retryAfter;
    }

    public static Verification accepted() {
        return ACCEPTED;
    }

    public static Verification invalid() {
        return INVALID;
    }

    public static Verification replayed() {
        return REPLAYED;
    }

    public static Verification notEnrolled() {
        return NOT_ENROLLED;
    }

    public static Verification storeUnavailable() {
        return STORE_UNAVAILABLE;
    }

    public static Verification accountAlias() {
        return ACCOUNT_ALIAS;
    }

    /** Locked; {@code retryAfter} is how long until a code is evaluated again (never negative). */
    public static Verification locked(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        return new Verification(Outcome.LOCKED, retryAfter.isNegative() ? Duration.ZERO : retryAfter);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Verification && outcome == ((Verification) o).outcome
                && Objects.equals(retryAfter, ((Verification) o).retryAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, retryAfter);
    }

    @Override
    public String toString() {
        return retryAfter == null ? "Verification[" + outcome + "]" : "Verification[" + outcome + ", retry after " + retryAfter + "]";
    }
}
