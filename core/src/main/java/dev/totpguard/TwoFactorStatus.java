package dev.totpguard;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's second-factor state as an administrator or the user's own settings page shows it. Immutable; holds
 * nothing secret.
 */
public final class TwoFactorStatus {

    /** Whether the user has a second factor. */
    public enum State {
        /** Never enrolled, or disabled or reset since. */
        NONE,
        /** An enrollment was started but not confirmed: the user has no second factor yet. */
        PENDING,
        /** A confirmed second factor. */
        ACTIVE
    }

    private static final TwoFactorStatus NONE = new TwoFactorStatus(State.NONE, false, null, null, 0, 0);

    private final State state;
    private final boolean pendingEnrollment;
    private final Instant confirmedAt;
    private final Instant lockedUntil;
    private final int recoveryCodesRemaining;
    private final int failureCount;

    private TwoFactorStatus(State state, boolean pendingEnrollment, Instant confirmedAt, Instant lockedUntil,
            int recoveryCodesRemaining, int failureCount) {
        this.state = state;
        this.pendingEnrollment = pendingEnrollment;
        this.confirmedAt = confirmedAt;
        this.lockedUntil = lockedUntil;
        this.recoveryCodesRemaining = recoveryCodesRemaining;
        this.failureCount = failureCount;
    }

    /** The status of a user without any second factor. */
    static TwoFactorStatus none() {
        return NONE;
    }

    /**
     * @param confirmedAt required for {@link State#ACTIVE}, {@code null} otherwise
     * @param lockedUntil the end of a lock still in force, or {@code null}
     */
    static TwoFactorStatus of(State state, boolean pendingEnrollment, Instant confirmedAt, Instant lockedUntil,
            int recoveryCodesRemaining, int failureCount) {
        Objects.requireNonNull(state, "state");
        if ((state == State.ACTIVE) != (confirmedAt != null)) {
            throw new IllegalArgumentException("Exactly an ACTIVE status has a confirmation time");
        }
        if (recoveryCodesRemaining < 0 || failureCount < 0) {
            throw new IllegalArgumentException("Counts must not be negative");
        }
        return new TwoFactorStatus(state, pendingEnrollment || state == State.PENDING, confirmedAt, lockedUntil,
                recoveryCodesRemaining, failureCount);
    }

    public State state() {
        return state;
    }

    /** True when the user has a confirmed second factor and must give a code at login. */
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    /** True when an enrollment waits for its confirming code (also while an older second factor is active). */
    public boolean hasPendingEnrollment() {
        return pendingEnrollment;
    }

    public Optional<Instant> confirmedAt() {
        return Optional.ofNullable(confirmedAt);
    }

    /** The end of the current lock, if the second factor is locked now. */
    public Optional<Instant> lockedUntil() {
        return Optional.ofNullable(lockedUntil);
    }

    public int recoveryCodesRemaining() {
        return recoveryCodesRemaining;
    }

    /** Consecutive failed attempts since the last success. */
    public int failureCount() {
        return failureCount;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TwoFactorStatus)) {
            return false;
        }
        TwoFactorStatus that = (TwoFactorStatus) o;
        return state == that.state && pendingEnrollment == that.pendingEnrollment && Objects.equals(confirmedAt, that.confirmedAt)
                && Objects.equals(lockedUntil, that.lockedUntil) && recoveryCodesRemaining == that.recoveryCodesRemaining
                && failureCount == that.failureCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, confirmedAt, lockedUntil, recoveryCodesRemaining, failureCount);
    }

    @Override
    public String toString() {
        return "TwoFactorStatus[" + state + (pendingEnrollment && state == State.ACTIVE ? " with pending enrollment" : "")
                + (confirmedAt != null ? ", confirmed " + confirmedAt : "")
                + (lockedUntil != null ? ", locked until " + lockedUntil : "")
                + ", " + recoveryCodesRemaining + " recovery codes left, " + failureCount + " failures]";
    }
}
